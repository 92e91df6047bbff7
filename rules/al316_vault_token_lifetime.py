from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext


class VaultTokenLifetime(Rule):
    """
    ## What it does
    Flags `vault_token` resources that can live indefinitely: no `ttl` and no `explicit_max_ttl` (the token inherits
    the role, mount or system default: 32 days, renewable), or a `period` without `explicit_max_ttl` (a periodic token
    can be renewed forever). An orphan token (`no_parent = true`) is named: revoking its creator does not revoke it.

    ## Why is this bad?
    The token is written to Terraform state (`client_token`) and usually handed to an agent or a pipeline. A token
    that never has to be re-issued is a standing credential to every secret its policies reach.

    ## Example
    ```hcl
    resource "vault_token" "agent" {
      policies = ["agent-read"]
      period   = "24h"
    }
    ```

    ## Fix
    Let the agent authenticate itself (AppRole, Kubernetes, JWT auth) and get short tokens; if a token must be
    created here, set `ttl` and `explicit_max_ttl`.
    """

    id = "AL316"
    name = "vault-token-lifetime"
    title = "Vault token without a maximum lifetime"
    category = "long-lived-credential"
    # Its findings are about a resource, never an identity an agent uses: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Set ttl and explicit_max_ttl on the token, or let the workload authenticate to Vault itself."

    def check(self, ctx: RuleContext):
        for res in ctx.managed("vault_token"):
            v = res.values
            problems = []
            if v.get("explicit_max_ttl") is None:
                if v.get("period") is not None:
                    problems.append("a period without explicit_max_ttl: it can be renewed forever")
                elif v.get("ttl") is None:
                    problems.append("no ttl and no explicit_max_ttl: it takes the default lifetime and renews")
            if not problems:
                continue
            if v.get("no_parent") is True:
                problems.append("and it is an orphan (no_parent = true), so revoking its parent leaves it alive")
            yield ctx.finding(self, at=res, key="lifetime", message=f"{res.address} has {'; '.join(problems)}")
