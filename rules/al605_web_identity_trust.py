from __future__ import annotations

import re

from agentlint.iam.evaluate import allows_assume
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, trust_holder
from agentlint.values import Unknown

GITHUB_ISSUER = "token.actions.githubusercontent.com"  # AL602's
COGNITO = "cognito-identity.amazonaws.com"
_CLAIM = re.compile(r":([A-Za-z_]+)['\")\s]*$")


class WebIdentityTrust(Rule):
    """
    ## What it does
    Flags `sts:AssumeRoleWithWebIdentity` trust (EKS IAM roles for service accounts, any other OIDC provider,
    Cognito identity pools) that does not pin the caller:
    - no condition on the provider's `sub` claim, or one whose value is a wildcard
      (`system:serviceaccount:*:*`, `system:serviceaccount:agents:*`);
    - no condition on the `aud` claim (for EKS, `sts.amazonaws.com`);
    - for Cognito, no `cognito-identity.amazonaws.com:aud` condition naming the identity pool.

    Condition keys written with an interpolated provider URL
    (`"${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}:sub"`) are understood. GitHub Actions is
    AL602's.

    ## Why is this bad?
    Without `sub`, every service account in the cluster (or every user of the provider) can exchange its token
    for the agent's role: any pod that is compromised becomes the agent. Without the Cognito `aud`, identities from
    any identity pool, in any AWS account, are accepted.

    ## Example
    ```hcl
    condition {
      test     = "StringLike"
      variable = "${local.oidc}:sub"
      values   = ["system:serviceaccount:*"]
    }
    ```

    ## Fix
    `StringEquals` on `<issuer>:sub` = `system:serviceaccount:<namespace>:<service account>` and on `<issuer>:aud`
    = `sts.amazonaws.com`; for Cognito, `cognito-identity.amazonaws.com:aud` = the identity pool ID.
    """

    id = "AL605"
    name = "web-identity-trust-without-subject"
    title = "OIDC / IRSA / Cognito trust does not pin the subject or audience"
    category = "risky-trust"
    severity = Severity.HIGH
    fix = "Condition the trust on the exact <issuer>:sub (namespace and service account) and <issuer>:aud."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for node, role, st in ctx.trust_statements():
            if not allows_assume(st, "sts:AssumeRoleWithWebIdentity"):
                continue
            issuers = [_issuer(ident, ctx, role.stack) for ident in (st.principals or {}).get("Federated", [])]
            issuers = [i for i in issuers if i is not None and GITHUB_ISSUER not in i]
            if not issuers:
                continue
            claims: dict[str, list] = {}
            for c in st.conditions:
                m = _CLAIM.search(c.key)
                if m:
                    claims.setdefault(m.group(1).lower(), []).extend(c.values)
            problems = []
            if any(COGNITO in i for i in issuers):
                if "aud" not in claims or _wildcard(claims["aud"]):
                    problems.append(f"no {COGNITO}:aud condition naming the identity pool, so identities of any "
                                    "pool in any account are accepted")
            else:
                if "sub" not in claims:
                    problems.append("no condition on the sub claim, so every workload the provider issues tokens "
                                    "for (every service account in the cluster) can assume it")
                elif _wildcard(claims["sub"]):
                    shown = ", ".join(repr(str(v)) for v in claims["sub"])
                    problems.append(f"a wildcard sub condition ({shown}) that matches more than one workload")
                if "aud" not in claims:
                    problems.append("no condition on the aud claim (sts.amazonaws.com)")
            if not problems:
                continue
            yield ctx.trust_finding(self, node, role, st, key="web-identity", message=(
                f"{trust_holder(g, node, role)} trusts web identities from {', '.join(issuers)} with "
                f"{'; and '.join(problems)} ({st.label()} of its trust policy)"))


def _issuer(ident, ctx: RuleContext, stack: str):
    """The OIDC issuer a Federated principal names, 'OIDC provider <address>' when it is computed, None for SAML."""
    if isinstance(ident, str):
        if ":saml-provider/" in ident:
            return None
        return ident.split(":oidc-provider/", 1)[1] if ":oidc-provider/" in ident else ident
    if isinstance(ident, Unknown):
        for ref in ident.refs:
            provider = ctx.graph.lookup(stack, ref.address)
            if provider is None:
                continue
            if provider.type == "aws_iam_saml_provider":
                return None
            url = provider.values.get("url")
            return url.removeprefix("https://") if isinstance(url, str) else f"OIDC provider {provider.address}"
        return f"the provider {ident.refs[0].address}" if ident.refs else "a computed provider"
    return None


def _wildcard(values) -> bool:
    """A known value with a wildcard. Values that are computed (or a list Terraform fills in later) are not proof of
    a wildcard: the finding would be a guess."""
    return any(isinstance(v, str) and ("*" in v or "?" in v) for v in values)
