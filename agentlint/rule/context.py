"""The rule context: the graph, and the AWS questions many rules ask (statements per principal, effective
permissions with Deny and boundaries applied, trust statements), answered once per scan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Optional

from agentlint.graph.paths import AgentPath, Grant
from agentlint.graph.schema import Rel
from agentlint.iam.policy import Statement
from agentlint.model import Resource
from agentlint.rule.findings import FindingBuilder

if TYPE_CHECKING:
    from agentlint.graph.query import GraphQuery as IdentityGraph
    from agentlint.iam.effective import EffectivePermissions


@dataclass
class StatementGrant:
    """One statement as it reaches one principal (or no principal, for a policy nothing uses)."""

    principal: Optional[str]
    grant: Optional[Grant]
    policy: str
    statement: Statement  # what is left of the statement once the Denies and the boundary apply
    key: str  # identifies the statement within its policy, for fingerprints
    limited_by: tuple = ()  # the Denies and boundary that took something away from the statement as written
    conditional_deny: bool = False  # a Deny under a condition would take more: lower confidence
    effective: Optional["EffectivePermissions"] = None

    def removed(self, action: str) -> bool:
        """An unconditional Deny or the permissions boundary takes this action away altogether."""
        eff = self.effective
        return eff is not None and (eff.denied(action) or not eff.within_boundary(action))

    def limits_phrase(self) -> str:
        return f" (what is left after {' and '.join(self.limited_by)})" if self.limited_by else ""

    def conditional_deny_phrase(self) -> str:
        return "; a Deny under a condition may take some of it away" if self.conditional_deny else ""

    def policy_address(self, graph: IdentityGraph) -> str:
        return graph.address_of(self.policy)


@dataclass
class RuleContext(FindingBuilder):
    """What a rule asks during a scan: the graph, and AWS questions answered once per scan."""

    graph: IdentityGraph
    ran_rules: set[str] = field(default_factory=set)  # ids and names of the rules that ran (for AL003)
    subjects: dict = field(default_factory=dict)  # id(finding) -> (finding, graph node it is about)
    _effective: dict = field(default_factory=dict)
    _alone: dict = field(default_factory=dict)
    _by_type: Optional[dict] = None

    # -- graph questions ---------------------------------------------------------------------------------------

    def statement_grants(self) -> Iterable[tuple[Optional[str], Optional[Grant], str, Statement]]:
        """Every statement of every identity policy, with the principal and grant it reaches (or None, None for a
        policy no principal in the code uses)."""
        g = self.graph
        for principal in sorted(g.principals()):
            for grant in g.grants(principal):
                if grant.group is not None:
                    continue  # reported once, on the group (whose agents include its members' agents)
                doc = g.document(grant.policy)
                for st in _canonical(doc.statements):
                    yield principal, grant, grant.policy, st
        for policy in self.unattached_policies():
            for st in _canonical(g.document(policy).statements):
                yield None, None, policy, st

    def unattached_policies(self) -> list[str]:
        """Customer policies (and policy documents) no principal holds and no principal has as its boundary: judged
        on their own. AWS managed policies are left out, they are judged where they are attached."""
        g = self.graph
        return [policy for policy in sorted(g.policy_nodes())
                if not g.principals_of_policy(policy) and not g.is_boundary(policy)
                and g.node(policy).rtype != "aws_managed_policy"]

    def managed(self, *types: str) -> list[Resource]:
        """Managed resources of the given types, from an index built once per scan (rules that look for a few types
        must not walk, and so evaluate, every resource)."""
        if self._by_type is None:
            index: dict[str, list[Resource]] = {}
            for res in self.graph.model.resources:
                if res.mode == "managed":
                    index.setdefault(res.type, []).append(res)
            self._by_type = index
        return [res for t in types for res in self._by_type.get(t, [])]

    def effective(self, principal: str) -> "EffectivePermissions":
        """Everything the principal holds, Deny and permissions boundary applied (computed once per scan)."""
        from agentlint.iam.effective import EffectivePermissions, Holding

        if principal not in self._effective:
            g = self.graph
            holdings = [Holding(grant, grant.policy, st) for grant in g.grants(principal)
                        for st in _canonical(g.document(grant.policy).statements)]
            boundary = g.boundary(principal)
            self._effective[principal] = EffectivePermissions(
                holdings, g.document(boundary) if boundary is not None else None, name=g.address_of,
                boundary_name=g.address_of(boundary) if boundary is not None else "")
        return self._effective[principal]

    def policy_alone(self, policy: str) -> "EffectivePermissions":
        """A policy no principal holds, judged on its own: its Denies apply to its Allows."""
        from agentlint.iam.effective import EffectivePermissions, Holding

        if policy not in self._alone:
            statements = _canonical(self.graph.document(policy).statements)
            self._alone[policy] = EffectivePermissions([Holding(None, policy, st) for st in statements],
                                                       name=self.graph.address_of)
        return self._alone[policy]

    def permission_sets(self) -> Iterable[tuple[Optional[str], Optional[str], "EffectivePermissions"]]:
        """(principal, None, its effective permissions) for every principal, then (None, policy, the policy alone)
        for every customer policy no principal holds, so that a policy is judged even before it is attached."""
        g = self.graph
        for principal in sorted(g.principals()):
            yield principal, None, self.effective(principal)
        for policy in self.unattached_policies():
            yield None, policy, self.policy_alone(policy)

    def k8s_role_agents(self, role: str) -> list[AgentPath]:
        """Agents whose pods run as a service account bound to this Kubernetes role, with the hops to the role."""
        g = self.graph
        out = []
        for binding in g.relations(Rel.K8S_BINDING):
            if binding.target == role:
                out += [AgentPath(p.agent, p.hops + [role]) for p in g.agent_paths(binding.source)]
        return out

    def cluster_agents(self, stack: str) -> list[AgentPath]:
        """Agents that run as Kubernetes workloads (pods, Deployments, kagent Agents...) in a root module: those a
        cluster defined in the same root module runs, as far as the code says (its provider is rarely linkable)."""
        from agentlint.graph.kubernetes import AGENT_CRDS, K8S_POD_SPEC

        kinds = set(K8S_POD_SPEC) | set(AGENT_CRDS.values())
        g = self.graph
        return [AgentPath(node, [node]) for node in sorted(g.agents)
                if g.node(node).stack == stack and g.node(node).rtype in kinds]

    def trust_statements(self) -> Iterable[tuple[str, Resource, Statement]]:
        """Every statement of every role's trust policy, with the role."""
        g = self.graph
        for node in sorted(list(g.principals()) + list(g.trust_documents())):
            role = g.resource_of(node)
            trust = g.node(node).trust
            if role is None or trust is None or role.type not in ("aws_iam_role", "aws_iam_policy_document"):
                continue
            for st in _canonical(trust.statements):
                yield node, role, st

    def allow_statements(self) -> Iterable[StatementGrant]:
        """Allow statements per principal (or per policy no principal holds), each once, as the principal's
        effective permissions leave them: an unconditional Deny (its `Action`, `NotAction`, `Resource`,
        `NotResource`) and the permissions boundary apply first, so a statement may come out narrower, split
        (one part per boundary statement), or not at all. Every rule that reads statements reads them here."""
        seen = set()
        for principal, grant, policy, st in self.statement_grants():
            if not st.is_allow:
                continue
            key = f"{self.graph.address_of(policy)}#{st.digest()}"
            if (principal, key) in seen:
                continue
            seen.add((principal, key))
            eff = self.effective(principal) if principal is not None else self.policy_alone(policy)
            left = eff.restricted(st)
            for i, piece in enumerate(left.pieces):
                yield StatementGrant(principal, grant, policy, piece, key if i == 0 else f"{key}/{i}",
                                     tuple(left.by), left.conditional_deny, eff)

    def reached_on_every_resource(self, candidates) -> Iterable[tuple[StatementGrant, list[str]]]:
        """(statement, actions) for Allow statements, where `candidates(statement)` names the actions of interest
        the statement grants on every resource they act on, and a Deny or the permissions boundary has not taken
        away."""
        from agentlint.iam.evaluate import on_all_resources, resources_reach

        for sg in self.allow_statements():
            if on_all_resources(sg.statement) is not True:
                continue
            reached = [a for a in candidates(sg.statement)
                       if resources_reach(sg.statement, a) is True and not sg.removed(a)]
            if reached:
                yield sg, reached

    def denied(self, principal: Optional[str], action: str) -> bool:
        """An unconditional Deny on every resource for this action in any policy of the principal, or a permissions
        boundary that does not allow it."""
        if principal is None:
            return False
        eff = self.effective(principal)
        return eff.denied(action) or not eff.within_boundary(action)


def _canonical(statements: list[Statement]) -> list[Statement]:
    """Statements in an order that does not depend on how they were written (rules keep the first of equals)."""
    return sorted(statements, key=lambda st: (st.sid or "", st.digest()))
