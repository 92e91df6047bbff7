from __future__ import annotations

from agentlint.iam.evaluate import (ACCOUNT_ROOT, WHOLE_ACCOUNT_NARROWING, account_of, allows_assume, any_principal,
                                    aws_principals, condition_keys)
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, trust_holder


class WholeAccountTrust(Rule):
    """
    ## What it does
    Flags role trust policies whose `AWS` principal is a whole account (`"111122223333"` or
    `"arn:aws:iam::111122223333:root"`, as a string, in a list, in any statement), allowed to `sts:AssumeRole`,
    without a condition that names who in that account may assume it (`aws:PrincipalArn`, `aws:userid`,
    `sts:RoleSessionName`) or, for a third party, `sts:ExternalId`. A statement that also trusts `"*"` is
    AL601's.

    ## Why is this bad?
    Trusting an account root does not mean "the account's administrators": it delegates the decision to that
    account's IAM, so every user and role there with `sts:AssumeRole` on `*` (developers, CI jobs, other agents)
    can become the agent's role. The agent's permissions then belong to the whole account.

    ## Example
    ```hcl
    assume_role_policy = jsonencode({
      Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111122223333:root" } }]
    })
    ```

    ## Fix
    Name the role that needs it (`arn:aws:iam::111122223333:role/agent-deployer`), or add an
    `ArnLike aws:PrincipalArn` condition; for a vendor's account, require the `sts:ExternalId` they gave you.
    """

    id = "AL603"
    name = "whole-account-trust"
    title = "Role trusts every identity of an AWS account"
    category = "risky-trust"
    severity = Severity.HIGH
    fix = "Trust the specific role ARN (or condition on aws:PrincipalArn); require sts:ExternalId for vendors."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for node, role, st in ctx.trust_statements():
            if not allows_assume(st) or any_principal(st):
                continue  # Principal "*" is AL601's
            roots = sorted({account_of(p) for p in aws_principals(st) if isinstance(p, str) and ACCOUNT_ROOT.match(p.strip())})
            if not roots or condition_keys(st) & WHOLE_ACCOUNT_NARROWING:
                continue
            yield ctx.trust_finding(self, node, role, st, key="whole-account", message=(
                f"{trust_holder(g, node, role)} can be assumed by any identity in account"
                f"{'s' if len(roots) > 1 else ''} {', '.join(roots)}: {st.label()} of its trust policy trusts the "
                "account root without a condition on aws:PrincipalArn or sts:ExternalId"))
