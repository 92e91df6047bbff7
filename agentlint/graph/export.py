"""`agentlint graph`: the identity graph as JSON (node-link), Mermaid or Graphviz DOT."""

from __future__ import annotations

import json
import re

from agentlint.graph.build import IdentityGraph

# Resources that carry no identity meaning are left out of the picture.
_SHOWN_KINDS = {"workload", "principal", "profile", "policy", "credential", "external"}


def _nodes(graph: IdentityGraph):
    for node, data in sorted(graph.g.nodes(data=True)):
        if data.get("kind") in _SHOWN_KINDS:
            yield node, data


def _edges(graph: IdentityGraph):
    for u, v, data in sorted(graph.g.edges(data=True), key=lambda e: (e[0], e[1], e[2].get("rel", ""))):
        via = data.get("via")
        yield u, v, data.get("rel"), (via.address if via is not None else None), data.get("attr")


def to_json(graph: IdentityGraph) -> str:
    nodes = []
    for node, data in _nodes(graph):
        res = data.get("resource")
        nodes.append({"id": node, "kind": data["kind"], "address": data["address"], "type": data.get("rtype"),
                      "stack": data.get("stack"), "agent": node in graph.agents,
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
    for node, data in _nodes(graph):
        open_, close = shapes.get(data["kind"], ("[", "]"))
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
    for node, data in _nodes(graph):
        colour = ', color=red, penwidth=2' if node in graph.agents else ""
        lines.append(f'  {_safe(node, ids)} [label="{_label(graph, node)}", shape={shapes.get(data["kind"], "box")}{colour}];')
    for u, v, rel, _, _ in _edges(graph):
        if u in ids and v in ids:
            lines.append(f'  {ids[u]} -> {ids[v]} [label="{rel}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
