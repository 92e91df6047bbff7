"""What the identity graph holds, as types: node kinds, relations, and the records rules read.

The builder stores nodes and edges in its store (graph.store) with these names; once built, the graph is frozen and
rules see only `Node` and `Edge` records through the query methods (never the store, never attribute dicts). Kept
apart from the builder so that listing rules does not load the graph builder.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, Optional

from agentlint.model import Resource


class NodeKind(str, Enum):
    """What a node is. A `str` enum: the value is the name `agentlint graph` prints."""

    WORKLOAD = "workload"  # something that runs: a function, task, pod, VM, agent, Kubernetes service account
    PRINCIPAL = "principal"  # an identity that holds permissions: role, user, group, service account, managed identity
    PROFILE = "profile"  # an EC2 instance profile (workload -> profile -> role)
    POLICY = "policy"  # an IAM policy: resource, inline block, policy document, AWS managed policy
    TRUST_DOCUMENT = "trust_document"  # a policy document that is a trust policy, used by no role in the code
    CREDENTIAL = "credential"  # an access key or service-specific credential
    EXTERNAL = "external"  # an identity the code names but does not define
    K8S_ROLE = "k8s_role"  # a Kubernetes Role or ClusterRole (defined, or built in)
    GCP_ROLE = "gcp_role"  # a Google Cloud role, by name
    AZURE_ROLE = "azure_role"  # an Azure role: a custom definition, or built in by name


class Rel(str, Enum):
    """What an edge means (edges run from the acting side to what it acts as or holds)."""

    RUNS_AS = "runs_as"  # workload -> the identity it runs as
    ASSUMES = "assumes"  # workload / service account -> role it assumes (IRSA, Pod Identity, federation)
    PROFILE_ROLE = "profile_role"  # instance profile -> role
    TOOL = "tool"  # agent -> a function it invokes as a tool
    MEMBER_OF = "member_of"  # user -> group
    POLICY = "policy"  # principal -> policy it holds
    BOUNDARY = "boundary"  # principal -> its permissions boundary policy
    TRUSTS = "trusts"  # principal in the code -> role whose trust policy names it
    CREDENTIAL = "credential"  # user -> its access key
    USES_CREDENTIAL = "uses_credential"  # workload -> access key it carries
    K8S_BINDING = "k8s_binding"  # service account -> Kubernetes role (RoleBinding / ClusterRoleBinding)
    GCP_BINDING = "gcp_binding"  # member -> Google Cloud role (IAM binding or member)
    GCP_UNAPPLIED = "gcp_unapplied"  # member -> role in a `data "google_iam_policy"` no resource applies (no grant)
    AZURE_ASSIGNMENT = "azure_assignment"  # identity -> Azure role (role assignment)
    # Multi-agent: who can drive which agent. A supervisor agent -> its collaborator (Bedrock agent collaborator);
    # a role -> each agent its policies let it invoke (bedrock:InvokeAgent, bedrock-agentcore:InvokeAgentRuntime).
    # Not an identity relation: an agent that can invoke another is not acting as its identity for other rules.
    INVOKES_AGENT = "invokes_agent"


# Relations an agent's reach flows along, walked backwards from an identity to the agents that act as it.
IDENTITY_RELS = frozenset({Rel.RUNS_AS, Rel.PROFILE_ROLE, Rel.ASSUMES, Rel.TOOL, Rel.MEMBER_OF})


@dataclass(frozen=True)
class Node:
    id: str  # `<stack>::<address>`
    kind: NodeKind
    address: str
    rtype: str  # resource type, or a synthetic type (aws_managed_policy, inline_policy, builtin, gcp_default_sa...)
    stack: str
    resource: Optional[Resource] = None  # None for synthetic nodes
    owner: Optional[Resource] = None  # the role of an inline policy block; the resource of a system identity
    line: Optional[int] = None  # the line of an inline policy block
    target_kind: Optional[str] = None  # external: what the code names (role, user, group, service_account...)
    external: bool = False  # a Kubernetes service account named but not defined
    trust: Any = None  # a role's (or trust document's) trust policy: iam.policy.PolicyDocument
    managed: Any = None  # an AWS managed policy's entry: iam.managed.ManagedPolicy
    k8s_kind: Optional[str] = None  # Role | ClusterRole
    k8s_name: Optional[str] = None
    namespace: Optional[str] = None
    rules: tuple = ()  # Kubernetes role rules: graph.kubernetes.RbacRule
    summary: Optional[str] = None  # what a built-in Kubernetes role allows
    builtin: Optional[str] = None  # an Azure built-in role's name
    permissions: Any = None  # an Azure custom role's `permissions` block
    default: Optional[str] = None  # which Google Cloud default service account
    bound: bool = False  # a Kubernetes role some binding of the scanned code names (whatever its subjects)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    rel: Rel
    via: Optional[Resource] = None  # the resource that creates the edge (attachment, binding, membership...)
    via_attr: Optional[str] = None  # the attribute of `via` that holds it (inline_policy, managed_policy_arns)
    via_line: Optional[int] = None
    attr: Optional[str] = None  # the attribute of the source that names the target
    scope: Optional[str] = None  # k8s: "cluster" or "namespace N"; GCP and Azure: the scope granted on
    role: Optional[str] = None  # GCP: the role name
    scope_kind: Optional[str] = None  # GCP: project | folder | organization | service_account | ...
    account: Optional[str] = None  # GCP: the service account node a binding on one account is about
    member: Optional[str] = None  # GCP: the member string as written
    condition: Optional[str] = None  # GCP: the grant's condition (title, else expression), or its policy binding's
    conditioned: bool = False  # Azure: the assignment has a condition; invokes_agent: the statement has one
    grant: Optional[str] = None  # invokes_agent: the policy node whose statement allows the invocation
    statement: Optional[str] = None  # invokes_agent: that statement's label


_NODE_FIELDS = {f.name for f in fields(Node)} - {"id", "kind", "rules"}
_EDGE_FIELDS = {f.name for f in fields(Edge)} - {"source", "target", "rel", "account"}


def node_record(node: str, data: dict) -> Node:
    """The record of a node from the builder's attributes (builder-only attributes left out)."""
    extra = {k: v for k, v in data.items() if k in _NODE_FIELDS and v is not None}
    return Node(id=node, kind=NodeKind(data["kind"]), rules=tuple(data.get("rules") or ()), **extra)


def edge_record(source: str, target: str, data: dict) -> Edge:
    extra = {k: v for k, v in data.items() if k in _EDGE_FIELDS and v is not None}
    return Edge(source=source, target=target, rel=Rel(data["rel"]), account=data.get("target"), **extra)


def external_sa_node(stack: str, namespace: str, name: str) -> str:
    """The node id of a Kubernetes service account the code names but does not define."""
    return f"{stack}::k8s-sa:{namespace}/{name}"
