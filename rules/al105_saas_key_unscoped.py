from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext


class SaasKeyUnscoped(Rule):
    """
    ## What it does
    Flags SaaS keys created with full access: Datadog application keys (`datadog_application_key`,
    `datadog_service_account_application_key`) without `scopes` ("Application Keys configured with no scopes have
    full access"), and GitHub deploy keys with write access (`github_repository_deploy_key` with
    `read_only = false`).

    ## Why is this bad?
    An unscoped Datadog application key can read every log (and the secrets that end up in logs), change monitors
    and manage users of the organization; a writable deploy key can push to the repository, workflows included,
    which then run with the repository's secrets. Agents get such keys to "read dashboards" or "fetch code".

    ## Example
    ```hcl
    resource "datadog_application_key" "agent" {
      name = "triage-agent"
    }
    ```

    ## Fix
    `scopes = ["dashboards_read", "monitors_read"]`; `read_only = true` for deploy keys.
    """

    id = "AL105"
    name = "saas-key-unscoped"
    title = "SaaS key with full access (Datadog application key without scopes, writable deploy key)"
    category = "wildcard-scope"
    # Its findings are about a resource, never an identity an agent uses: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Give the key only the scopes it needs; make deploy keys read-only."

    def check(self, ctx: RuleContext):
        for res in ctx.managed("datadog_application_key", "datadog_service_account_application_key", "github_repository_deploy_key"):
            v = res.values
            if res.type in ("datadog_application_key", "datadog_service_account_application_key") and \
                    not v.get("scopes"):
                yield ctx.finding(self, at=res, key="datadog", message=(
                    f"{res.address} has no scopes: a Datadog application key without scopes has full access"))
            elif res.type == "github_repository_deploy_key" and v.get("read_only") is False:
                yield ctx.finding(self, at=res, line=res.line_of("read_only"), key="deploy-key", message=(
                    f"{res.address} can push to the repository (read_only = false)"))
