from __future__ import annotations

from typing import Optional

from agentlint.graph.schema import NodeKind, Rel
from agentlint.iam.evaluate import admin_level, is_conditional
from agentlint.iam.gcp_roles import escalation_permissions, write_breadth
from agentlint.iam.gcp_roles import title as role_title
from agentlint.model import Confidence, Severity
from agentlint.rule import (Rule, RuleContext, agents_phrase, describe_identity, gcp_condition, gcp_condition_phrase,
                            gcp_member_phrase, scope_phrase)


class AdminAccess(Rule):
    """
    ## What it does
    Flags identities with administrator or near-administrator access: an Allow of `*` on `*`, `iam:*` on `*`,
    `NotAction` on `*` that leaves out only a few services, or an attached AWS managed policy such as
    `AdministratorAccess`, `PowerUserAccess`, `IAMFullAccess`, `AWSOrganizationsFullAccess` or the job-function
    administrator policies. The finding points at the line that wired the access in: the policy attachment, the
    `managed_policy_arns` entry or the `inline_policy` block.

    Administrator means everything on every resource once the identity's unconditional Deny statements (their
    `Action`, `NotAction`, `Resource` and `NotResource`) and its permissions boundary (a customer policy or an AWS
    managed one) apply: a boundary that caps AdministratorAccess to a few actions, or a Deny that leaves only model
    invocation, is not administrator access, and what is left is judged by the other rules. `Action "*"` on one
    service's resources (`arn:aws:s3:::*`) is that service's actions (AL101, AL102, AL401). A Deny under a condition
    takes nothing away but lowers the confidence.

    Google Cloud: a predefined role granted on a project, folder or organization whose write permissions span as
    many services as an administrator's (15 services and 200 write permissions or more, such as
    `roles/iam.infrastructureAdmin`), when it holds none of the permissions AL207 reports. Owner and Editor are
    AL206's. A grant with an IAM `condition` is reported with medium confidence.

    When this rule runs, it stands for what AL101, AL102, AL202, AL203, AL401 and AL402 would also say about the
    same identity (or the same policy no identity holds): those findings are left out, so an administrator is
    reported once. Each of those rules run without AL201 reports them.

    ## Why is this bad?
    An AI agent with administrator access can do anything in the account: read every secret, delete data,
    create new users and keys for an attacker. Whoever can steer the agent (a prompt injection in a web page,
    an email, a ticket) inherits that power. `iam:*` and `PowerUserAccess`-style grants are one step from full
    administrator, because IAM can grant itself the rest.

    ## Example
    ```hcl
    resource "aws_iam_role_policy_attachment" "agent_admin" {
      role       = aws_iam_role.agent.name
      policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    }
    ```

    ## Fix
    Detach the administrator policy and give the agent's role a policy with only the actions and resources its
    tools use. If a human needs administrator access, give it to a separate role the agent cannot assume.
    """

    id = "AL201"
    name = "admin-access"
    title = "Identity has administrator or near-administrator access"
    category = "admin-access"
    severity = Severity.CRITICAL
    fix = "Remove the administrator grant; give the identity a least-privilege policy for its actual tasks."
    # An administrator can do all of these; saying so again per statement would only repeat this finding.
    supersedes = ("AL101", "AL102", "AL202", "AL203", "AL401", "AL402")

    def check(self, ctx: RuleContext):
        g = ctx.graph
        seen = set()
        # Managed policies known by tier, whatever their modelled content, unless a Deny or the boundary leaves
        # less than the tier says (then what is left is judged below, statement by statement).
        for principal in sorted(g.principals()):
            for grant in g.grants(principal):
                if grant.group is not None:
                    continue  # reported on the group itself
                managed = g.node(grant.policy).managed
                if managed is None or managed.tier not in ("admin", "near-admin"):
                    continue
                left, conditional_deny = _left_level(ctx.effective(principal), g.document(grant.policy))
                if left != managed.tier:
                    continue
                seen.add((principal, grant.policy))
                at, line = ctx.grant_location(grant, grant.policy)
                level = "full administrator" if managed.tier == "admin" else "near-administrator"
                message = (f"{describe_identity(g, principal)}{agents_phrase(g, principal)} has {level} access: "
                           f"AWS managed policy {managed.name} ({managed.summary}) is attached"
                           f"{'; a Deny under a condition may take some of it away' if conditional_deny else ''}")
                yield ctx.finding(self, at=at, line=line, message=message, identity=principal,
                                  key=f"managed:{managed.name}",
                                  confidence=Confidence.MEDIUM if conditional_deny else None,
                                  trace_tail=ctx.policy_trace(grant, grant.policy, None))
        for sg in ctx.allow_statements():
            st, principal, policy = sg.statement, sg.principal, sg.policy
            level = admin_level(st)
            if level is None or (principal, policy) in seen:
                continue
            seen.add((principal, policy))
            at, line, wired = ctx.statement_location(sg.grant, policy, st)
            if level == "admin":
                what = "full administrator access (Allow * on *)"
            elif st.not_actions is not None:
                what = ("near-administrator access (every action except " +
                        ", ".join(repr(str(a)) for a in st.not_actions) + " on every resource)")
            elif st.not_resources is not None and not (st.action_strings() or ["*"])[0].lower().startswith("iam:"):
                what = ("near-administrator access (every action on every resource except " +
                        ", ".join(repr(str(r)) for r in st.not_resources) + ")")
            else:
                what = "near-administrator access (iam:* on every resource can grant itself anything)"
            conditional = is_conditional(st) or sg.conditional_deny
            cond = " under a condition" if is_conditional(st) else ""
            message = (f"{describe_identity(g, principal)}{agents_phrase(g, principal)} has {what}{cond} through "
                       f"{st.label()} of {g.address_of(policy)}{sg.limits_phrase()}{sg.conditional_deny_phrase()}")
            yield ctx.finding(self, at=at, line=line, message=message, identity=principal, key=sg.key,
                              confidence=Confidence.MEDIUM if conditional else Confidence.HIGH,
                              trace_tail=ctx.policy_trace(sg.grant, policy, st), subject=principal or policy,
                              moved_from=wired)
        yield from _gcp_breadth(self, ctx)


