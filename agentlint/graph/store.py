"""Where the graph builder puts nodes and edges while it builds: a directed multigraph of attribute dicts.

Why not networkx: the builder only ever stored nodes and parallel edges here and read them back in insertion order;
`GraphQuery._freeze()` copies everything into typed records and no rule runs a graph algorithm on the store. Importing
networkx (about 290 modules, every algorithm registered with its dispatcher) cost 110-180 ms of each start, a third of
the 0.5 s a pre-commit run of one module may take. This class keeps the subset of networkx's `MultiDiGraph` API the
builder used, with the same iteration order (nodes in insertion order; a node's edges grouped by neighbour, neighbours
in the order of their first edge, parallel edges in insertion order), so findings and their order are unchanged.
"""

from __future__ import annotations

from typing import Iterator


class FrozenGraphError(RuntimeError):
    pass


class _Nodes(dict):
    """node id -> attribute dict; `nodes(data=True)` as networkx's node view answers it."""

    def __call__(self, data: bool = False):
        return self.items() if data else self.keys()


class GraphStore:
    """A directed multigraph: nodes with attribute dicts, any number of edges between two nodes, each with its own
    attribute dict (shared by the out- and in-views, so an update through one shows in the other)."""

    __slots__ = ("nodes", "_succ", "_pred", "_frozen")

    def __init__(self) -> None:
        self.nodes = _Nodes()
        self._succ: dict[str, dict[str, list[dict]]] = {}
        self._pred: dict[str, dict[str, list[dict]]] = {}
        self._frozen = False

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def __iter__(self) -> Iterator[str]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def add_node(self, node: str, **attrs) -> None:
        """Add a node, or update the attributes of one already there."""
        self._check()
        if node not in self.nodes:
            self.nodes[node] = {}
            self._succ[node] = {}
            self._pred[node] = {}
        self.nodes[node].update(attrs)

    def add_edge(self, u: str, v: str, **attrs) -> None:
        """Add one more edge from u to v (parallel edges are kept), adding either end that is missing."""
        self._check()
        for node in (u, v):
            if node not in self.nodes:
                self.add_node(node)
        data = dict(attrs)
        self._succ[u].setdefault(v, []).append(data)
        self._pred[v].setdefault(u, []).append(data)

    def out_edges(self, node: str, data: bool = False) -> list[tuple]:
        return [(node, v, d) if data else (node, v) for v, ds in self._succ.get(node, {}).items() for d in ds]

    def in_edges(self, node: str, data: bool = False) -> list[tuple]:
        return [(u, node, d) if data else (u, node) for u, ds in self._pred.get(node, {}).items() for d in ds]

    def freeze(self) -> None:
        """No node or edge can be added from now on (attribute dicts stay writable, as in networkx)."""
        self._frozen = True

    def _check(self) -> None:
        if self._frozen:
            raise FrozenGraphError("Frozen graph can't be modified")
