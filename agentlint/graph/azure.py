"""Azure in the identity graph: workloads with `identity {}` -> managed identities (system-assigned: the workload's
own, user-assigned: `azurerm_user_assigned_identity`) -> role assignments (role, scope).

Facts from the azurerm / azuread provider docs as recorded in `shared/notes/identity-catalog.md` sections 1.4 and
2.3 (the `identity { type, identity_ids }` block; `azurerm_role_assignment{scope, role_definition_name |
role_definition_id, principal_id}`; built-in role IDs as seen in azurerm's tests).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from agentlint.graph import kubernetes
from agentlint.model import Resource
from agentlint.values import Unknown, display, first_block, refs_in, structured

if TYPE_CHECKING:
    from agentlint.graph.build import IdentityGraph

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


# The azure identity type that holds grants (a node of kind principal).
PRINCIPAL_TYPES = ("azurerm_user_assigned_identity",)


# -- wiring ----------------------------------------------------------------------------------------------

def build(b: "IdentityGraph", resources: list[Resource]) -> None:
    """Azure workloads -> managed identities (system- and user-assigned), and role assignments as edges from
    each identity to a role node (built-in by name or ID, or a custom role definition)."""
    for res in resources:
        if res.mode != "managed" or res.type not in IDENTITY_WORKLOADS:
            continue
        block = identity_block(res.type, res.values)
        if not block and res.type == "azapi_resource":
            continue
        node = b._add(res, "workload")
        types = identity_types(block)
        if "systemassigned" in types:
            b.store.add_edge(node, system_identity(b, res), rel="runs_as", attr="identity", via=None)
        if "userassigned" in types:
            for target in identities(b, res.stack, block.get("identity_ids")):
                b.store.add_edge(node, target, rel="runs_as", attr="identity.identity_ids", via=None)
    for res in resources:  # AKS workload identity: the KSA acts as the managed identity whose client ID it names
        if res.mode == "managed" and res.type in kubernetes.K8S_SERVICE_ACCOUNT_TYPES:
            value = kubernetes.annotation(res, AKS_ANNOTATION)
            for target in identities(b, res.stack, value) if value is not None else []:
                b.store.add_edge(b._add(res, "workload"), target, rel="assumes",
                                attr=f"metadata.annotations[{AKS_ANNOTATION}]", via=None)
    for res in resources:
        if res.mode == "managed" and res.type == "azurerm_role_definition":
            node = b._add(res, "azure_role")
            b.store.nodes[node]["permissions"] = first_block(res.values.get("permissions"))
    for res in resources:
        if res.mode != "managed" or res.type != "azurerm_role_assignment":
            continue
        role = role_node(b, res)
        if role is None:
            continue
        for principal in principal_nodes(b, res.stack, res.values.get("principal_id")):
            b.store.add_edge(principal, role, rel="azure_assignment", via=res,
                            scope=scope_of(b, res.stack, res.values.get("scope")),
                            conditioned=bool(res.values.get("condition")))


def system_identity(b: "IdentityGraph", res: Resource) -> str:
    node = f"{b.nid(res)}#system-identity"
    if node not in b.store:
        b.store.add_node(node, kind="principal", address=f"{res.address} (system-assigned identity)",
                        rtype="azure_system_identity", resource=None, stack=res.stack, owner=res)
    return node


def identities(b: "IdentityGraph", stack: str, value: Any) -> list[str]:
    """User-assigned identities a value names: `azurerm_user_assigned_identity` resources, or data sources of
    one defined elsewhere (a node of their own that workloads and role assignments meet at)."""
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and item:
            # A resource ID (`.../userAssignedIdentities/<name>`) or a client ID: the identity of that name in
            # the scanned code (resource or data source), else one node for the literal.
            name = item.rstrip("/").rsplit("/", 1)[-1]
            found = [r for r in b.model.resources if r.stack == stack
                     and r.type == "azurerm_user_assigned_identity" and "/userassignedidentities/" in item.lower()
                     and b.resolve(stack, r.values.get("name")) == name]
            out.append(b._add(found[0], "principal") if found
                       else b._external(stack, "azure_principal", item, "azurerm_user_assigned_identity"))
            continue
        for ref in refs_in(item):
            res = b.lookup(stack, ref.address)
            if res is not None and res.type == "azurerm_user_assigned_identity":
                out.append(b._add(res, "principal"))
    return out


def principal_nodes(b: "IdentityGraph", stack: str, value: Any, _depth: int = 0) -> list[str]:
    """`azurerm_user_assigned_identity.x.principal_id` (resource or data source), the system-assigned identity
    of a workload (`<workload>.identity[0].principal_id`; azapi: `output.identity.principalId`, or
    `jsondecode(<azapi>.output).identity.principalId` with azapi v1), or an ID."""
    if isinstance(value, Unknown):
        found = b.reference(stack, value)
        if found is not None:
            res, ref = found
            if res.type == "azurerm_user_assigned_identity" and ref.attr == ("principal_id",):
                return [b._add(res, "principal")]
            if res.mode == "managed" and res.type in IDENTITY_WORKLOADS and \
                    ref.attr in SYSTEM_IDENTITY_PRINCIPAL:
                return [system_identity(b, res)]
        out = []
        for ref in value.refs:
            res = b.lookup(stack, ref.address)
            if res is None:
                continue
            if res.type == "azurerm_user_assigned_identity":
                out.append(b._add(res, "principal"))
            elif res.mode == "managed" and res.type in IDENTITY_WORKLOADS and (
                    ref.attr.startswith("identity") or ref.attr.startswith("output.identity")):
                out.append(system_identity(b, res))
        if out:
            return out
        resolved = b.resolve(stack, value)
        if resolved is not value and isinstance(resolved, (str, Unknown)) and _depth < 4:
            return principal_nodes(b, stack, resolved, _depth + 1)
        return [b._external(stack, "azure_principal", display(value), "unresolved")]
    if isinstance(value, str) and value:
        return [b._external(stack, "azure_principal", value, "azure_principal")]
    return []


def role_node(b: "IdentityGraph", res: Resource) -> Optional[str]:
    for ref in refs_in(res.values.get("role_definition_id")):
        target = b.lookup(res.stack, ref.address)
        if target is not None and target.type == "azurerm_role_definition" and b.nid(target) in b.store:
            return b.nid(target)
    name = role_name(res.values)
    if name is None:
        return None
    node = f"{res.stack}::azure-role:{name}"
    if node not in b.store:
        b.store.add_node(node, kind="azure_role", address=name, rtype="azure_builtin_role", resource=None,
                        stack=res.stack, builtin=name)
    return node


def scope_of(b: "IdentityGraph", stack: str, value: Any) -> str:
    """'resource group azurerm_resource_group.agents', 'subscription ...', or the phrase for a literal scope."""
    if isinstance(value, Unknown):
        for ref in value.refs:
            target = b.lookup(stack, ref.address)
            kind = SCOPE_TYPES.get(target.type, "resource") if target is not None else "resource"
            return f"{kind} {ref.address}"
    return scope_phrase(value)
