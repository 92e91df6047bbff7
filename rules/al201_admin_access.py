from __future__ import annotations

from agentlint.iam.evaluate import admin_level, is_conditional
from agentlint.model import Confidence, Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, describe_identity


class AdminAccess(Rule):
    """
    ## What it does
    Flags identities with administrator or near-administrator access: an Allow of `*` on `*`, `iam:*` on `*`,
    `NotAction` on `*` that leaves out only a few services, or an attached AWS managed policy such as
    `AdministratorAccess`, `PowerUserAccess`, `IAMFullAccess`, `AWSOrganizationsFullAccess` or the job-function
    administrator policies. The finding points at the line that wired the access in: the policy attachment, the
    `managed_policy_arns` entry or the `inline_policy` block.

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
        # Managed policies known by tier, whatever their modelled content.
        for principal in sorted(g.principals()):
            for grant in g.grants(principal):
                if grant.group is not None:
                    continue  # reported on the group itself
                managed = g.node(grant.policy).managed
                if managed is None or managed.tier not in ("admin", "near-admin"):
                    continue
                seen.add((principal, grant.policy))
                at, line = ctx.grant_location(grant, grant.policy)
                level = "full administrator" if managed.tier == "admin" else "near-administrator"
                message = (f"{describe_identity(g, principal)}{agents_phrase(g, principal)} has {level} access: "
                           f"AWS managed policy {managed.name} ({managed.summary}) is attached")
                yield ctx.finding(self, at=at, line=line, message=message, identity=principal,
                                  key=f"managed:{managed.name}",
                                  trace_tail=ctx.policy_trace(grant, grant.policy, None))
        for principal, grant, policy, st in ctx.statement_grants():
            level = admin_level(st)
            if level is None or (principal, policy) in seen:
                continue
            seen.add((principal, policy))
            at, line, wired = ctx.statement_location(grant, policy, st)
            if level == "admin":
                what = "full administrator access (Allow * on *)"
            elif st.not_actions is not None:
                what = ("near-administrator access (every action except " +
                        ", ".join(repr(str(a)) for a in st.not_actions) + " on every resource)")
            else:
                what = "near-administrator access (iam:* on every resource can grant itself anything)"
            cond = " under a condition" if is_conditional(st) else ""
            message = (f"{describe_identity(g, principal)}{agents_phrase(g, principal)} has {what}{cond} through "
                       f"{st.label()} of {g.address_of(policy)}")
            yield ctx.finding(self, at=at, line=line, message=message, identity=principal,
                              key=f"{g.address_of(policy)}#{st.digest()}",
                              confidence=Confidence.MEDIUM if is_conditional(st) else Confidence.HIGH,
                              trace_tail=ctx.policy_trace(grant, policy, st), subject=principal or policy,
                              moved_from=wired)
