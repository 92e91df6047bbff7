from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext


class VaultApproleUnbounded(Rule):
    """
    ## What it does
    Flags `vault_approle_auth_backend_role` resources whose SecretIDs never expire (`secret_id_ttl` unset or 0),
    can be used without limit from anywhere (`secret_id_num_uses` unset or 0 and no `secret_id_bound_cidrs`), or
    are not needed at all (`bind_secret_id = false`: the RoleID alone logs in).

    ## Why is this bad?
    An AppRole SecretID is the password of a machine identity. One that never expires and works from any address
    is a long-lived key to everything the role's token policies allow, typically copied into an agent's
    environment.

    ## Example
    ```hcl
    resource "vault_approle_auth_backend_role" "agent" {
      role_name      = "agent"
      token_policies = ["agent-read"]
    }
    ```

    ## Fix
    `secret_id_ttl = 3600`, `secret_id_num_uses = 1` (response-wrapped delivery), `secret_id_bound_cidrs` and
    `token_bound_cidrs` for the agent's network, short `token_ttl` / `token_max_ttl`.
    """

    id = "AL317"
    name = "vault-approle-unbounded"
    title = "Vault AppRole SecretIDs never expire or are not required"
    category = "long-lived-credential"
    # Its findings are about a resource, never an identity an agent uses: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Set secret_id_ttl, secret_id_num_uses and bound CIDRs; keep bind_secret_id on."

    def check(self, ctx: RuleContext):
        for res in ctx.managed("vault_approle_auth_backend_role"):
            v = res.values
            problems = []
            if v.get("bind_secret_id") is False:
                problems.append("bind_secret_id = false: the RoleID alone logs in")
            else:
                if v.get("secret_id_ttl") in (None, 0, "0"):
                    problems.append("SecretIDs never expire (secret_id_ttl unset or 0)")
                if v.get("secret_id_num_uses") in (None, 0, "0") and not v.get("secret_id_bound_cidrs"):
                    problems.append("SecretIDs have unlimited uses from any address")
            if problems:
                yield ctx.finding(self, at=res, key="approle", message=f"{res.address}: {'; '.join(problems)}")
