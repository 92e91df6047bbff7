from __future__ import annotations

from agentlint.graph.azure import PRIVILEGED_ROLES
from agentlint.graph.schema import NodeKind, Rel
from agentlint.iam.azure_roles import MANAGEMENT, management_actions, permissions
from agentlint.model import Confidence, Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, describe_identity, scope_phrase


class AzurePrivilegedRole(Rule):
    """
    ## What it does
    Flags `azurerm_role_assignment` resources that give Owner, Contributor, User Access Administrator or Role Based
    Access Control Administrator (by name or by role definition ID), or a custom role whose actions include `*` or
    `Microsoft.Authorization/*`, to any principal. The scope is named (management group, subscription, resource
    group, resource); an assignment to the managed identity of an agent (a Container App, Function or Web App, AI
    Foundry project, VM... system- or user-assigned) names the agent and ranks higher. An assignment with an ABAC
    `condition` is reported with medium confidence. Any other role, built-in (agentlint ships Azure's definitions)
    or custom, is judged by its actions minus its NotActions: one that can write role assignments or role
    definitions (`Microsoft.Authorization/roleDefinitions/write`: the holder can rewrite its own role to `*`) or
    list storage account keys (`listKeys/action`) is reported, naming the action.

    ## Why is this bad?
    Owner and the access administrators can grant themselves anything; Contributor can change or delete every
    resource in the scope and read storage-account and Cognitive Services keys. An agent's identity with one of
    them is an administrator that takes instructions from its input.

    ## Example
    ```hcl
    resource "azurerm_role_assignment" "agent" {
      scope                = azurerm_resource_group.agents.id
      role_definition_name = "Contributor"
      principal_id         = azurerm_container_app.agent.identity[0].principal_id
    }
    ```

    ## Fix
    Assign the data-plane and service roles the agent uses (`Cognitive Services OpenAI User`, `Storage Blob Data
    Reader` on one account), at the resource, not the resource group or subscription.
    """

    id = "AL208"
    name = "azure-privileged-role"
    title = "Azure Owner, Contributor or access-administrator role assigned"
    category = "admin-access"
    severity = Severity.CRITICAL
    fix = "Assign narrow service and data roles at the resource the identity uses."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for edge in g.relations(Rel.AZURE_ASSIGNMENT):
            principal, role = edge.source, g.node(edge.target)
            builtin = role.builtin
            if builtin in PRIVILEGED_ROLES:
                what = PRIVILEGED_ROLES[builtin]
            else:
                actions = (role.permissions or {}).get("actions")
                wild = [a for a in actions if a in ("*", "Microsoft.Authorization/*")] if isinstance(actions, list) else []
                # Other roles by their actions: built-in ones from the shipped catalogue, custom ones as written.
                perms = None if wild else permissions(builtin, role.permissions)
                held = management_actions(perms)
                if not wild and not held:
                    continue
                kind = f"built-in role {perms['name']}" if builtin else f"custom role {role.address}"
                what = (f"custom role {role.address} with actions {', '.join(repr(a) for a in wild)}" if wild else
                        f"{kind}, which can " + "; ".join(f"{MANAGEMENT[a]} ({a})" for a in held))
            via = edge.via
            is_principal = g.node(principal).kind == NodeKind.PRINCIPAL
            who = (f"{describe_identity(g, principal)}{agents_phrase(g, principal)}" if is_principal
                   else f"principal {g.address_of(principal)}")
            yield ctx.finding(self, at=via, identity=principal if is_principal else None, key=f"{role.address}",
                              confidence=Confidence.MEDIUM if edge.conditioned else None, trace_tail=ctx.grant_steps(
                                  via, role.builtin or role.address, g.resource_of(edge.target),
                                  f"on {scope_phrase(edge.scope)}"),
                              message=(f"{who} is assigned {what} on {scope_phrase(edge.scope)} by {via.address}"))
