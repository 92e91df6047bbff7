"""How a rule's observation becomes a Finding: one builder (severity by agents, the agent -> identity -> policy
trace, the location) and one fingerprint recipe, shared by findings about identities and findings about code."""

from __future__ import annotations

import hashlib
import json
import os
from typing import TYPE_CHECKING, Optional

from agentlint.graph.agent_evidence import strongest
from agentlint.graph.paths import AgentPath, Grant
from agentlint.iam.policy import Statement
from agentlint.loaders.parsed import statement_key
from agentlint.model import UNKNOWN_KEY, Confidence, Finding, Resource, TraceStep, strip_instance_keys
from agentlint.rule.contract import Ranking, Rule

if TYPE_CHECKING:
    from agentlint.graph.query import GraphQuery as IdentityGraph
    from agentlint.rule.context import StatementGrant


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


def fingerprints(model, rule_id: str, path: str, parts: list, legacy_path: str, legacy_parts: list) -> tuple[str, str]:
    """(fingerprint, legacy fingerprint) of a finding. No line numbers and no absolute paths: the same finding keeps
    its fingerprint when code moves within a file and when the repository is checked out somewhere else. The file is
    relative to the root of its repository; the legacy recipe keeps old baselines working (relative to the common
    folder of the inputs)."""
    key = json.dumps([rule_id, repo_path(model, path), *parts])
    legacy = json.dumps([rule_id, _rel(legacy_path, model.legacy_root), *legacy_parts])
    return _digest(key), _digest(legacy)


def _make(rule: Rule, *, fingerprint: str, legacy: list[str], **fields) -> Finding:
    """The one place a Finding is constructed."""
    return Finding(rule_id=rule.id, rule_name=rule.name, title=rule.title, category=rule.category, fix=rule.fix,
                   fingerprint=fingerprint, legacy_fingerprints=legacy, **fields)


