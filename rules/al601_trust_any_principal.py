from __future__ import annotations

from agentlint.iam.evaluate import NARROWING_KEYS, allows_assume, any_principal, narrowing_conditions
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, trust_holder


class TrustAnyPrincipal(Rule):
    """
    ## What it does
    Flags role trust policies that let any AWS principal assume the role: `Principal = "*"`, `{ AWS = "*" }`,
    `{ AWS = ["*"] }`, or `principals { type = "AWS", identifiers = ["*"] }` in an `aws_iam_policy_document`, in
    any statement, unless a condition ties the statement to known callers (`aws:PrincipalOrgID`,
    `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`, `sts:ExternalId`, ...).
    A condition narrows only when every value pins an account, organization or caller: `aws:PrincipalArn` like
    `arn:aws:iam::*:role/qa-*`, `aws:PrincipalAccount` or `aws:SourceAccount` `*`, a wildcard in an ARN's account
    field, or a negated operator (`StringNotEquals`) still lets callers from any account in, and is named in the
    message.

    ## Why is this bad?
    Any AWS account in the world can then call `sts:AssumeRole` on the role and act with its permissions. When an
    agent runs as the role, everything the agent can do is open to everyone.

    ## Example
    ```hcl
    resource "aws_iam_role" "agent" {
      assume_role_policy = jsonencode({
        Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = "*" }]
      })
    }
    ```

    ## Fix
    Trust the service that runs the agent (`Principal = { Service = "bedrock.amazonaws.com" }` with
    `aws:SourceAccount` and `aws:SourceArn` conditions), or the exact role ARNs that need to assume it.
    """

    id = "AL601"
    name = "trust-any-principal"
    title = "Role can be assumed by any AWS principal"
    category = "risky-trust"
    severity = Severity.CRITICAL
    fix = "Trust the agent's service or the exact role ARNs that need the role, not '*'."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for node, role, st in ctx.trust_statements():
            if not any_principal(st) or narrowing_conditions(st):
                continue
            if not (allows_assume(st) or allows_assume(st, "sts:AssumeRoleWithWebIdentity")):
                continue
            # Conditions on those keys that still match any account (`arn:aws:iam::*:role/qa-*`) are named.
            loose = [c for c in st.conditions if c.key.lower() in NARROWING_KEYS]
            why = ("without a condition on the caller's organization, account or ARN" if not loose else
                   "with conditions that match callers in any account (" +
                   "; ".join(f"{c.key} {', '.join(repr(str(v)) for v in c.values)}" for c in loose) + ")")
            yield ctx.trust_finding(self, node, role, st, key="any-principal", message=(
                f"{trust_holder(g, node, role)} can be assumed by any AWS principal: {st.label()} of "
                f"its trust policy allows Principal '*' {why}"))
