"""Builds the identity graph: workloads -> identities -> policies, plus credentials and trust, in one graph store.

The builder holds what every cloud needs (indexes of the scanned resources, node creation, resolving a reference or
a literal name to a node); each provider module wires its own cloud from its own tables: graph.aws, graph.kubernetes,
graph.gcp, graph.azure. Agent detection (graph.agents) runs last, then the graph is frozen and rules ask it questions
(graph.query) in typed records (graph.schema).

Node ids are `<stack>::<address>`: a stack is one root module or one plan file, and edges never cross stacks. `via`
on an edge is the resource that creates it (an attachment, a membership, an instance profile) so findings can point
at the line where the risk was wired in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Optional


from agentlint.graph.query import GraphQuery
from agentlint.graph.store import GraphStore
from agentlint.graph.refs import MISSING, Reference, parse_reference, value_at
from agentlint.graph import agents, aws, aws_invocations, azure, gcp, kubernetes
from agentlint.graph.aws import TARGET_TYPES
from agentlint.iam.policy import PolicyDocument
from agentlint.model import Agent, Resource, ScanModel
from agentlint.values import Unknown, display, redact

# Every provider's identity types: a node of kind principal each, before any wiring looks them up.
PRINCIPAL_TYPES = aws.PRINCIPAL_TYPES + gcp.PRINCIPAL_TYPES + azure.PRINCIPAL_TYPES
# One handler per resource type: no type is claimed by two providers.
assert not set(aws.HANDLERS) & set(kubernetes.HANDLERS)
HANDLERS = {**aws.HANDLERS, **kubernetes.HANDLERS}


@dataclass
class AgentOptions:
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


class IdentityGraph(GraphQuery):
    """Builds the graph from the scan model, then freezes it: rules only ask (graph.query)."""

    def __init__(self, model: ScanModel, agent_options: Optional[AgentOptions] = None):
        self._g = GraphStore()
        self.model = model
        self.options = agent_options or AgentOptions()
        self.by_ref: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        self.by_address: dict[tuple[str, str], Resource] = {}
        self.by_name: dict[tuple[str, str, str], Resource] = {}
        self.agents: dict[str, Agent] = {}
        self._docs: dict[str, PolicyDocument] = {}
        self._service_account_index: Optional[dict[tuple, list[Resource]]] = None
        literal_types = {t for types in TARGET_TYPES.values() for t in types}
        for res in model.resources:
            self.by_ref[(res.stack, res.ref_address)].append(res)
            self.by_address[(res.stack, res.address)] = res
            if res.type in literal_types:  # only these are ever looked up by a literal name or ARN
                for key in ("name", "arn"):
                    val = res.values.get(key)
                    if isinstance(val, str):
                        self.by_name.setdefault((res.stack, res.type, val), res)
        self._build()
        self._freeze()

    # -- node helpers ----------------------------------------------------------------------------------------

    def _add(self, res: Resource, kind: str) -> str:
        node = self.nid(res)
        if node not in self._g:
            self._g.add_node(node, kind=kind, address=res.address, rtype=res.type, resource=res, stack=res.stack)
        return node

    @staticmethod
    def _external_id(stack: str, label: str) -> str:
        return f"{stack}::external:{redact(label)}"

    def _external(self, stack: str, kind: str, label: str, rtype: str = "external") -> str:
        label = redact(label)  # a literal in an identity attribute is shown in paths and graph output
        node = f"{stack}::external:{label}"
        if node not in self._g:
            self._g.add_node(node, kind="external", target_kind=kind, address=label, rtype=rtype, resource=None,
                            stack=stack)
        return node

    def reference(self, stack: str, value: Any) -> Optional[tuple[Resource, Reference]]:
        """The resource a value is exactly a reference to, with the attribute path inside it, when the scanned code
        defines that resource (or data source)."""
        found = parse_reference(value)
        if found is None:
            return None
        res = self.lookup(stack, found.ref.address)
        return (res, found) if res is not None else None

    def resolve(self, stack: str, value: Any) -> Any:
        """The value a reference names, read from the referenced resource's evaluated values at the attribute path
        (`kubernetes_service_account_v1.agent.metadata[0].name` -> the name written there), following references
        that lead to references. A value that is not a plain reference, or whose target attribute is not written in
        the code (computed by the provider, or unknown itself), is returned unchanged: it stays unknown."""
        for _ in range(8):
            found = self.reference(stack, value)
            if found is None:
                return value
            res, ref = found
            target = value_at(res.values, ref.steps)
            if target is MISSING or target is None:
                return value
            value = target
            if not isinstance(value, Unknown):
                return value
        return value

    def _address_of(self, node: str) -> str:  # while building, before the records exist
        return self._g.nodes[node]["address"]

    def _resource_of(self, node: str) -> Optional[Resource]:
        return self._g.nodes[node].get("resource")

    # -- target resolution -----------------------------------------------------------------------------------

    def targets(self, stack: str, value: Any, kind: str, _depth: int = 0,
                known_only: bool = False) -> list[tuple[str, bool]]:
        """Nodes a value points at, as (node, resolved). Literals match by name/ARN; references by address, or
        through the attribute of another resource they name (`aws_iam_instance_profile.p.role`). With
        `known_only`, only nodes the graph already has: nothing is added."""
        types = TARGET_TYPES[kind]
        out: list[tuple[Optional[str], bool]] = []

        def add(res: Resource) -> Optional[str]:
            if known_only:
                return self.nid(res) if self.nid(res) in self._g else None
            return self._add(res, _kind_for(res.type))

        def external(label: str, rtype: str = "external") -> Optional[str]:
            if known_only:
                node = self._external_id(stack, label)
                return node if node in self._g else None
            return self._external(stack, kind, label, rtype)

        for item in value if isinstance(value, list) else [value]:
            if item is None or item == "":
                continue
            if isinstance(item, Unknown):
                matched = False
                for ref in item.refs:
                    res = self.lookup(stack, ref.address)
                    if res is not None and res.type in types and res.mode == "managed":
                        out.append((add(res), True))
                        matched = True
                    elif res is not None and res.mode == "data" and res.type in types:
                        out.append((external(_literal_name(res) or res.address, res.type), False))
                        matched = True
                if matched:
                    continue
                resolved = self.resolve(stack, item)
                if resolved is not item and isinstance(resolved, (str, Unknown)) and _depth < 4:
                    out.extend(self.targets(stack, resolved, kind, _depth + 1, known_only))
                else:
                    out.append((external(display(item), "unresolved"), False))
            elif isinstance(item, str):
                res = self._by_literal(stack, types, item)
                if res is not None and res.mode == "data":
                    # A data source names an identity defined elsewhere: one node for it, by reference or by name.
                    out.append((external(_literal_name(res) or item, res.type), False))
                elif res is not None:
                    out.append((add(res), True))
                else:
                    out.append((external(item), False))
        return [(node, resolved) for node, resolved in out if node is not None]

    def _by_literal(self, stack: str, types: tuple[str, ...], text: str) -> Optional[Resource]:
        candidates = [text]
        if text.startswith("arn:"):
            candidates.append(text.rsplit("/", 1)[-1])
        for t in types:
            for c in candidates:
                res = self.by_name.get((stack, t, c))
                if res is not None:
                    return res
        return None

    # -- building --------------------------------------------------------------------------------------------

    def _build(self) -> None:
        """Each provider module wires its cloud; the order is fixed because later steps look up what earlier ones
        made (a trust policy names roles, an Azure or GKE workload names service accounts), and agents come last."""
        resources = self.model.resources  # data sources too: they name identities defined elsewhere
        managed = [res for res in resources if res.mode == "managed"]
        for res in managed:
            if res.type in PRINCIPAL_TYPES:
                self._add(res, "principal")
        for res in managed:  # one pass in file order, so edges keep the order the code gives them
            handler = HANDLERS.get(res.type)
            if handler is not None:
                handler(self, res)
        aws.roles(self, managed)
        aws.credential_users(self)
        kubernetes.rbac(self, resources)
        gcp.build(self, resources)
        azure.build(self, resources)
        aws.standalone_policies(self, resources)
        aws.policy_document_arguments(self, resources)
        aws_invocations.agent_invocations(self)  # multi-agent edges, once every policy is wired
        self._console_logins = aws.console_logins(self, managed)
        agents.detect(self)

    # -- what provider modules use while building --------------------------------------------------------------

    @property
    def store(self):
        """The store being built (provider modules only; frozen once built)."""
        return self._g

    def _sa_index(self) -> dict[tuple, list[Resource]]:
        """Kubernetes service accounts by (stack, namespace, name), built once."""
        if self._service_account_index is None:
            index: dict[tuple, list[Resource]] = defaultdict(list)
            for res in self.model.resources:
                if res.type in kubernetes.K8S_SERVICE_ACCOUNT_TYPES:
                    name, namespace = kubernetes.name_namespace(self, res.stack, res.values)
                    index[(res.stack, namespace, name)].append(res)
            self._service_account_index = index
        return self._service_account_index

def _kind_for(rtype: str) -> str:
    if rtype in PRINCIPAL_TYPES:
        return "principal"
    if rtype == "aws_iam_instance_profile":
        return "profile"
    if rtype == "aws_iam_policy":
        return "policy"
    return "workload"


def _literal_name(res: Resource) -> Optional[str]:
    for key in ("name", "arn", "role_name", "user_name"):
        val = res.values.get(key)
        if isinstance(val, str):
            return val
    return None
