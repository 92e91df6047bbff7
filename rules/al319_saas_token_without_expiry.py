from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext
from agentlint.values import first_block

TFE_TOKENS = ("tfe_team_token", "tfe_organization_token", "tfe_audit_trail_token")


class SaasTokenWithoutExpiry(Rule):
    """
    ## What it does
    Flags platform tokens created without an expiry: HCP Terraform / Terraform Enterprise team, organization and
    audit-trail tokens without `expired_at` ("the token will expire 24 months from creation"), and Teleport
    provision (join) tokens of the `token` join method without `metadata.expires`, and Teleport bots whose
    `spec.max_session_ttl` goes beyond Teleport's default 12 hours.

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
    # Its findings are about a resource, never an identity an agent uses: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Set an expiry (expired_at, metadata.expires) and rotate, or use a delegated join / dynamic credentials."

    def check(self, ctx: RuleContext):
        for res in ctx.managed(*TFE_TOKENS, "teleport_provision_token", "teleport_bot"):
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
            elif res.type == "teleport_bot":
                ttl = first_block(v.get("spec")).get("max_session_ttl")
                hours = _hours(ttl)
                if hours is not None and hours > 12:
                    yield ctx.finding(self, at=res, key="teleport-bot", message=(
                        f"{res.address} lets the bot request certificates valid for {ttl} (max_session_ttl; Teleport's "
                        "default cap is 12h)"))


def _hours(value):
    """Go duration ('36h', '90m', '1h30m') -> hours; anything else -> None."""
    import re

    if not isinstance(value, str) or not re.fullmatch(r"(\d+h)?(\d+m)?(\d+s)?", value.strip()) or not value.strip():
        return None
    total = 0.0
    for amount, unit in re.findall(r"(\d+)([hms])", value):
        total += int(amount) / {"h": 1, "m": 60, "s": 3600}[unit]
    return total