class FindingBuilder:
    """The finding methods of the rule context (RuleContext): `graph` and `subjects` are the context's."""

    graph: "IdentityGraph"
    subjects: dict

    def plain_finding(self, rule: Rule, *, path: str, line: Optional[int], address: str, message: str,
                      key: str) -> Finding:
        """A finding about the code itself (not an identity): no agents, no ranking by agents."""
        model = self.graph.model
        # A finding outside any block is addressed by its file: in the fingerprint, as the repository path.
        fp_address = repo_path(model, address) if address == path else address
        fingerprint, legacy = fingerprints(model, rule.id, path, [fp_address, key], path, [address, key])
        return _make(rule, severity=rule.severity, confidence=rule.confidence, message=message, path=path,
                     start_line=line, end_line=line, address=address, fingerprint=fingerprint, legacy=[legacy],
                     key=key, stack=os.path.dirname(path) or ".")

    def trust_finding(self, rule: Rule, node: str, role: Resource, st: Statement, message: str,
                      key: str, confidence: Optional[Confidence] = None) -> Finding:
        origin = st.origin
        at, line = self.statement_place(role, "assume_role_policy", st) or (role, role.line_of("assume_role_policy"))
        tail = [TraceStep(role="statement", address=origin.address if origin else f"{role.address}.assume_role_policy",
                          path=origin.path if origin else role.path,
                          line=st.origin_line or (origin.start_line if origin else line), note=st.label())]
        return self.finding(rule, at=at, line=line, message=message, identity=node,
                            key=f"{key}#{st.digest()}", trace_tail=tail, confidence=confidence,
                            moved_from=(role, role.line_of("assume_role_policy")))

    def statement_finding(self, rule: Rule, sg: "StatementGrant", message: str) -> Finding:
        """A finding at the place the statement was wired into the principal, with the full path."""
        from agentlint.iam.evaluate import identity_narrowing, is_conditional

        at, line, moved_from = self.statement_location(sg.grant, sg.policy, sg.statement)
        # A condition on the statement (or on the boundary that caps it), or a Deny under a condition that would take
        # some of it away: the grant may not hold. One level lower.
        confidence = Confidence.MEDIUM if is_conditional(sg.statement) or sg.conditional_deny else rule.confidence
        # A condition that ties the request to one caller, source or organization narrows the risk: one level lower.
        narrowed = bool(identity_narrowing(sg.statement))
        return self.finding(rule, at=at, line=line, message=message, identity=sg.principal, key=sg.key,
                            confidence=confidence, trace_tail=self.policy_trace(sg.grant, sg.policy, sg.statement),
                            narrowed=narrowed, subject=sg.principal or sg.policy, moved_from=moved_from)

    # -- building findings -------------------------------------------------------------------------------------

    def finding(self, rule: Rule, *, at: Resource, line: Optional[int] = None, end_line: Optional[int] = None,
                message: str, identity: Optional[str] = None, key: str = "",
                confidence: Optional[Confidence] = None, trace_tail: Optional[list[TraceStep]] = None,
                extra_agents: Optional[list[AgentPath]] = None, narrowed: bool = False,
                subject: Optional[str] = None,
                moved_from: Optional[tuple[Resource, Optional[int]]] = None) -> Finding:
        """`subject`: the graph node the finding is about, when not its identity (a policy no identity holds, a
        Kubernetes role); rules that supersede others are matched on it. `moved_from`: where the finding was
        reported before it moved to its statement (0.2.0 and earlier): its fingerprints there still match baselines, and
        suppression comments there still apply."""
        g = self.graph
        paths = g.agent_paths(identity) if identity else []
        paths += extra_agents or []
        agents = sorted({g.address_of(p.agent) for p in paths})
        ranked = rule.ranking is Ranking.AGENTS
        severity = rule.severity if agents or not ranked else rule.severity.lowered()
        if ranked and agents and not any(strongest(g.agents[p.agent].evidence) is Confidence.HIGH
                                         for p in paths if p.agent in g.agents):
            # Ranked as an agent's only on evidence that makes it likely, not sure (graph.agent_evidence).
            confidence = Confidence.LOW if (confidence or rule.confidence) is not Confidence.HIGH else Confidence.MEDIUM
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
        # A tail step the agent's path already reached (a key the agent carries itself) is not repeated.
        trace.extend(s for s in trace_tail or [] if not any((t.role, t.address) == (s.role, s.address) for t in trace))
        start = line if line is not None else at.start_line
        end = end_line if end_line is not None else (at.end_line if line is None or line == at.start_line else line)
        identity_address = g.address_of(identity) if identity else None
        fingerprint, legacy = _fingerprints(g.model, rule.id, at, identity_address, key)
        legacies, legacy_location = [legacy], None
        if moved_from is not None and moved_from[0] is not at:
            # Moved to its statement: the fingerprints it had at the attachment (0.2.0, then 0.1.x) are the old ones.
            legacies = list(_fingerprints(g.model, rule.id, moved_from[0], identity_address, key))
            old_line = moved_from[1] if moved_from[1] is not None else moved_from[0].start_line
            legacy_location = (moved_from[0].path, old_line) if old_line is not None else None
        found = _make(rule, severity=severity, confidence=confidence or rule.confidence, message=message,
                      path=at.path, start_line=start, end_line=end, address=at.address, agents=agents,
                      identity=identity_address, trace=trace, fingerprint=fingerprint, legacy=legacies,
                      stack=at.stack, key=key, plan=at.stack if at.source == "plan" else None,
                      legacy_location=legacy_location)
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

    def statement_location(self, grant: Optional[Grant], policy: str, st: Optional[Statement]
                           ) -> tuple[Resource, Optional[int], tuple[Resource, Optional[int]]]:
        """Where a finding on a statement is reported: the statement's own block or object when the code says where
        it is written, else where its policy was wired in; and the latter, where such findings were up to 0.2.0."""
        wired = self.grant_location(grant, policy)
        res = self.graph.resource_of(policy)
        place = None
        if st is not None and res is not None and res.mode == "managed" and res.type in _POLICY_TYPES:
            place = self.statement_place(res, "policy", st)
        elif st is not None and st.origin is not None:
            place = self.statement_place(st.origin, "", st)
        at, line = place or wired
        return at, line, wired

    @staticmethod
    def statement_place(res: Resource, attr: str, st: Statement) -> Optional[tuple[Resource, Optional[int]]]:
        """The resource and line of a statement written in `res` (in its attribute `attr`, or a statement block of
        a policy document), or None when the code does not say (a plan without its code)."""
        origin = st.origin
        if origin is not None and origin.start_line is not None:
            return origin, st.origin_line or _rendered_statement_line(origin, st) or origin.start_line
        if origin is not None or res.start_line is None:
            return None
        return res, res.attr_lines.get(statement_key(attr, st.index)) or res.line_of(attr)

    @staticmethod
    def grant_steps(via: Optional[Resource], role: str, role_res: Optional[Resource] = None,
                    note: Optional[str] = None, role_step: str = "role") -> list[TraceStep]:
        """The trace after an identity that holds a role through a binding: the binding (a Kubernetes
        (Cluster)RoleBinding, a Google IAM member / binding / policy, an Azure role assignment), then the role it
        grants (`note`: where)."""
        steps = []
        if via is not None:
            steps.append(TraceStep(role="binding", address=via.address, path=via.path, line=via.start_line))
        steps.append(TraceStep(role=role_step, address=role, path=role_res.path if role_res else None,
                               line=role_res.start_line if role_res else None, note=note))
        return steps

    @staticmethod
    def credential_step(res: Resource) -> TraceStep:
        """A credential the identity holds (an access key, a service account key), as the trace's last step."""
        return TraceStep(role="credential", address=res.address, path=res.path, line=res.start_line)

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
            # A statement written in the policy resource itself (jsonencode, heredoc): its own line there.
            own = self.statement_place(pres, "policy", st) if origin is None and pres is not None \
                and pres.mode == "managed" and pres.type in _POLICY_TYPES else None
            steps.append(TraceStep(role="statement", address=(origin.address if origin else pnode.address),
                                   path=origin.path if origin else own[0].path if own else None,
                                   line=st.origin_line or (origin.start_line if origin else own[1] if own else None),
                                   note=st.label()))
        return steps


