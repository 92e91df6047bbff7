"""The rule contract, the context rules query, and how a rule's observation becomes a Finding.

A rule is one module in the `rules/` folder (installed as `agentlint.rules`) holding one `Rule` subclass: its
metadata as class attributes, its documentation as the docstring (sections: What it does / Why is this bad? /
Example / Fix), its logic in `check()`. The registry finds rule modules itself, so adding a rule is adding a file
(plus its fixtures).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import pkgutil
from dataclasses import dataclass, field
from typing import ClassVar, Iterable, Optional

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from agentlint.graph.paths import AgentPath, Grant
from agentlint.graph.schema import Edge, NodeKind, Rel
from agentlint.iam.policy import Statement
from agentlint.model import CATEGORIES, UNKNOWN_KEY, Confidence, Finding, Resource, Severity, TraceStep, strip_instance_keys

if TYPE_CHECKING:
    from agentlint.graph.query import GraphQuery as IdentityGraph
    from agentlint.iam.effective import EffectivePermissions

DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix")


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]  # kebab-case slug
    title: ClassVar[str]  # one line, used as the short description everywhere
    category: ClassVar[str]
    severity: ClassVar[Severity]  # when an agent acts as the identity; one level lower otherwise
    confidence: ClassVar[Confidence] = Confidence.HIGH
    fix: ClassVar[str]
    # "graph": asks the identity graph; "suppressions": judges the suppression comments after the graph rules ran.
    phase: ClassVar[str] = "graph"
    # Settings a user may give in `[rules.<id>.options]`, validated before the scan.
    Options: ClassVar[type[BaseModel]] = NoOptions
    # Rules whose findings only repeat this rule's: when this rule runs and reports a subject (an identity, a policy
    # no identity holds, a Kubernetes role), the engine drops their findings about the same subject
    # (agentlint.supersedes). Each rule on its own still reports everything it sees.
    supersedes: ClassVar[tuple[str, ...]] = ()

    def __init__(self, options: Optional[BaseModel] = None):
        self.options = options if options is not None else self.Options()

    def check(self, ctx: "RuleContext") -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def doc(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")


class DuplicateRuleError(Exception):
    pass


def _rules_package():
    """`agentlint.rules` when installed; in a source checkout run in place (`python -m ...` from the repository
    root puts the source tree first on sys.path), the repository's top-level `rules/` folder under that name."""
    try:
        return importlib.import_module("agentlint.rules")
    except ModuleNotFoundError:
        import sys

        folder = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "rules")
        spec = importlib.util.spec_from_file_location("agentlint.rules", os.path.join(folder, "__init__.py"),
                                                      submodule_search_locations=[folder])
        if spec is None or spec.loader is None:
            raise
        module = importlib.util.module_from_spec(spec)
        sys.modules["agentlint.rules"] = module
        spec.loader.exec_module(module)
        return module


def all_rules() -> list[type[Rule]]:
    """Every rule in the `agentlint.rules` package, ordered by id; ids and names must be unique."""
    package = _rules_package()

    found: dict[str, type[Rule]] = {}
    names: dict[str, str] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Rule) and obj is not Rule and obj.__module__ == module.__name__:
                if obj.id in found or obj.name in names:
                    raise DuplicateRuleError(f"rule id or name used twice: {obj.id} / {obj.name}")
                if obj.category not in CATEGORIES:
                    raise ValueError(f"{obj.id}: unknown category {obj.category!r}")
                found[obj.id] = obj
                names[obj.name] = obj.id
    return [found[k] for k in sorted(found)]


def _digest(key: str) -> str:
    return "al1:" + hashlib.sha256(key.encode()).hexdigest()[:32]


def _rel(path: str, base: str) -> str:
    return os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/")


def repo_path(model, path: str) -> str:
    """A file's path relative to the root of the repository it belongs to (the longest root that contains it)."""
    full = os.path.abspath(path)
    roots = sorted(set(model.repo_roots.values()) | {model.scan_root}, key=len, reverse=True)
    for root in roots:
        if full == root or full.startswith(root.rstrip(os.sep) + os.sep):
            return _rel(full, root)
    return _rel(full, model.scan_root)


