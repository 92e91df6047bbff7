from __future__ import annotations

from agentlint.graph.paths import AgentPath
from agentlint.model import Confidence, Resource, Severity
from agentlint.rule import CentralLoggingOptions, Ranking, Rule, RuleContext
from agentlint.values import Unknown, refs_in

# AgentCore resources that deliver their logs only through CloudWatch Logs vended log delivery.
AGENTCORE_TYPES = {
    "aws_bedrockagentcore_agent_runtime": "AgentCore runtime",
    "awscc_bedrockagentcore_runtime": "AgentCore runtime",
    "aws_bedrockagentcore_gateway": "AgentCore gateway",
    "awscc_bedrockagentcore_gateway": "AgentCore gateway",
}
# Delivery source type -> delivery type (hashicorp/aws `aws_cloudwatch_log_delivery*`, awscc `awscc_logs_delivery*`).
DELIVERY = {"aws_cloudwatch_log_delivery_source": "aws_cloudwatch_log_delivery",
            "awscc_logs_delivery_source": "awscc_logs_delivery"}
# The log type that records what the runtime or gateway was asked to do.
RECORD_LOG_TYPE = "APPLICATION_LOGS"


class AgentCoreLogDeliveryMissing(Rule):
    """
    ## What it does
    Flags an AgentCore runtime or gateway of the scanned code whose logs are delivered nowhere: no
    `aws_cloudwatch_log_delivery_source` names it in `resource_arn` with `log_type = "APPLICATION_LOGS"`, or the
    delivery source exists but no `aws_cloudwatch_log_delivery` pairs it (`delivery_source_name`) with a
    destination. Other log types (`USAGE_LOGS`, `TRACES`) do not count in place of the application logs.

    AgentCore publishes its metrics by default; its application logs (each invocation, each tool call through a
    gateway) reach CloudWatch Logs, S3 or Firehose only through vended log delivery, set up per resource. A
    delivery source whose `resource_arn` the rule cannot tie to a resource (a literal ARN, a variable) counts for
    every AgentCore resource of its root module, so nothing is reported there. Teams that set delivery up outside
    Terraform (the AgentCore starter toolkit, a script) declare it with `[rules.AL704.options] central-logging =
    true`; the confidence is **medium** and the message says so.

    Follows the hashicorp/aws provider 5.x and 6.x schemas (`aws_cloudwatch_log_delivery_source`: `name`,
    `log_type`, `resource_arn`; `aws_cloudwatch_log_delivery`: `delivery_source_name`,
    `delivery_destination_arn`; `aws_bedrockagentcore_agent_runtime` and `aws_bedrockagentcore_gateway` are 6.x
    resources) and the awscc equivalents (`awscc_logs_delivery_source`, `awscc_logs_delivery`).

    **Opt-in**, like AL701-AL703: the rule runs only when selected (`--select AL704`) or enabled
    (`[rules.AL704] enabled = true`).

    ## Why is this bad?
    Without the application logs nobody can reconstruct what the agent was asked, which tools it called through the
    gateway and with what arguments: after a prompt injection there is no record of what the agent was made to do
    with its identity.

    ## Example
    ```hcl
    resource "aws_bedrockagentcore_agent_runtime" "support" {
      agent_runtime_name = "support"
      role_arn           = aws_iam_role.support.arn
      # ...and no aws_cloudwatch_log_delivery_source for it
    }
    ```

    ## Fix
    Add an `aws_cloudwatch_log_delivery_source` with `resource_arn` set to the runtime's `agent_runtime_arn` (or
    the gateway's `gateway_arn`) and `log_type = "APPLICATION_LOGS"`, an `aws_cloudwatch_log_delivery_destination`
    and an `aws_cloudwatch_log_delivery` that pairs them; or, when delivery is set up elsewhere, say so with
    `central-logging = true`.
    """

    id = "AL704"
    name = "agentcore-log-delivery-missing"
    title = "AgentCore runtime or gateway without log delivery"
    category = "missing-audit"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    ranking = Ranking.FIXED  # every finding is about an agent (a runtime, or a gateway of agent tools)
    enabled_by_default = False
    fix = ("Deliver the resource's APPLICATION_LOGS with aws_cloudwatch_log_delivery_source and "
           "aws_cloudwatch_log_delivery, or set central-logging = true when it is configured elsewhere.")

    Options = CentralLoggingOptions

    def check(self, ctx: RuleContext):
        if self.options.central_logging:
            return
        g = ctx.graph
        delivered, undelivered, untied = _sources(ctx)
        for res in ctx.managed(*AGENTCORE_TYPES):
            node = g.nid(res)
            if node not in g.agents or res.stack in untied or node in delivered:
                continue
            what = f"{AGENTCORE_TYPES[res.type]} {res.address}"
            source = undelivered.get(node)
            if source is not None:
                why = (f"its delivery source {source.address} is paired with no destination (no "
                       f"{DELIVERY[source.type]} names it), so nothing is delivered")
            else:
                why = f"no log delivery source in the scanned code sends its {RECORD_LOG_TYPE} anywhere"
            yield ctx.finding(
                self, at=res, key="log-delivery", confidence=Confidence.MEDIUM,
                extra_agents=[AgentPath(node, [node])],
                message=(f"{what}: {why}; what the agent was asked and which tools it called are not recorded "
                         "unless delivery is set up outside this code (declare it with `central-logging = true` "
                         "if so)"))


def _sources(ctx: RuleContext) -> tuple[set[str], dict[str, Resource], set[str]]:
    """(AgentCore nodes whose application logs are delivered, node -> its delivery source that nothing delivers,
    stacks with an application-log source whose resource the rule cannot tell)."""
    g = ctx.graph
    delivered: set[str] = set()
    undelivered: dict[str, Resource] = {}
    untied: set[str] = set()
    for source in ctx.managed(*DELIVERY):
        if source.values.get("log_type") not in (RECORD_LOG_TYPE, None) and not isinstance(
                source.values.get("log_type"), Unknown):
            continue
        targets = [t for t in (g.lookup(source.stack, r.address) for r in refs_in(source.values.get("resource_arn")))
                   if t is not None and t.type in AGENTCORE_TYPES]
        if not targets:
            if not refs_in(source.values.get("resource_arn")) and "bedrock-agentcore" not in str(
                    source.values.get("resource_arn")):
                continue  # another service's logs
            untied.add(source.stack)
            continue
        paired = _paired(ctx, source)
        for target in targets:
            node = g.nid(target)
            if paired:
                delivered.add(node)
            else:
                undelivered.setdefault(node, source)
    return delivered, undelivered, untied


def _paired(ctx: RuleContext, source: Resource) -> bool:
    """Does a delivery of the scanned code name this source (by reference or by its literal name)?"""
    name = source.values.get("name")
    for delivery in ctx.managed(DELIVERY[source.type]):
        if delivery.stack != source.stack:
            continue
        value = delivery.values.get("delivery_source_name")
        if any(r.address == source.address or (r.address == r.base == source.ref_address) for r in refs_in(value)):
            return True
        if isinstance(name, str) and value == name:
            return True
    return False
