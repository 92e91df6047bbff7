"""The questions rules ask of the identity graph, answered from typed records of a frozen graph.

The builder (graph.build) fills a graph.store.GraphStore and then calls `_freeze()`: from then on nothing can add a
node or an edge, and every answer is a `Node`, an `Edge`, a node id or a small record of graph.paths. Rules never see
the store or its attribute dicts.
"""

from __future__ import annotations

from collections import deque
from typing import Iterator, Optional

from agentlint.graph.paths import AgentPath, Grant
from agentlint.graph.schema import (IDENTITY_RELS, Edge, Node, NodeKind, Rel, edge_record, external_sa_node,
                                    node_record)
from agentlint.graph.store import GraphStore
from agentlint.iam.policy import PolicyDocument, parse_policy_value
from agentlint.model import Agent, Resource, ScanModel, strip_instance_keys

# Identities outside the scanned code whose attached policies still count (`aws_iam_user_policy_attachment`).
_EXTERNAL_HOLDERS = ("role", "user", "group", "permission_set")


class GraphQuery:
    """Read-only access to a built identity graph. Node ids are `<stack>::<address>`; edges never cross stacks."""

    _g: GraphStore
    model: ScanModel
    agents: dict[str, Agent]
    by_ref: dict[tuple[str, str], list[Resource]]
    by_address: dict[tuple[str, str], Resource]
    _docs: dict[str, PolicyDocument]
    _nodes: dict[str, Node]
    _out: dict[str, list[Edge]]
    _in: dict[str, list[Edge]]
    _console_logins: list[tuple[Resource, str]]

    def _freeze(self) -> None:
        """Take the records out of the builder's store and make the store immutable."""
        g = self._g
        self._nodes = {node: node_record(node, data) for node, data in g.nodes(data=True)}
        self._out = {node: [edge_record(u, v, d) for u, v, d in g.out_edges(node, data=True)] for node in g}
        self._in = {node: [edge_record(u, v, d) for u, v, d in g.in_edges(node, data=True)] for node in g}
        g.freeze()

    # -- nodes and edges ---------------------------------------------------------------------------------------

    @staticmethod
    def nid(res: Resource) -> str:
        return f"{res.stack}::{res.address}"

    def has(self, node: str) -> bool:
        return node in self._nodes

    def node(self, node: str) -> Node:
        return self._nodes[node]

    def nodes(self, kind: Optional[NodeKind] = None) -> list[Node]:
        """Every node (of one kind), ordered by id."""
        return [n for _, n in sorted(self._nodes.items()) if kind is None or n.kind == kind]

    def edges_out(self, node: str, rel: Optional[Rel] = None) -> list[Edge]:
        return [e for e in self._out.get(node, ()) if rel is None or e.rel == rel]

    def edges_in(self, node: str, rel: Optional[Rel] = None) -> list[Edge]:
        return [e for e in self._in.get(node, ()) if rel is None or e.rel == rel]

    def edges(self) -> list[Edge]:
        return [e for node in self._out for e in self._out[node]]

    def relations(self, rel: Rel) -> list[Edge]:
        """Every edge of one relation, in a stable order: `K8S_BINDING` (service account -> Kubernetes role),
        `GCP_BINDING` (member -> Google Cloud role), `AZURE_ASSIGNMENT` (identity -> Azure role)..."""
        edges = [e for e in self.edges() if e.rel == rel]
        return sorted(edges, key=lambda e: (e.source, e.target, e.via.address if e.via else ""))

    def edge_between(self, u: str, v: str) -> Optional[Edge]:
        """The first edge from u to v, if any."""
        return next((e for e in self._out.get(u, ()) if e.target == v), None)

    def resource_of(self, node: str) -> Optional[Resource]:
        return self._nodes[node].resource

    def address_of(self, node: str) -> str:
        return self._nodes[node].address

    def lookup(self, stack: str, address: str) -> Optional[Resource]:
        """The resource a reference names: the instance it names when its key is known (`aws_iam_role.r["a"]`),
        else the first instance."""
        exact = self.by_address.get((stack, address))
        if exact is not None:
            return exact
        found = self.by_ref.get((stack, strip_instance_keys(address) if "[" in address else address))
        return found[0] if found else None

    # -- identities and what they hold -------------------------------------------------------------------------

    def principals(self) -> Iterator[str]:
        """Roles, users and groups of the scanned code, and those outside it that the code attaches policies to
        (`aws_iam_user_policy_attachment { user = "ci" }`): what is attached there is still granted."""
        for node, rec in self._nodes.items():
            if rec.kind == NodeKind.PRINCIPAL:
                yield node
            elif rec.kind == NodeKind.EXTERNAL and rec.target_kind in _EXTERNAL_HOLDERS and self.edges_out(
                    node, Rel.POLICY):
                yield node

    def trust_documents(self) -> Iterator[str]:
        return (node for node, rec in self._nodes.items() if rec.kind == NodeKind.TRUST_DOCUMENT)

    def policy_nodes(self) -> Iterator[str]:
        return (node for node, rec in self._nodes.items() if rec.kind == NodeKind.POLICY)

    def grants(self, principal: str) -> list[Grant]:
        out = [Grant(e.target, e.via, e.via_attr, e.via_line) for e in self.edges_out(principal, Rel.POLICY)]
        for member in self.edges_out(principal, Rel.MEMBER_OF):
            out += [Grant(e.target, e.via, e.via_attr, e.via_line, group=member.target)
                    for e in self.edges_out(member.target, Rel.POLICY)]
        return out

    def groups_of(self, principal: str) -> list[str]:
        """The groups a principal is a member of (whose policies it holds)."""
        return [e.target for e in self.edges_out(principal, Rel.MEMBER_OF)]

    def boundary(self, principal: str) -> Optional[str]:
        """The policy node set as the principal's permissions boundary, if any."""
        return next((e.target for e in self.edges_out(principal, Rel.BOUNDARY)), None)

    def is_boundary(self, policy: str) -> bool:
        return bool(self.edges_in(policy, Rel.BOUNDARY))

    def principals_of_policy(self, policy: str) -> list[str]:
        return [e.source for e in self.edges_in(policy, Rel.POLICY)]

    def credential_users(self, credential: str) -> list[str]:
        """The users an access key (or service-specific credential) belongs to."""
        return [e.source for e in self.edges_in(credential, Rel.CREDENTIAL)]

    def credential_carriers(self, credential: str) -> list[str]:
        """The workloads that carry an access key in their configuration."""
        return [e.source for e in self.edges_in(credential, Rel.USES_CREDENTIAL)]

    def console_logins(self) -> list[tuple[Resource, str]]:
        """(aws_iam_user_login_profile, user node) for each console password the code gives a user it knows."""
        return list(self._console_logins)

    def document(self, node: str) -> PolicyDocument:
        """A policy node's document, parsed on first use (most policies are never asked about)."""
        data = self._g.nodes[node]
        doc = data.get("document")
        if doc is not None:
            return doc
        if node in self._docs:
            return self._docs[node]
        res = data.get("resource")
        value = data.get("policy_value", res.values.get("policy") if res is not None else None)
        stack = data["stack"]
        doc = parse_policy_value(value, lambda addr: self.lookup(stack, addr))
        self._docs[node] = doc
        return doc

    # -- Kubernetes ----------------------------------------------------------------------------------------------

    def k8s_service_account(self, stack: str, namespace: str, name: str) -> Optional[str]:
        """The node of a service account the graph knows (defined, or named by a pod or binding), if any."""
        found = self._sa_index().get((stack, namespace, name), [])
        node = self.nid(found[0]) if found else external_sa_node(stack, namespace, name)
        return node if node in self._nodes else None

    def _sa_index(self) -> dict[tuple, list[Resource]]:
        raise NotImplementedError

    def k8s_roles(self) -> Iterator[tuple[Node, Resource]]:
        """(node, resource) for every Role and ClusterRole the scanned code defines."""
        for rec in self.nodes(NodeKind.K8S_ROLE):
            if rec.resource is not None:
                yield rec, rec.resource

    # -- agents ----------------------------------------------------------------------------------------------------

    def agent_paths(self, identity: str) -> list[AgentPath]:
        """Agents that act as `identity`, with the hops from each agent to it (shortest first)."""
        paths: list[AgentPath] = []
        seen = {identity}
        queue = deque([(identity, [identity])])
        while queue:
            node, hops = queue.popleft()
            if node in self.agents:
                paths.append(AgentPath(node, list(reversed(hops))))
            for e in self._in.get(node, ()):
                if e.rel in IDENTITY_RELS and e.source not in seen:
                    seen.add(e.source)
                    queue.append((e.source, hops + [e.source]))
        return paths
