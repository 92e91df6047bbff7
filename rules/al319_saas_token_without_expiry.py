from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext
from agentlint.values import first_block

TFE_TOKENS = ("tfe_team_token", "tfe_organization_token", "tfe_audit_trail_token")


class SaasTokenWithoutExpiry(Rule):
    """
    ## What it does
    Flags platform tokens created without an expiry: HCP Terraform / Terraform Enterprise team, organization and
    audit-trail tokens without `expired_at` ("the token will expire 24 months from creation"), and Teleport
    provision (join) tokens of the `token` join method without `metadata.expires`.

    ## Why is this bad?
    These tokens are bearer secrets stored in Terraform state and handed to automation: an HCP Terraform team token
    can run plans and applies (and read state, with every secret in it) for all the team's workspaces; a Teleport
    join token lets any machine join the cluster with the token's roles, bots included.

    ## Example
    ```hcl
    resource "tfe_team_token" "agents" {
      team_id = tfe_team.agents.id
    }
    ```

    ## Fix
    Set `expired_at` (days, not years) and rotate; for agents, prefer HCP Terraform's dynamic workload credentials
    and Teleport's delegated join methods (`iam`, `github`, `kubernetes`) over shared tokens.
    """

    id = "AL319"
    name = "saas-token-without-expiry"
    title = "Platform token (HCP Terraform, Teleport) without an expiry"
    category = "long-lived-credential"
    severity = Severity.HIGH
    fix = "Set an expiry (expired_at, metadata.expires) and rotate, or use a delegated join / dynamic credentials."

    def check(self, ctx: RuleContext):
        for res in ctx.graph.model.resources:
            if res.mode != "managed":
                continue
            v = res.values
            if res.type in TFE_TOKENS and v.get("expired_at") is None:
                yield ctx.finding(self, at=res, key="tfe", message=(
                    f"{res.address} has no expired_at: HCP Terraform keeps it valid for 24 months"))
            elif res.type == "teleport_provision_token":
                spec = first_block(v.get("spec"))
                method = spec.get("join_method", "token")
                expires = first_block(v.get("metadata")).get("expires")
                if method in (None, "token") and expires is None:
                    yield ctx.finding(self, at=res, key="teleport", message=(
                        f"{res.address} is a shared-secret join token (join_method token) with no metadata.expires: "
                        "it never expires"))
