from __future__ import annotations

from typing import Any


from agentlint.graph.paths import AgentPath
from agentlint.graph.schema import Rel
from agentlint.model import Confidence, Resource, Severity
from agentlint.rule import CentralLoggingOptions, Ranking, Rule, RuleContext
from agentlint.values import Unknown, blocks, refs_in

AUDIT_TYPES = {"google_project_iam_audit_config": "project", "google_folder_iam_audit_config": "folder",
               "google_organization_iam_audit_config": "organization"}
SERVICES = ("aiplatform.googleapis.com", "allServices")
DATA_LOG_TYPES = ("DATA_READ", "DATA_WRITE")


class VertexDataAccessLoggingMissing(Rule):
    """
    ## What it does
    Flags Google Cloud agent workloads (a Vertex AI Agent Engine, or any Cloud Run service, function, VM or GKE
    workload agentlint knows as an agent) when the scanned code either

    - has no Data Access audit logging (`DATA_READ` or `DATA_WRITE`) for `aiplatform.googleapis.com` or
      `allServices` in any `google_project_iam_audit_config`, `google_folder_iam_audit_config` or
      `google_organization_iam_audit_config`: one finding per root module on its first agent, confidence **low**
      (audit configuration is often set on the folder or organisation from another repository; the message says
      so, and `[rules.AL702.options] central-logging = true` declares it is), or
    - lists the agent's own service account in that configuration's `exempted_members`: the finding points at
      the exemption, confidence high.

    Follows the hashicorp/google provider 5.x and 6.x schemas (`service`, `audit_log_config { log_type,
    exempted_members }`).

    **Opt-in**: the setting is account-wide and most repositories do not own it, so the rule runs only when
    selected (`--select AL702`, `select = ["AL702"]`) or enabled (`[rules.AL702] enabled = true`).

    ## Why is this bad?
    Data Access audit logs are off by default for Vertex AI. Without them nobody can tell which models an agent
    called, with what, and on which data; exempting the agent's own service account removes exactly the caller
    an investigation needs.

    ## Example
    ```hcl
    resource "google_project_iam_audit_config" "vertex" {
      project = var.project_id
      service = "aiplatform.googleapis.com"
      audit_log_config {
        log_type         = "DATA_READ"
        exempted_members = ["serviceAccount:${google_service_account.agent.email}"]
      }
    }
    ```

    ## Fix
    Enable `DATA_READ` and `DATA_WRITE` audit logs for `aiplatform.googleapis.com` on the project (or folder or
    organisation) the agents run in, and exempt no agent service account.
    """

    id = "AL702"
    name = "vertex-data-access-logging-missing"
    title = "Google Cloud agents without Vertex AI Data Access audit logs"
    category = "missing-audit"
    severity = Severity.MEDIUM
    confidence = Confidence.LOW
    ranking = Ranking.FIXED  # every finding names the agents it is about
    enabled_by_default = False
    fix = ("Enable DATA_READ/DATA_WRITE audit logs for aiplatform.googleapis.com and exempt no agent service "
           "account, or set central-logging = true when it is configured centrally.")

    Options = CentralLoggingOptions

    def check(self, ctx: RuleContext):
        g = ctx.graph
        agents = [(node, g.resource_of(node)) for node in sorted(g.agents)
                  if g.resource_of(node) is not None and g.resource_of(node).type.startswith("google_")]
        if not agents:
            return
        configs = [res for res in ctx.managed(*AUDIT_TYPES)
                   if res.values.get("service") in SERVICES and _data_logs(res)]
        accounts = {}
        for node, res in agents:
            for e in g.edges_out(node, Rel.RUNS_AS):
                accounts.setdefault(e.target, []).append(node)
        for cfg in configs:
            for block in _data_logs(cfg):
                for member in _list(block.get("exempted_members")):
                    for account in _accounts(ctx, cfg.stack, member):
                        if account not in accounts:
                            continue
                        users = accounts[account]
                        yield ctx.finding(
                            self, at=cfg, line=block.get("__line__") or cfg.line_of("audit_log_config"),
                            key=f"exempted:{g.address_of(account)}:{block.get('log_type')}",
                            confidence=Confidence.HIGH, identity=account,
                            message=(f"{cfg.address} exempts {g.address_of(account)}, the service account of agent "
                                     f"{', '.join(g.address_of(u) for u in users)}, from {block.get('log_type')} "
                                     f"audit logs of {cfg.values.get('service')}: its model calls are not recorded"))
        if configs or self.options.central_logging:
            return
        by_stack: dict[str, list[tuple[str, Resource]]] = {}
        for node, res in agents:
            by_stack.setdefault(res.stack, []).append((node, res))
        for stack, found in by_stack.items():
            names = ", ".join(res.address for _, res in found[:5])
            more = f" and {len(found) - 5} more" if len(found) > 5 else ""
            yield ctx.finding(
                self, at=found[0][1], key="data-access-logging", confidence=Confidence.LOW,
                extra_agents=[AgentPath(node, [node]) for node, _ in found],
                message=(f"no Data Access audit logging for aiplatform.googleapis.com in the scanned code for agent"
                         f"{'s' if len(found) > 1 else ''} {names}{more}: which models "
                         f"{'they call' if len(found) > 1 else 'it calls'}, with what, is not recorded unless it is "
                         "configured outside this code (on the project, folder or organisation; declare it with `central-logging = true` if so)"))


def _data_logs(res: Resource) -> list[dict]:
    return [b for b in blocks(res.values.get("audit_log_config")) if b.get("log_type") in DATA_LOG_TYPES]


def _list(value: Any) -> list:
    return value if isinstance(value, list) else [value] if value is not None else []


def _accounts(ctx: RuleContext, stack: str, member: Any) -> list[str]:
    """The service-account nodes an exempted member names: by reference, or by `serviceAccount:EMAIL`."""
    g = ctx.graph
    out = []
    for ref in refs_in(member):
        res = g.lookup(stack, ref.address)
        if res is not None and res.type == "google_service_account" and g.has(g.nid(res)):
            out.append(g.nid(res))
    if isinstance(member, str) and not isinstance(member, Unknown) and member.startswith("serviceAccount:"):
        account_id = member.split(":", 1)[1].split("@", 1)[0]
        out += [g.nid(r) for r in ctx.managed("google_service_account")
                if r.stack == stack and r.values.get("account_id") == account_id and g.has(g.nid(r))]
    return out
