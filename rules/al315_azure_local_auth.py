from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext

# type -> (attribute, value that turns key/local auth off, default when unset, what stays usable)
CHECKS = {
    "azurerm_cognitive_account": ("local_auth_enabled", False, True,
                                  "its access keys (Azure OpenAI / AI Services keys) work alongside Entra ID"),
    "azurerm_search_service": ("local_authentication_enabled", False, True, "its admin and query API keys work"),
    "azurerm_container_registry": ("admin_enabled", False, False, "the registry's admin user and passwords work"),
    "azurerm_kubernetes_cluster": ("local_account_disabled", True, False,
                                   "the cluster's local admin account (a static kubeconfig) works"),
}


class AzureLocalAuth(Rule):
    """
    ## What it does
    Flags Azure services that keep key or local-account authentication on, next to Entra ID:
    `azurerm_cognitive_account` (Azure OpenAI, AI Foundry: `local_auth_enabled` defaults to true),
    `azurerm_search_service` (`local_authentication_enabled`, default true), `azurerm_container_registry`
    (`admin_enabled = true`), `azurerm_kubernetes_cluster` (`local_account_disabled` not true), and
    `azapi_resource` Cognitive Services accounts without `disableLocalAuth = true`.

    ## Why is this bad?
    Keys and local accounts bypass the identities and role assignments agentlint checks everywhere else: anyone
    with the key is in, CloudTrail-style attribution is lost, and the keys never expire. Agents' model endpoints
    are where such keys end up pasted.

    ## Example
    ```hcl
    resource "azurerm_cognitive_account" "openai" {
      kind     = "OpenAI"
      sku_name = "S0"
    }
    ```

    ## Fix
    `local_auth_enabled = false` (and give the agent's managed identity `Cognitive Services OpenAI User`);
    `admin_enabled = false`; `local_account_disabled = true` with Entra ID RBAC for the cluster.
    """

    id = "AL315"
    name = "azure-local-auth"
    title = "Azure service keeps key or local-account authentication on"
    category = "long-lived-credential"
    # Its findings are about a resource, never an identity an agent uses: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Turn key/local authentication off and use Entra ID identities and role assignments."

    def check(self, ctx: RuleContext):
        for res in ctx.managed(*CHECKS, "azapi_resource"):
            if res.type in CHECKS:
                attr, off, default, what = CHECKS[res.type]
                value = res.values.get(attr, default)
                if value is None:
                    value = default
                if not isinstance(value, bool) or value == off:
                    continue
                how = f"{attr} = {str(value).lower()}" + ("" if attr in res.attr_lines else " (the default)")
                yield ctx.finding(self, at=res, line=res.line_of(attr), key=attr,
                                  message=f"{res.address}: {how}, so {what}")
            elif res.type == "azapi_resource":
                rtype = res.values.get("type")
                body = res.values.get("body")
                if not (isinstance(rtype, str) and rtype.startswith("Microsoft.CognitiveServices/accounts@")):
                    continue
                props = body.get("properties") if isinstance(body, dict) else None
                disabled = props.get("disableLocalAuth") if isinstance(props, dict) else None
                if disabled is True or (disabled is not None and not isinstance(disabled, bool)):
                    continue
                yield ctx.finding(self, at=res, key="disableLocalAuth", message=(
                    f"{res.address}: properties.disableLocalAuth is not true, so the account's keys work alongside "
                    "Entra ID"))
