from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from agentlint.iam.evaluate import (ACCOUNT_ROOT, WHOLE_ACCOUNT_NARROWING, account_of, allows_assume, aws_principals,
                                    condition_keys)
from agentlint.model import Confidence, Severity
from agentlint.rule import Rule, RuleContext, trust_holder

PROVES_CALLER = {"sts:externalid", "aws:principalorgid", "aws:principalorgpaths"}


class ThirdPartyTrust(Rule):
    """
    ## What it does
    Flags role trust policies that let a principal of another AWS account assume the role without an
    `sts:ExternalId` condition (or an `aws:PrincipalOrgID` / `aws:PrincipalOrgPaths` condition that keeps it inside
    your organization). Accounts are read from literal principals (`arn:aws:iam::444455556666:role/vendor`,
    `444455556666`); principals computed from `data.aws_caller_identity` are your own. List your own and your
    organization's accounts in `[rules.AL604.options] trusted-accounts` so that only third parties are reported;
    until then the rule cannot tell them apart and reports with medium confidence.

    A whole account trusted without any narrowing condition is AL603's finding and is not repeated here.

    ## Why is this bad?
    A vendor's role assumes roles in many customers' accounts. Without an external ID, anyone who can make the
    vendor act for them can point it at your role ARN (the confused deputy problem), and the vendor's integration
    then acts in your account with your agent's permissions.

    ## Example
    ```hcl
    Principal = { AWS = "arn:aws:iam::444455556666:role/observability-vendor" }
    # no Condition = { StringEquals = { "sts:ExternalId" = "..." } }
    ```

    ## Fix
    Add `Condition = { StringEquals = { "sts:ExternalId" = "<the ID the vendor gave you>" } }`; for your own
    accounts, add them to `trusted-accounts` or condition on `aws:PrincipalOrgID`.
    """

    id = "AL604"
    name = "third-party-trust-without-external-id"
    title = "Cross-account trust without sts:ExternalId"
    category = "risky-trust"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    fix = "Require sts:ExternalId (vendors) or aws:PrincipalOrgID (your organization) in the trust condition."

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)
        trusted_accounts: list[str] = Field(default_factory=list, alias="trusted-accounts")

    def check(self, ctx: RuleContext):
        g = ctx.graph
        trusted = {a.strip() for a in self.options.trusted_accounts}
        for node, role, st in ctx.trust_statements():
            if not allows_assume(st):
                continue
            keys = condition_keys(st)
            if keys & PROVES_CALLER:
                continue
            literal = [p.strip() for p in aws_principals(st) if isinstance(p, str)]
            if any(ACCOUNT_ROOT.match(p) for p in literal) and not keys & WHOLE_ACCOUNT_NARROWING:
                continue  # AL603
            foreign = sorted({a for a in (account_of(p) for p in literal) if a and a not in trusted})
            if not foreign:
                continue
            yield ctx.trust_finding(self, node, role, st, key="third-party", message=(
                f"{trust_holder(g, node, role)} can be assumed from account"
                f"{'s' if len(foreign) > 1 else ''} {', '.join(foreign)} without sts:ExternalId ({st.label()} of its "
                "trust policy); if the account is yours, list it in trusted-accounts"),
                confidence=Confidence.HIGH if trusted else None)
