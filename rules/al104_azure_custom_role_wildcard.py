from __future__ import annotations

from agentlint.graph.schema import Rel
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext
from agentlint.values import first_block


class AzureCustomRoleWildcard(Rule):
    """
    ## What it does
    Flags `azurerm_role_definition` resources whose `permissions.actions` (or `data_actions`) contain `*`, a whole
    provider (`Microsoft.Storage/*`) or `Microsoft.Authorization/*`. The finding names the agents whose identities
    are assigned the role.

    ## Why is this bad?
    `*` is Owner under another name; `Microsoft.Authorization/*` can create role assignments, so it can grant
    anything; a whole-provider wildcard includes every delete, key listing and future action of that provider.

    ## Example
    ```hcl
    permissions {
      actions = ["Microsoft.CognitiveServices/*"]
    }
    ```

    ## Fix
    List the operations the agent calls (`Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action`
    as a data action, for instance).
    """

    id = "AL104"
    name = "azure-custom-role-wildcard"
    title = "Azure custom role with wildcard actions"
    category = "wildcard-scope"
    severity = Severity.HIGH
    fix = "List the operations the role needs instead of '*' or 'Provider/*'."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for res in ctx.managed("azurerm_role_definition"):
            perms = first_block(res.values.get("permissions"))
            wild = []
            for attr in ("actions", "data_actions"):
                items = perms.get(attr)
                for a in items if isinstance(items, list) else []:
                    if isinstance(a, str) and (a == "*" or a.endswith("/*") and a.count("/") == 1):
                        wild.append(f"{attr} {a!r}")
            if not wild:
                continue
            agents = [p for e in g.edges_in(g.nid(res), Rel.AZURE_ASSIGNMENT) for p in g.agent_paths(e.source)]
            yield ctx.finding(self, at=res, line=res.line_of("permissions"), key="wildcard", extra_agents=agents,
                              message=f"custom role {res.address} grants {', '.join(wild)}")
