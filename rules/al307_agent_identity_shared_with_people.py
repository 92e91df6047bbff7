from __future__ import annotations

from agentlint.iam.evaluate import allows_assume, aws_principals
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, agents_phrase
from agentlint.values import Unknown, display


class AgentIdentitySharedWithPeople(Rule):
    """
    ## What it does
    Flags identities that an agent acts as and that people can use too:
    - a role an agent runs as whose trust policy also lets people assume it: IAM users
      (`arn:aws:iam::111122223333:user/alice`, `aws_iam_user.alice.arn`), IAM Identity Center roles
      (`.../aws-reserved/sso.amazonaws.com/...`, `AWSReservedSSO_*`, `data "aws_iam_roles"` filtered on them), or a
      SAML identity provider (`sts:AssumeRoleWithSAML`);
    - an IAM user an agent acts as (marked as an agent, or whose access key a workload carries) that also has a
      console password (`aws_iam_user_login_profile`).

    ## Why is this bad?
    CloudTrail can no longer tell what the agent did from what a person did, so neither can be held to account
    and anomaly detection built on the agent's behaviour breaks. The role's permissions must also cover both: the
    agent ends up with what people need (console, break-glass, debugging), and people inherit the agent's
    machine-speed access. Agents should have identities of their own.

    ## Example
    ```hcl
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "bedrock.amazonaws.com" } },
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = aws_iam_user.alice.arn } },
    ]
    ```

    ## Fix
    Give people their own role (through IAM Identity Center) and keep the agent's role assumable by the agent's
    service only. Delete the console password of a user an agent acts as.
    """

    id = "AL307"
    name = "agent-identity-shared-with-people"
    title = "Identity shared by an agent and by people"
    category = "identity-hygiene"
    severity = Severity.HIGH
    fix = "Give people and agents separate identities; trust only the agent's service in the agent's role."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for node, role, st in ctx.trust_statements():
            if not g.agent_paths(node):
                continue
            people = []
            if allows_assume(st):
                people += [p for p in (_person(p, ctx, role.stack) for p in aws_principals(st)) if p]
            if allows_assume(st, "sts:AssumeRoleWithSAML"):
                people += [f"SAML identity provider {display(p, limit=200)}"
                           for p in (st.principals or {}).get("Federated", [])]
            if not people:
                continue
            yield ctx.trust_finding(self, node, role, st, key="people", message=(
                f"role {role.address}{agents_phrase(g, node)} can also be assumed by people: {', '.join(people)} "
                f"({st.label()} of its trust policy)"))
        for res, user in g.console_logins():
            if not g.agent_paths(user):
                continue
            yield ctx.finding(self, at=res, identity=user, key="console", message=(
                f"IAM user {g.address_of(user)}{agents_phrase(g, user)} has a console password "
                f"({res.address}): people sign in as the identity the agent acts as"))


def _person(principal, ctx: RuleContext, stack: str):
    if isinstance(principal, str):
        p = principal.strip()
        if ":user/" in p:
            return f"IAM user {p}"
        if "/aws-reserved/sso.amazonaws.com/" in p or ":role/AWSReservedSSO_" in p:
            return f"IAM Identity Center role {p}"
        return None
    if isinstance(principal, Unknown):
        for ref in principal.refs:
            target = ctx.graph.lookup(stack, ref.address)
            if target is None:
                continue
            if target.type == "aws_iam_user" and ctx.graph.nid(target) not in ctx.graph.agents:
                return f"IAM user {target.address}"
            if target.type == "aws_iam_roles" and "AWSReservedSSO" in str(target.values.get("name_regex", "")):
                return f"IAM Identity Center roles ({target.address})"
            if target.type == "aws_ssoadmin_permission_set":
                return f"IAM Identity Center permission set {target.address}"
    return None
