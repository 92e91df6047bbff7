from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext
from agentlint.values import blocks, first_block


class GcpApiKeyUnrestricted(Rule):
    """
    ## What it does
    Flags `google_apikeys_key` resources (Gemini and other Google API keys) without `restrictions.api_targets`,
    so the key works for every API enabled in the project, and keys with no application restriction (no
    `server_key_restrictions`, `browser_key_restrictions`, `android_key_restrictions` or `ios_key_restrictions`),
    so it works from anywhere.

    ## Why is this bad?
    An API key is a bearer secret that never expires (`key_string` is also kept in Terraform state). Agents'
    Gemini keys end up in configuration and prompts; an unrestricted one also calls Maps, Translation or any other
    enabled API on the project's bill, from any machine.

    ## Example
    ```hcl
    resource "google_apikeys_key" "gemini" {
      name         = "agent-gemini"
      display_name = "agent gemini key"
    }
    ```

    ## Fix
    ```hcl
    restrictions {
      api_targets { service = "generativelanguage.googleapis.com" }
      server_key_restrictions { allowed_ips = ["203.0.113.10"] }
    }
    ```
    Better, call Vertex AI with the agent's service account instead of a key.
    """

    id = "AL312"
    name = "gcp-api-key-unrestricted"
    title = "Google API key without API or application restrictions"
    category = "long-lived-credential"
    # Its findings are about a resource, never an identity an agent uses: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Restrict the key to the API it calls (api_targets) and to the servers that use it."

    def check(self, ctx: RuleContext):
        for res in ctx.managed("google_apikeys_key"):
            restrictions = first_block(res.values.get("restrictions"))
            missing = []
            if not blocks(restrictions.get("api_targets")):
                missing.append("no api_targets: it works for every API enabled in the project")
            if not any(blocks(restrictions.get(k)) for k in ("server_key_restrictions", "browser_key_restrictions",
                                                             "android_key_restrictions", "ios_key_restrictions")):
                missing.append("no application restriction: it works from any machine")
            if missing:
                yield ctx.finding(self, at=res, key="unrestricted",
                                  message=f"API key {res.address} has {'; and '.join(missing)}")