def _known_keys(address: str) -> str:
    return address.replace(UNKNOWN_KEY, "")


@dataclass
class StatementGrant:
    """One statement as it reaches one principal (or no principal, for a policy nothing uses)."""

    principal: Optional[str]
    grant: Optional[Grant]
    policy: str
    statement: Statement
    key: str  # identifies the statement within its policy, for fingerprints

    def policy_address(self, graph: IdentityGraph) -> str:
        return graph.address_of(self.policy)


@dataclass
class RuleContext:
    graph: IdentityGraph
    ran_rules: set[str] = field(default_factory=set)  # ids and names of the rules that ran (for AL003)
    subjects: dict = field(default_factory=dict)  # id(finding) -> (finding, graph node it is about)
    _effective: dict = field(default_factory=dict)
    _by_type: Optional[dict] = None

    def plain_finding(self, rule: Rule, *, path: str, line: Optional[int], address: str, message: str,
                      key: str) -> Finding:
        """A finding about the code itself (not an identity): no agents, no ranking by agents."""
        model = self.graph.model
        # A finding outside any block is addressed by its file: in the fingerprint, as the repository path.
        fp_address = repo_path(model, address) if address == path else address
        fp_key = json.dumps([rule.id, repo_path(model, path), fp_address, key])
        legacy = json.dumps([rule.id, _rel(path, model.legacy_root), address, key])
        return Finding(rule_id=rule.id, rule_name=rule.name, title=rule.title, category=rule.category,
                       severity=rule.severity, confidence=rule.confidence, message=message, path=path,
                       start_line=line, end_line=line, address=address, fix=rule.fix,
                       fingerprint=_digest(fp_key), legacy_fingerprint=_digest(legacy), key=key,
                       stack=os.path.dirname(path) or ".")

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
                holdings, g.document(boundary) if boundary is not None else None)
        return self._effective[principal]

    def permission_sets(self) -> Iterable[tuple[Optional[str], Optional[str], "EffectivePermissions"]]:
        """(principal, None, its effective permissions) for every principal, then (None, policy, the policy alone)
        for every customer policy no principal holds, so that a policy is judged even before it is attached."""
        from agentlint.iam.effective import EffectivePermissions, Holding

        g = self.graph
        for principal in sorted(g.principals()):
            yield principal, None, self.effective(principal)
        for policy in self.unattached_policies():
            statements = _canonical(g.document(policy).statements)
            yield None, policy, EffectivePermissions([Holding(None, policy, st) for st in statements])

    def k8s_role_agents(self, role: str) -> list[AgentPath]:
        """Agents whose pods run as a service account bound to this Kubernetes role, with the hops to the role."""
        g = self.graph
        out = []
        for binding in g.relations(Rel.K8S_BINDING):
            if binding.target == role:
                out += [AgentPath(p.agent, p.hops + [role]) for p in g.agent_paths(binding.source)]
        return out

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

    def trust_finding(self, rule: Rule, node: str, role: Resource, st: Statement, message: str,
                      key: str, confidence: Optional[Confidence] = None) -> Finding:
        origin = st.origin
        tail = [TraceStep(role="statement", address=origin.address if origin else f"{role.address}.assume_role_policy",
                          path=origin.path if origin else role.path,
                          line=st.origin_line or (origin.start_line if origin else role.line_of("assume_role_policy")),
                          note=st.label())]
        return self.finding(rule, at=role, line=role.line_of("assume_role_policy"), message=message, identity=node,
                            key=f"{key}#{st.digest()}", trace_tail=tail,
                            confidence=confidence)

    def allow_statements(self) -> Iterable[StatementGrant]:
        """Allow statements per principal (or per policy no principal holds), each once."""
        seen = set()
        for principal, grant, policy, st in self.statement_grants():
            if not st.is_allow:
                continue
            key = f"{self.graph.address_of(policy)}#{st.digest()}"
            if (principal, key) in seen:
                continue
            seen.add((principal, key))
            yield StatementGrant(principal, grant, policy, st, key)

    def reached_on_every_resource(self, candidates) -> Iterable[tuple[StatementGrant, list[str]]]:
        """(statement, actions) for Allow statements on every resource, where `candidates(statement)` names the
        actions of interest the statement grants and a Deny or the permissions boundary has not taken away."""
        from agentlint.iam.evaluate import on_all_resources

        for sg in self.allow_statements():
            if on_all_resources(sg.statement) is not True:
                continue
            reached = [a for a in candidates(sg.statement) if not self.denied(sg.principal, a)]
            if reached:
                yield sg, reached

    def statement_finding(self, rule: Rule, sg: StatementGrant, message: str) -> Finding:
        """A finding at the place the statement was wired into the principal, with the full path."""
        from agentlint.iam.evaluate import identity_narrowing, is_conditional

        at, line = self.grant_location(sg.grant, sg.policy)
        confidence = Confidence.MEDIUM if is_conditional(sg.statement) else rule.confidence
        # A condition that ties the request to one caller, source or organization narrows the risk: one level lower.
        narrowed = bool(identity_narrowing(sg.statement))
        return self.finding(rule, at=at, line=line, message=message, identity=sg.principal, key=sg.key,
                            confidence=confidence, trace_tail=self.policy_trace(sg.grant, sg.policy, sg.statement),
                            narrowed=narrowed, subject=sg.principal or sg.policy)

    def denied(self, principal: Optional[str], action: str) -> bool:
        """An unconditional Deny on every resource for this action in any policy of the principal, or a permissions
        boundary that does not allow it."""
        if principal is None:
            return False
        eff = self.effective(principal)
        return eff.denied(action) or not eff.within_boundary(action)

    # -- building findings -------------------------------------------------------------------------------------

    def finding(self, rule: Rule, *, at: Resource, line: Optional[int] = None, end_line: Optional[int] = None,
                message: str, identity: Optional[str] = None, key: str = "",
                confidence: Optional[Confidence] = None, trace_tail: Optional[list[TraceStep]] = None,
                extra_agents: Optional[list[AgentPath]] = None, narrowed: bool = False,
                subject: Optional[str] = None) -> Finding:
        """`subject`: the graph node the finding is about, when not its identity (a policy no identity holds, a
        Kubernetes role); rules that supersede others are matched on it."""
        g = self.graph
        paths = g.agent_paths(identity) if identity else []
        paths += extra_agents or []
        agents = sorted({g.address_of(p.agent) for p in paths})
        severity = rule.severity if agents else rule.severity.lowered()
        if narrowed:
            severity = severity.lowered()
        trace: list[TraceStep] = []
        if paths:
            # Start the path at an agent in its own right (not one that is only some agent's tool) when there is one.
            best = min(paths, key=lambda p: (_only_tool(g, p.agent), len(p.hops)))
            for i, hop in enumerate(best.hops):
                res = g.resource_of(hop)
                if hop == identity:
                    role = "identity"
                elif i == 0:
                    role = "agent"
                else:
                    role = "tool" if hop in g.agents else g.node(hop).kind.value
                trace.append(TraceStep(role=role, address=g.address_of(hop), path=res.path if res else None,
                                       line=res.start_line if res else None))
        elif identity:
            res = g.resource_of(identity)
            trace.append(TraceStep(role="identity", address=g.address_of(identity), path=res.path if res else None,
                                   line=res.start_line if res else None))
        trace.extend(trace_tail or [])
        start = line if line is not None else at.start_line
        end = end_line if end_line is not None else (at.end_line if line is None or line == at.start_line else line)
        identity_address = g.address_of(identity) if identity else None
        # No line numbers and no absolute paths: the same finding keeps its fingerprint when code moves within a
        # file and when the repository is checked out somewhere else. The file is relative to the repository root
        # and the root module is not part of it, so a module that several roots call gives one finding per location
        # however agentlint is invoked; an instance of unknown key (`[*]`) leaves the key out.
        # A plan resource located in its code keeps the plan file here: the same fingerprint with or without the code.
        fp_path = at.stack if at.source == "plan" else at.path
        fp_key = json.dumps([rule.id, repo_path(g.model, fp_path), _known_keys(at.address),
                             identity_address and _known_keys(identity_address), key])
        # The recipe before repository roots: root module relative to the common folder of the inputs.
        legacy = json.dumps([rule.id, _rel(at.stack, g.model.legacy_root), at.ref_address,
                             identity_address and strip_instance_keys(identity_address), key])
        found = Finding(
            rule_id=rule.id, rule_name=rule.name, title=rule.title, category=rule.category, severity=severity,
            confidence=confidence or rule.confidence, message=message, path=at.path, start_line=start,
            end_line=end, address=at.address, agents=agents, identity=identity_address, trace=trace,
            fix=rule.fix, fingerprint=_digest(fp_key), legacy_fingerprint=_digest(legacy),
            stack=at.stack, key=key, plan=at.stack if at.source == "plan" else None,
        )
        subject = subject or identity
        if subject is not None:
            # Kept with the finding itself so that the id cannot be reused while the entry exists.
            self.subjects[id(found)] = (found, subject)
        return found

    def subject_of(self, finding: Finding) -> Optional[str]:
        """The graph node a finding of this scan is about (None for findings about code, not identities)."""
        entry = self.subjects.get(id(finding))
        return entry[1] if entry is not None and entry[0] is finding else None

    def grant_location(self, grant: Optional[Grant], policy: str) -> tuple[Resource, Optional[int]]:
        """Where a grant was wired in: the attachment, the role's inline block, or the policy resource."""
        g = self.graph
        if grant is not None and grant.via is not None:
            return grant.via, grant.via_line if grant.via_attr else None
        res = g.resource_of(policy)
        if res is not None:
            return res, None
        node = g.node(policy)
        return node.owner, node.line

    def policy_trace(self, grant: Optional[Grant], policy: str, st: Optional[Statement]) -> list[TraceStep]:
        g = self.graph
        steps: list[TraceStep] = []
        if grant is not None and grant.group is not None:
            gres = g.resource_of(grant.group)
            steps.append(TraceStep(role="group", address=g.address_of(grant.group), path=gres.path if gres else None,
                                   line=gres.start_line if gres else None))
        if grant is not None and grant.via is not None and grant.via_attr is None:
            steps.append(TraceStep(role="attachment", address=grant.via.address, path=grant.via.path,
                                   line=grant.via.start_line))
        pres = g.resource_of(policy)
        pnode = g.node(policy)
        if pres is not None:
            steps.append(TraceStep(role="policy", address=pres.address, path=pres.path, line=pres.start_line))
        else:
            owner = pnode.owner
            steps.append(TraceStep(role="policy", address=pnode.address, path=owner.path if owner else None,
                                   line=pnode.line))
        if st is not None:
            origin = st.origin
            steps.append(TraceStep(role="statement", address=(origin.address if origin else pnode.address),
                                   path=origin.path if origin else None,
                                   line=st.origin_line or (origin.start_line if origin else None),
                                   note=st.label()))
        return steps


def _canonical(statements: list[Statement]) -> list[Statement]:
    """Statements in an order that does not depend on how they were written (rules keep the first of equals)."""
    return sorted(statements, key=lambda st: (st.sid or "", st.digest()))


def _only_tool(g: IdentityGraph, node: str) -> bool:
    return all(e.kind == "tool-of" for e in g.agents[node].evidence) if node in g.agents else True


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


def gcp_member_phrase(graph: IdentityGraph, binding: Edge) -> str:
    """'service account google_service_account.agent (used by agent ...)' or the member string."""
    if graph.node(binding.source).kind == NodeKind.PRINCIPAL:
        return f"{describe_identity(graph, binding.source)}{agents_phrase(graph, binding.source)}"
    return f"member {binding.member}"


def bound_agents_phrase(graph: IdentityGraph, paths: list[AgentPath]) -> str:
    """'; bound to the service accounts of agents a, b' for a Kubernetes role, or '' when no agent reaches it."""
    if not paths:
        return ""
    return f"; bound to the service accounts of agents {', '.join(sorted({graph.address_of(p.agent) for p in paths}))}"
