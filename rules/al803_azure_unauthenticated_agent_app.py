from __future__ import annotations

from typing import Optional

from agentlint.graph.azure import PRIVILEGED_ROLES
from agentlint.graph.schema import Rel
from agentlint.model import Confidence, Resource, Severity, TraceStep
from agentlint.rule import Ranking, Rule, RuleContext, describe_identity
from agentlint.values import blocks, first_block, refs_in

APP_SERVICE_TYPES = ("azurerm_linux_function_app", "azurerm_windows_function_app", "azurerm_linux_web_app",
                     "azurerm_windows_web_app", "azurerm_function_app", "azurerm_app_service")
FUNCTION_TYPES = ("azurerm_linux_function_app", "azurerm_windows_function_app", "azurerm_function_app")
# Container Apps authentication is its own child resource, written with azapi (azurerm has none).
CONTAINER_APP_AUTH = "Microsoft.App/containerApps/authConfigs"


class AzureUnauthenticatedAgentApp(Rule):
    """
    ## What it does
    Flags Azure apps that run AI agents and take requests from the internet with no built-in authentication:

    - an `azurerm_container_app` with `ingress { external_enabled = true }` and no
      `Microsoft.App/containerApps/authConfigs` child (`azapi_resource` whose `parent_id` is the app) with
      `platform.enabled = true`;
    - a Function App or Web App (`azurerm_linux_function_app`, `azurerm_windows_function_app`,
      `azurerm_linux_web_app`, `azurerm_windows_web_app`, and the legacy `azurerm_function_app` /
      `azurerm_app_service`) with `public_network_access_enabled` not `false` and neither
      `auth_settings { enabled = true }` nor `auth_settings_v2 { auth_enabled = true }` requiring
      authentication (`require_authentication = true` or an `unauthenticated_action` other than
      `AllowAnonymous`).

    The finding is **high**; it is **critical** when the app's managed identity holds Owner, Contributor, User
    Access Administrator or Role Based Access Control Administrator, with the role assignment in the path. A
    Function App may still check function keys in its code: that finding has medium confidence.

    Follows the hashicorp/azurerm provider 3.x and 4.x schemas and the azapi 1.x/2.x `azapi_resource`.

    ## Why is this bad?
    Anyone who finds the app's URL can send the agent instructions, and the agent acts on them with its managed
    identity. Built-in authentication (Easy Auth) stops anonymous calls before they reach the agent.

    ## Example
    ```hcl
    resource "azurerm_container_app" "agent" {
      ingress {
        external_enabled = true
        target_port      = 8080
      }
    }
    ```

    ## Fix
    Turn on built-in authentication with an identity provider (Microsoft Entra ID) and `require_authentication`,
    or make the ingress internal (`external_enabled = false`, `public_network_access_enabled = false`) and call
    the agent from inside the network.
    """

    id = "AL803"
    name = "azure-unauthenticated-agent-app"
    title = "Agent app on Azure reachable without authentication"
    category = "unauthenticated-endpoint"
    severity = Severity.HIGH
    ranking = Ranking.FIXED  # every finding names an agent; critical is decided from the identity's roles
    fix = "Enable built-in authentication (auth_settings_v2 / authConfigs) or make the ingress internal."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        protected = _container_apps_with_auth(ctx)
        for app in ctx.managed("azurerm_container_app"):
            ingress = first_block(app.values.get("ingress"))
            if ingress.get("external_enabled") is not True or g.nid(app) in protected:
                continue
            yield from self._report(ctx, app, ingress.get("__line__") or app.line_of("ingress"),
                                    "has external ingress and no authentication configuration (authConfigs)")
        for app in ctx.managed(*APP_SERVICE_TYPES):
            if app.values.get("public_network_access_enabled") is False or _app_service_auth(app):
                continue
            anonymous = any(v2.get("auth_enabled") is True for v2 in blocks(app.values.get("auth_settings_v2"))) \
                or first_block(app.values.get("auth_settings")).get("enabled") is True
            how = ("is reachable from the internet and its built-in authentication lets anonymous callers through"
                   if anonymous else "is reachable from the internet with built-in authentication off (no "
                   "auth_settings or auth_settings_v2 requiring it)")
            yield from self._report(ctx, app, None, how,
                                    Confidence.MEDIUM if app.type in FUNCTION_TYPES else None)

    def _report(self, ctx: RuleContext, app: Resource, line: Optional[int], how: str,
                confidence: Optional[Confidence] = None):
        g = ctx.graph
        node = g.nid(app)
        if node not in g.agents:
            return
        identities = [e.target for e in g.edges_out(node, Rel.RUNS_AS)]
        power = next((p for p in (_privileged(g, i) for i in identities) if p is not None), None)
        identity = power[0] if power else (identities[0] if identities else None)
        message = f"agent {app.address} {how}: anyone who can reach its URL can drive it"
        if identity is not None:
            message += f", acting as {describe_identity(g, identity)}"
        if power is not None:
            message += f", which holds {power[1]}"
        if confidence is Confidence.MEDIUM:
            message += " (function keys checked in the function's code, if any, are not visible here)"
        found = ctx.finding(self, at=app, line=line, message=message, identity=identity, key="unauthenticated",
                            confidence=confidence, trace_tail=power[2] if power else None, subject=node)
        rest = next((i for i, s in enumerate(found.trace) if s.role == "identity"), len(found.trace))
        found.trace[:rest] = [TraceStep(role="agent", address=app.address, path=app.path,
                                        line=line or app.start_line)]
        if power is not None:
            found.severity = Severity.CRITICAL
        if not found.agents:
            found.agents = [app.address]
        yield found


def _container_apps_with_auth(ctx: RuleContext) -> set[str]:
    g = ctx.graph
    out = set()
    for res in ctx.managed("azapi_resource"):
        rtype = res.values.get("type")
        if not isinstance(rtype, str) or rtype.split("@", 1)[0] != CONTAINER_APP_AUTH:
            continue
        body = res.values.get("body")
        platform = body.get("properties", {}).get("platform", {}) if isinstance(body, dict) else {}
        if isinstance(platform, dict) and platform.get("enabled") is False:
            continue
        for ref in refs_in(res.values.get("parent_id")):
            target = g.lookup(res.stack, ref.address)
            if target is not None and target.type == "azurerm_container_app":
                out.add(g.nid(target))
    return out


def _app_service_auth(app: Resource) -> bool:
    v1 = first_block(app.values.get("auth_settings"))
    if v1.get("enabled") is True and v1.get("unauthenticated_client_action") != "AllowAnonymous":
        return True
    for v2 in blocks(app.values.get("auth_settings_v2")):
        if v2.get("auth_enabled") is True and (v2.get("require_authentication") is True or v2.get(
                "unauthenticated_action") not in (None, "AllowAnonymous")):
            return True
    return False


def _privileged(g, identity: str):
    for e in g.edges_out(identity, Rel.AZURE_ASSIGNMENT):
        builtin = (g.node(e.target).builtin or "").lower()
        if builtin in PRIVILEGED_ROLES:
            via = e.via
            step = TraceStep(role="assignment", address=via.address if via else g.address_of(e.target),
                             path=via.path if via else None, line=via.start_line if via else None,
                             note=f"{g.node(e.target).builtin} on {e.scope}")
            return identity, f"{g.node(e.target).builtin} on {e.scope}", [step]
    return None
