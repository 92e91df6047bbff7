from __future__ import annotations

import re

from agentlint.iam.evaluate import allows_assume
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, trust_holder
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
    `repo:*`), or a `sub` that does not start with the repository (`workflow:deploy:repo:my-org/infra:...`, from a
    customized sub template: the workflow name is chosen by whoever writes the workflow). Every statement is
    checked, not only the first; the enterprise issuer form `token.actions.githubusercontent.com/<enterprise>:sub`
    is understood. `repo:my-org/infra:*` (any branch of one repository) pins the repository and is accepted;
    `repo:my-org/*` (every repository of the organization) does not.

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
            pinning = [c for c in st.conditions if _github_claim(c.key) in PINNING_KEYS]
            if not pinning:
                why = "has no condition on the repository (sub), so any repository's workflow can assume it"
            elif all(_wildcard_repository(v) for c in pinning for v in c.values):
                shown = ", ".join(repr(str(v)) for c in pinning for v in c.values)
                why = f"pins no single repository ({shown})"
            elif all(_forgeable(c, v) for c in pinning for v in c.values):
                shown = ", ".join(repr(str(v)) for c in pinning for v in c.values)
                why = (f"pins sub to a value that does not start with repo: ({shown}); with a customized sub "
                       "template the leading claims (such as the workflow name) are chosen by whoever writes the "
                       "workflow, in any repository")
            else:
                continue
            yield ctx.trust_finding(self, node, role, st, key="github-oidc", message=(
                f"{trust_holder(g, node, role)} trusts GitHub Actions OIDC and {why} "
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


def _github_claim(key: str) -> str:
    """`token.actions.githubusercontent.com:sub` and the enterprise issuer form
    `token.actions.githubusercontent.com/<enterprise>:sub` -> `sub`; other keys -> ''."""
    lower = key.lower()
    if not lower.startswith(GITHUB_ISSUER):
        return ""
    rest = lower[len(GITHUB_ISSUER):]
    if rest.startswith("/"):
        rest = rest[rest.find(":"):] if ":" in rest else ""
    return rest[1:] if rest.startswith(":") else ""


def _forgeable(condition, value) -> bool:
    """A sub value whose first claim is not the repository: GitHub puts claims in the template's order, so a value
    that starts with a user-chosen claim (`workflow:...`) can be produced by another repository's workflow."""
    if isinstance(value, Unknown) or _github_claim(condition.key) != "sub":
        return False
    first = str(value).split(":", 1)[0].lower()
    return first not in ("repo", "repository", "repository_id", "repository_owner_id", "job_workflow_ref")


def _wildcard_repository(value) -> bool:
    """`*`, `repo:*`, `repo:org/*`, `repo:*/name`: the organization or repository part is a wildcard."""
    text = str(value)
    if isinstance(value, Unknown):
        return False  # computed: AL001-style uncertainty, not a proven wildcard
    m = re.match(r"^repo:([^:]*)", text)
    repo = m.group(1) if m else text
    return "*" in repo or "?" in repo or "/" not in repo
