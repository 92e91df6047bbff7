from __future__ import annotations

import re

from agentlint.iam.evaluate import allows_assume
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, agents_phrase
from agentlint.values import Unknown

GITHUB_ISSUER = "token.actions.githubusercontent.com"
# Condition keys that can pin a repository (STS also accepts the claim-specific ones since 2026).
PINNING_KEYS = ("sub", "repository", "repository_id", "job_workflow_ref")


class GithubOidcTrust(Rule):
    """
    ## What it does
    Flags role trust policies that let GitHub Actions assume the role through OIDC
    (`token.actions.githubusercontent.com`, `sts:AssumeRoleWithWebIdentity`) without pinning a repository: no
    condition on `token.actions.githubusercontent.com:sub` (or `:repository`, `:repository_id`,
    `:job_workflow_ref`), or a value with a wildcard in the organization or repository part (`*`, `repo:my-org/*`,
    `repo:*`). Every statement is checked, not only the first. `repo:my-org/infra:*` (any branch of one repository)
    pins the repository and is accepted.

    ## Why is this bad?
    Without a `sub` condition, any workflow in any GitHub repository, including one an attacker creates, can ask
    GitHub for a token with the right audience and assume the role. Agents' roles are often reached this way from
    deployment pipelines.

    ## Example
    ```hcl
    statement {
      actions = ["sts:AssumeRoleWithWebIdentity"]
      principals {
        type        = "Federated"
        identifiers = [aws_iam_openid_connect_provider.github.arn]
      }
      condition {
        test     = "StringEquals"
        variable = "token.actions.githubusercontent.com:aud"
        values   = ["sts.amazonaws.com"]
      }
    }
    ```

    ## Fix
    Add `StringEquals` (or `StringLike`) on `token.actions.githubusercontent.com:sub` with the exact repository and
    branch or environment: `repo:my-org/infra:ref:refs/heads/main` or `repo:my-org/infra:environment:production`.
    """

    id = "AL602"
    name = "github-oidc-trust-without-repository"
    title = "GitHub Actions OIDC trust does not pin a repository"
    category = "risky-trust"
    severity = Severity.CRITICAL
    fix = "Condition the trust on token.actions.githubusercontent.com:sub = repo:<org>/<repo>:<ref or environment>."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for node, role, st in ctx.trust_statements():
            if not allows_assume(st, "sts:AssumeRoleWithWebIdentity") or not _github(st, ctx, role.stack):
                continue
            pinning = [c for c in st.conditions
                       if c.key.lower().startswith(GITHUB_ISSUER + ":") and c.key.lower().split(":", 1)[1] in PINNING_KEYS]
            if not pinning:
                why = "has no condition on the repository (sub), so any repository's workflow can assume it"
            elif all(_wildcard_repository(v) for c in pinning for v in c.values):
                shown = ", ".join(repr(str(v)) for c in pinning for v in c.values)
                why = f"pins no single repository ({shown})"
            else:
                continue
            yield ctx.trust_finding(self, node, role, st, key="github-oidc", message=(
                f"role {role.address}{agents_phrase(g, node)} trusts GitHub Actions OIDC and {why} "
                f"({st.label()} of its trust policy)"))


def _github(st, ctx: RuleContext, stack: str) -> bool:
    for ident in (st.principals or {}).get("Federated", []):
        if isinstance(ident, str) and ident.rstrip("/").endswith(GITHUB_ISSUER):
            return True
        if isinstance(ident, Unknown):
            for ref in ident.refs:
                provider = ctx.graph.lookup(stack, ref.address)
                if provider is not None and GITHUB_ISSUER in str(provider.values.get("url", "")):
                    return True
    return False


def _wildcard_repository(value) -> bool:
    """`*`, `repo:*`, `repo:org/*`, `repo:*/name`: the organization or repository part is a wildcard."""
    text = str(value)
    if isinstance(value, Unknown):
        return False  # computed: AL001-style uncertainty, not a proven wildcard
    m = re.match(r"^repo:([^:]*)", text)
    repo = m.group(1) if m else text
    return "*" in repo or "?" in repo or "/" not in repo
