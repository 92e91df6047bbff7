from __future__ import annotations


from agentlint.graph.paths import AgentPath
from agentlint.model import Confidence, Resource, Severity
from agentlint.rule import CentralLoggingOptions, Ranking, Rule, RuleContext
from agentlint.values import blocks, refs_in

ACCOUNT_TYPES = ("azurerm_cognitive_account", "azurerm_ai_foundry", "azurerm_ai_services")
LOG_CATEGORIES = {"audit", "requestresponse"}
LOG_GROUPS = {"alllogs", "audit"}


class AzureAiDiagnosticsMissing(Rule):
    """
    ## What it does
    Flags Azure AI accounts used by agents (`azurerm_cognitive_account`, `azurerm_ai_services`,
    `azurerm_ai_foundry`: the parent of an AI Foundry / Agent Service project, or an account an agent workload
    refers to) when no `azurerm_monitor_diagnostic_setting` in the scanned code targets the account
    (`target_resource_id`) with its audit or request logs: an `enabled_log` with `category` `Audit` or
    `RequestResponse`, or `category_group` `allLogs` or `audit` (or the azurerm 3.x `log` block).

    **Opt-in**, like the other missing-audit rules: diagnostic settings are often deployed by Azure Policy
    (DeployIfNotExists) outside the repository, so the rule runs only when selected (`--select AL703`) or enabled
    (`[rules.AL703] enabled = true`); its confidence is low and the message says why.
    `[rules.AL703.options] central-logging = true` declares the settings are deployed centrally.

    Follows the hashicorp/azurerm provider 3.x and 4.x schemas.

    ## Why is this bad?
    Without the account's audit and request/response logs, nobody can tell which agent called which model
    deployment, with what, and when; a prompt-injected agent leaves no trace of what it was made to do.

    ## Example
    ```hcl
    resource "azurerm_cognitive_account" "foundry" {
      kind     = "AIServices"
      sku_name = "S0"
    }
    # ...and no azurerm_monitor_diagnostic_setting with target_resource_id = azurerm_cognitive_account.foundry.id
    ```

    ## Fix
    Add an `azurerm_monitor_diagnostic_setting` for the account that sends `category_group = "allLogs"` (or
    `Audit` and `RequestResponse`) to a Log Analytics workspace or storage account.
    """

    id = "AL703"
    name = "azure-ai-diagnostics-missing"
    title = "Azure AI account used by agents without audit diagnostic logs"
    category = "missing-audit"
    severity = Severity.MEDIUM
    confidence = Confidence.LOW
    ranking = Ranking.FIXED  # every finding names the agents that use the account
    enabled_by_default = False
    fix = "Add an azurerm_monitor_diagnostic_setting sending allLogs (Audit, RequestResponse) for the account."

    Options = CentralLoggingOptions

    def check(self, ctx: RuleContext):
        if self.options.central_logging:
            return
        g = ctx.graph
        logged = _logged_accounts(ctx)
        users = _accounts_used_by_agents(ctx)
        for account in ctx.managed(*ACCOUNT_TYPES):
            node = g.nid(account)
            if node not in users or account.address in logged.get(account.stack, set()):
                continue
            agents = sorted(users[node])
            yield ctx.finding(
                self, at=account, key="diagnostics", confidence=Confidence.LOW,
                extra_agents=[AgentPath(a, [a]) for a in agents],
                message=(f"{account.address}, used by agent{'s' if len(agents) > 1 else ''} "
                         f"{', '.join(g.address_of(a) for a in agents)}, has no diagnostic setting in the scanned code "
                         "sending its audit or request logs anywhere: which agent called which model, with what, is "
                         "not recorded unless a setting is deployed outside this code (Azure Policy; declare it with "
                         "`central-logging = true` if so)"))


def _logged_accounts(ctx: RuleContext) -> dict[str, set[str]]:
    g = ctx.graph
    out: dict[str, set[str]] = {}
    for diag in ctx.managed("azurerm_monitor_diagnostic_setting"):
        if not _sends_audit_logs(diag):
            continue
        for ref in refs_in(diag.values.get("target_resource_id")):
            target = g.lookup(diag.stack, ref.address)
            if target is not None:
                out.setdefault(diag.stack, set()).add(target.address)
    return out


def _sends_audit_logs(diag: Resource) -> bool:
    for log in blocks(diag.values.get("enabled_log")) + blocks(diag.values.get("log")):
        if log.get("enabled") is False:
            continue
        category, group = log.get("category"), log.get("category_group")
        if (isinstance(category, str) and category.lower() in LOG_CATEGORIES) or (
                isinstance(group, str) and group.lower() in LOG_GROUPS):
            return True
    return False


def _accounts_used_by_agents(ctx: RuleContext) -> dict[str, set[str]]:
    """Account node -> agent nodes: the agent is the account, a project under it, or refers to it."""
    g = ctx.graph
    out: dict[str, set[str]] = {}
    for agent in g.agents:
        res = g.resource_of(agent)
        if res is None:
            continue
        if res.type in ACCOUNT_TYPES:
            out.setdefault(agent, set()).add(agent)
            continue
        for ref in refs_in(res.values):
            target = g.lookup(res.stack, ref.address)
            if target is not None and target.type in ACCOUNT_TYPES and target.mode == "managed":
                out.setdefault(g.nid(target), set()).add(agent)
    return out
