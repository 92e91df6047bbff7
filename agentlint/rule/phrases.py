"""The English phrases findings share: how an identity, its agents and a trust holder are named in messages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

from agentlint.graph.paths import AgentPath
from agentlint.graph.schema import Edge, NodeKind
from agentlint.model import Resource

if TYPE_CHECKING:
    from agentlint.graph.query import GraphQuery as IdentityGraph


def describe_identity(graph: IdentityGraph, node: Optional[str]) -> str:
    if node is None:
        return "no identity in the scanned code"
    data = graph.node(node)
    if data.rtype in ("gcp_default_sa", "azure_system_identity"):
        return str(data.address)
    if data.kind == NodeKind.EXTERNAL:
        kind = {"role": "role", "user": "IAM user", "group": "group", "permission_set": "permission set",
                "service_account": "service account", "gcp_member": "member",
                "azure_principal": "principal"}.get(data.target_kind, "identity")
        return f"{kind} {graph.address_of(node)!r} (not defined in the scanned code)"
    kind = {"aws_iam_role": "role", "aws_iam_user": "IAM user", "aws_iam_group": "group",
            "aws_ssoadmin_permission_set": "permission set", "kubernetes_service_account": "service account",
            "kubernetes_service_account_v1": "service account", "google_service_account": "service account",
            "azurerm_user_assigned_identity": "managed identity"}.get(
        data.rtype, "identity")
    res = data.resource
    if res is not None and res.mode == "data":
        return f"{kind} {graph.address_of(node)} (defined outside the scanned code)"
    return f"{kind} {graph.address_of(node)}"


def trust_holder(graph: IdentityGraph, node: str, res: Resource) -> str:
    """How a trust finding names what it is about: the role (with its agents), or a trust policy document that no
    role in the scanned code uses yet."""
    if graph.node(node).kind == NodeKind.TRUST_DOCUMENT:
        return f"trust policy {res.address} (used by no role in the scanned code)"
    return f"role {res.address}{agents_phrase(graph, node)}"


def agents_phrase(graph: IdentityGraph, node: Optional[str]) -> str:
    if node is None:
        return ""
    agents = sorted({graph.address_of(p.agent) for p in graph.agent_paths(node)})
    if not agents:
        return ""
    if agents == [graph.address_of(node)]:
        return " (an agent itself)"
    owner = graph.node(node).owner
    if owner is not None and agents == [owner.address]:
        return " (the agent's own identity)"
    shown = ", ".join(agents[:3]) + (f" and {len(agents) - 3} more" if len(agents) > 3 else "")
    return f" (used by agent{'s' if len(agents) > 1 else ''} {shown})"


_MEMBER = re.compile(r"^(?:[A-Za-z]+:\S|allUsers$|allAuthenticatedUsers$)")


def gcp_member_phrase(graph: IdentityGraph, binding: Edge) -> str:
    """'service account google_service_account.agent (used by agent ...)', the member string
    (`serviceAccount:...`), or, for a member only an expression gives, 'the member computed by `...`'."""
    if graph.node(binding.source).kind == NodeKind.PRINCIPAL:
        return f"{describe_identity(graph, binding.source)}{agents_phrase(graph, binding.source)}"
    text = one_line(binding.member)
    if _MEMBER.match(text):
        return f"member {text}"
    return f"the member computed by `{text if len(text) <= 80 else text[:77] + '...'}`"


def one_line(value: Any) -> str:
    """A value as one line of text (expressions written over several lines keep their words, not their layout)."""
    return " ".join(str(value).split())


def scope_phrase(scope: Any) -> str:
    """A grant's scope for a message: one line, and never `None` (a scope the code leaves out or that cannot be
    read is said so)."""
    text = one_line(scope) if scope is not None else ""
    if text in ("", "None"):
        return "a scope that cannot be read"
    if text.endswith(" None"):  # "project None": the attribute is not set (the provider's default applies)
        return f"the {text[:-5]} the provider is configured with (not set in the code)"
    return text


def bound_agents_phrase(graph: IdentityGraph, paths: list[AgentPath]) -> str:
    """'; bound to the service accounts of agents a, b' for a Kubernetes role, or '' when no agent reaches it."""
    if not paths:
        return ""
    return f"; bound to the service accounts of agents {', '.join(sorted({graph.address_of(p.agent) for p in paths}))}"


def gcp_condition(binding: Edge) -> Optional[str]:
    """The IAM condition of a Google Cloud grant (`condition { title, expression }` on an `*_iam_member` or
    `*_iam_binding`, or on a `binding` of the `data "google_iam_policy"` an `*_iam_policy` applies), named by its
    title (else its expression), or None when the grant is unconditional. The grant holds only while the condition
    is true: findings about it are one confidence level lower."""
    cond = binding.condition  # the grant resource's, or its binding's in a `data "google_iam_policy"` (graph.gcp)
    if not cond:
        return None
    text = one_line(cond)
    return text if len(text) <= 80 else text[:77] + "..."


def gcp_condition_phrase(binding: Edge) -> str:
    cond = gcp_condition(binding)
    return f", under the condition {cond!r}" if cond else ""