# Resources whose `policy` attribute is the policy document they stand for.
_POLICY_TYPES = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")


def _rendered_statement_line(doc: Resource, st: Statement) -> Optional[int]:
    """A plan's policy document located in code: its rendered statements follow the code's `statement` blocks when
    no other document is merged in."""
    if any(doc.values.get(k) for k in ("source_policy_documents", "override_policy_documents", "source_json",
                                       "override_json")):
        return None
    return doc.attr_lines.get(statement_key("statement", st.index))


def _fingerprints(model, rule_id: str, at: Resource, identity_address: Optional[str], key: str) -> tuple[str, str]:
    """(fingerprint, 0.1.x fingerprint) of a finding located at `at`.

    No line numbers and no absolute paths: the same finding keeps its fingerprint when code moves within a file
    and when the repository is checked out somewhere else. The file is relative to the repository root and the root
    module is not part of it, so a module that several roots call gives one finding per location however agentlint
    is invoked; an instance of unknown key (`[*]`) leaves the key out. A plan resource located in its code keeps the
    plan file here: the same fingerprint with or without the code. The legacy recipe (before repository roots):
    root module relative to the common folder of the inputs."""
    fp_path = at.stack if at.source == "plan" else at.path
    return fingerprints(
        model, rule_id, fp_path, [_known_keys(at.address), identity_address and _known_keys(identity_address), key],
        at.stack, [at.ref_address, identity_address and strip_instance_keys(identity_address), key])


def _only_tool(g: IdentityGraph, node: str) -> bool:
    return all(e.kind == "tool-of" for e in g.agents[node].evidence) if node in g.agents else True
