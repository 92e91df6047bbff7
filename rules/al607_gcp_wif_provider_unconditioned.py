from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext
from agentlint.values import first_block

PUBLIC_ISSUERS = ("token.actions.githubusercontent.com", "gitlab.com", "app.terraform.io", "circleci.com",
                  "bitbucket.org")


class GcpWifProviderUnconditioned(Rule):
    """
    ## What it does
    Flags `google_iam_workload_identity_pool_provider` resources without an `attribute_condition`. The provider's
    documentation: "If unspecified, all valid authentication credential are accepted."

    ## Why is this bad?
    For a public issuer (GitHub Actions, GitLab, Terraform Cloud) every repository or workspace in the world gets a
    valid token; without a condition on `assertion.repository_owner` (or the AWS account, for AWS providers) any of
    them can enter the pool, and then act as whatever service account the pool's principals may impersonate.

    ## Example
    ```hcl
    resource "google_iam_workload_identity_pool_provider" "github" {
      workload_identity_pool_id          = google_iam_workload_identity_pool.ci.workload_identity_pool_id
      workload_identity_pool_provider_id = "github"
      attribute_mapping = { "google.subject" = "assertion.sub" }
      oidc { issuer_uri = "https://token.actions.githubusercontent.com" }
    }
    ```

    ## Fix
    `attribute_condition = "assertion.repository_owner_id == '123456'"` (an ID cannot be re-registered the way a
    name can), and bind only the exact `principal://.../subject/...` that needs the service account.
    """

    id = "AL607"
    name = "gcp-wif-provider-unconditioned"
    title = "Workload identity pool provider accepts every identity of its issuer"
    category = "risky-trust"
    # Its findings are about a resource, never an identity an agent uses: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.HIGH
    fix = "Set attribute_condition to your organization or repository owner ID (or AWS account)."

    def check(self, ctx: RuleContext):
        for res in ctx.managed("google_iam_workload_identity_pool_provider"):
            condition = res.values.get("attribute_condition")
            if isinstance(condition, str) and condition.strip():
                continue
            if condition is not None and not isinstance(condition, str):
                continue  # computed: cannot tell
            issuer = first_block(res.values.get("oidc")).get("issuer_uri")
            source = (f"issuer {issuer}" if isinstance(issuer, str) else
                      "any AWS account" if res.values.get("aws") else "its issuer")
            public = isinstance(issuer, str) and any(p in issuer for p in PUBLIC_ISSUERS)
            yield ctx.finding(self, at=res, key="no-condition", message=(
                f"{res.address} has no attribute_condition: every identity of {source} can enter the pool"
                + ("; the issuer is public, so that means anyone who can run a workflow there" if public else "")))
