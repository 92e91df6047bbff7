"""Azure in the identity graph: workloads with `identity {}` -> managed identities (system-assigned: the workload's
own, user-assigned: `azurerm_user_assigned_identity`) -> role assignments (role, scope).

Facts from the azurerm / azuread provider docs as recorded in `shared/notes/identity-catalog.md` sections 1.4 and
2.3 (the `identity { type, identity_ids }` block; `azurerm_role_assignment{scope, role_definition_name |
role_definition_id, principal_id}`; built-in role IDs as seen in azurerm's tests).
"""

from __future__ import annotations

from typing import Any, Optional

from agentlint.values import first_block, structured

# Resource types whose `identity {}` block gives the workload a managed identity.
IDENTITY_WORKLOADS = (
    "azurerm_container_app", "azurerm_linux_function_app", "azurerm_windows_function_app", "azurerm_linux_web_app",
    "azurerm_windows_web_app", "azurerm_function_app", "azurerm_app_service", "azurerm_kubernetes_cluster",
    "azurerm_cognitive_account", "azurerm_cognitive_account_project", "azurerm_ai_foundry",
    "azurerm_ai_foundry_project", "azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine",
    "azurerm_machine_learning_workspace", "azurerm_container_group", "azurerm_logic_app_standard",
    "azurerm_automation_account", "azapi_resource",
)

# Attribute paths of a workload that hold its system-assigned identity's principal ID: azurerm's computed
# `identity[0].principal_id`, and azapi's `output.identity.principalId` (azapi v2 `output` is an object; v1 wrote
# `jsondecode(azapi_resource.x.output).identity.principalId`, the same path once decoded).
SYSTEM_IDENTITY_PRINCIPAL = {("identity", "principal_id"), ("output", "identity", "principalId")}

AKS_ANNOTATION = "azure.workload.identity/client-id"

# Built-in roles by name and by the GUID at the end of a role definition ID.
PRIVILEGED_ROLES = {
    "owner": "Owner: full control of the scope, role assignments included",
    "contributor": "Contributor: create, change and delete every resource in the scope (and read storage keys)",
    "user access administrator": "User Access Administrator: grant any role in the scope to anyone",
    "role based access control administrator": "Role Based Access Control Administrator: assign roles in the "
                                               "scope",
}
ROLE_IDS = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "user access administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "role based access control administrator",
}


# Resource and data source types whose ID is a scope of their own kind.
SCOPE_TYPES = {"azurerm_resource_group": "resource group", "azurerm_management_group": "management group",
               "azurerm_subscription": "subscription", "azurerm_client_config": "subscription"}


def identity_block(rtype: str, values: dict) -> dict:
    """The `identity` block (for azapi: the top-level block or `body.identity`)."""
    block = first_block(values.get("identity"))
    if not block and rtype == "azapi_resource":
        body = structured(values.get("body"))  # azapi 1.x takes the body as jsonencode({...})
        block = first_block(body.get("identity")) if isinstance(body, dict) else {}
    return block


def identity_types(block: dict) -> set[str]:
    raw = block.get("type")
    if not isinstance(raw, str):
        return set()
    return {t.strip().lower() for t in raw.split(",") if t.strip()}


def role_name(values: dict) -> Optional[str]:
    """The built-in role a role assignment names (lower case), by name or by definition ID."""
    name = values.get("role_definition_name")
    if isinstance(name, str):
        return name.strip().lower()
    rid = values.get("role_definition_id")
    if isinstance(rid, str):
        return ROLE_IDS.get(rid.rstrip("/").rsplit("/", 1)[-1].lower())
    return None


def scope_phrase(scope: Any) -> str:
    """`/providers/Microsoft.Management/managementGroups/x` -> 'management group x', and so on."""
    if not isinstance(scope, str):
        return "a computed scope"
    parts = [p for p in scope.split("/") if p]
    lower = [p.lower() for p in parts]

    def after(segment: str) -> str:
        i = lower.index(segment)
        return parts[i + 1] if len(parts) > i + 1 else ""

    if "managementgroups" in lower:
        return f"management group {after('managementgroups')}".strip()
    if "resourcegroups" in lower:
        if len(parts) > lower.index("resourcegroups") + 2:
            return f"resource {parts[-1]} in resource group {after('resourcegroups')}"
        return f"resource group {after('resourcegroups')}".strip()
    if "subscriptions" in lower:
        return f"subscription {after('subscriptions')}".strip()
    return scope