def _gcp_breadth(rule: Rule, ctx: RuleContext):
    """Google Cloud predefined roles granted on a project, folder or organization that write in as many services
    as an administrator (`write_breadth`), without a permission AL207 names (those are reported there)."""
    g = ctx.graph
    for binding in g.relations(Rel.GCP_BINDING):
        role = binding.role
        if binding.scope_kind not in ("project", "folder", "organization") or escalation_permissions(role):
            continue
        breadth = write_breadth(role)
        if breadth is None:
            continue
        services = sorted(breadth["services"].items(), key=lambda kv: (-kv[1], kv[0]))
        shown = ", ".join(f"{svc}: {n}" for svc, n in services[:5])
        via, member = binding.via, binding.source
        is_principal = g.node(member).kind == NodeKind.PRINCIPAL
        yield ctx.finding(rule, at=via, line=via.line_of("role"), identity=member if is_principal else None,
                          key=f"gcp-breadth:{role}:{binding.member}",
                          confidence=Confidence.MEDIUM if gcp_condition(binding) else None, message=(
                              f"{gcp_member_phrase(g, binding)} has near-administrator access: {role} "
                              f"({role_title(role)}) includes {breadth['writes']} write permissions in "
                              f"{len(services)} services ({shown} and {len(services) - 5} more) on "
                              f"{scope_phrase(binding.scope)} by {via.address}{gcp_condition_phrase(binding)}"))


_RANK = {"admin": 2, "near-admin": 1, None: 0}


def _left_level(eff, doc) -> tuple[Optional[str], bool]:
    """The highest administrator level among what the principal's Denies and boundary leave of a policy, and
    whether a conditional Deny may take more."""
    best, conditional = None, False
    for st in doc.statements:
        if st.is_allow:
            left = eff.restricted(st)
            conditional = conditional or left.conditional_deny
            for piece in left.pieces:
                level = admin_level(piece)
                if _RANK[level] > _RANK[best]:
                    best = level
    return best, conditional
