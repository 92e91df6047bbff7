"""graph.store: the builder's multigraph. Findings and their order depend on its iteration order, which is networkx's
MultiDiGraph order (the store it replaced): nodes in insertion order; a node's edges grouped by neighbour, neighbours in
the order of their first edge, parallel edges in insertion order."""

from __future__ import annotations

import pytest

from agentlint.graph.store import FrozenGraphError, GraphStore


def _store() -> GraphStore:
    g = GraphStore()
    g.add_node("role", kind="principal")
    g.add_edge("agent", "role", rel="runs_as")  # "agent" added by the edge, after "role"
    g.add_edge("role", "p2", rel="policy", via="b")
    g.add_edge("role", "p1", rel="policy", via="a")
    g.add_edge("role", "p2", rel="boundary")  # parallel edge: grouped with the first edge to p2
    g.add_edge("other", "p2", rel="policy")
    return g


def test_nodes_in_insertion_order_with_their_attributes():
    g = _store()
    assert list(g) == ["role", "agent", "p2", "p1", "other"]
    assert list(g.nodes(data=True))[:2] == [("role", {"kind": "principal"}), ("agent", {})]
    assert "p1" in g and "nowhere" not in g and len(g) == 5
    g.add_node("role", address="aws_iam_role.x")  # an existing node: attributes updated, position kept
    assert g.nodes["role"] == {"kind": "principal", "address": "aws_iam_role.x"} and list(g)[0] == "role"


def test_edges_grouped_by_neighbour_in_first_edge_order():
    g = _store()
    assert [(v, d.get("rel"), d.get("via")) for _, v, d in g.out_edges("role", data=True)] == [
        ("p2", "policy", "b"), ("p2", "boundary", None), ("p1", "policy", "a")]
    assert [(u, d["rel"]) for u, _, d in g.in_edges("p2", data=True)] == [
        ("role", "policy"), ("role", "boundary"), ("other", "policy")]
    assert g.out_edges("agent") == [("agent", "role")]
    assert g.out_edges("nowhere", data=True) == [] and g.in_edges("nowhere") == []


def test_an_edge_has_one_attribute_dict_seen_from_both_ends():
    g = _store()
    _, _, out = g.out_edges("other", data=True)[0]
    out["scope"] = "project"
    assert g.in_edges("p2", data=True)[2][2] == {"rel": "policy", "scope": "project"}


def test_frozen_store_refuses_nodes_and_edges_but_not_attribute_updates():
    g = _store()
    g.freeze()
    with pytest.raises(FrozenGraphError, match="Frozen"):
        g.add_node("new")
    with pytest.raises(FrozenGraphError, match="Frozen"):
        g.add_edge("role", "p1", rel="policy")
    g.nodes["role"]["bound"] = True  # as networkx's frozen graphs: the builder's lazy document cache writes here
    assert g.nodes["role"]["bound"] is True and len(g.out_edges("role")) == 3
