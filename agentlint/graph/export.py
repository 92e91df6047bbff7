"""`agentlint graph`: the identity graph as JSON (node-link), Mermaid or Graphviz DOT."""

from __future__ import annotations

import json
import re

from agentlint.graph.query import GraphQuery as IdentityGraph
from agentlint.graph.schema import NodeKind

# Resources that carry no identity meaning are left out of the picture.
_SHOWN_KINDS = {NodeKind.WORKLOAD, NodeKind.PRINCIPAL, NodeKind.PROFILE, NodeKind.POLICY, NodeKind.CREDENTIAL,
                NodeKind.EXTERNAL}


def _nodes(graph: IdentityGraph):
    for rec in graph.nodes():
        if rec.kind in _SHOWN_KINDS:
            yield rec.id, rec


def _edges(graph: IdentityGraph):
    for e in sorted(graph.edges(), key=lambda e: (e.source, e.target, e.rel.value)):
        yield e.source, e.target, e.rel.value, (e.via.address if e.via is not None else None), e.attr


def to_json(graph: IdentityGraph) -> str:
    nodes = []
    for node, rec in _nodes(graph):
        res = rec.resource
        nodes.append({"id": node, "kind": rec.kind.value, "address": rec.address, "type": rec.rtype,
                      "stack": rec.stack, "agent": node in graph.agents,
                      "path": res.path if res else None, "line": res.start_line if res else None})
    edges = [{"source": u, "target": v, "rel": rel, "via": via, "attr": attr} for u, v, rel, via, attr in _edges(graph)]
    agents = [a.model_dump() for a in graph.agents.values()]
    return json.dumps({"nodes": nodes, "edges": edges, "agents": agents}, indent=2) + "\n"


def _safe(node: str, ids: dict[str, str]) -> str:
    if node not in ids:
        ids[node] = f"n{len(ids)}"
    return ids[node]


def _label(graph: IdentityGraph, node: str) -> str:
    text = graph.address_of(node)
    return re.sub(r'["<>]', "'", text)


def to_mermaid(graph: IdentityGraph) -> str:
    ids: dict[str, str] = {}
    lines = ["flowchart LR"]
    shapes = {"workload": ("([", "])"), "principal": ("[", "]"), "profile": ("[", "]"), "policy": ("[/", "/]"),
              "credential": ("{{", "}}"), "external": ("[(", ")]")}
    for node, rec in _nodes(graph):
        open_, close = shapes.get(rec.kind.value, ("[", "]"))
        label = ("🤖 " if node in graph.agents else "") + _label(graph, node)
        lines.append(f'  {_safe(node, ids)}{open_}"{label}"{close}')
    for u, v, rel, via, _ in _edges(graph):
        if u in ids and v in ids:
            lines.append(f"  {ids[u]} -->|{rel}| {ids[v]}")
    for node in graph.agents:
        if node in ids:
            lines.append(f"  style {ids[node]} stroke:#d33,stroke-width:2px")
    return "\n".join(lines) + "\n"


def to_dot(graph: IdentityGraph) -> str:
    ids: dict[str, str] = {}
    lines = ["digraph agentlint {", "  rankdir=LR;", "  node [fontname=Helvetica];"]
    shapes = {"workload": "ellipse", "principal": "box", "profile": "box", "policy": "note", "credential": "hexagon",
              "external": "box3d"}
    for node, rec in _nodes(graph):
        colour = ', color=red, penwidth=2' if node in graph.agents else ""
        lines.append(f'  {_safe(node, ids)} [label="{_label(graph, node)}", shape={shapes.get(rec.kind.value, "box")}{colour}];')
    for u, v, rel, _, _ in _edges(graph):
        if u in ids and v in ids:
            lines.append(f'  {ids[u]} -> {ids[v]} [label="{rel}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
