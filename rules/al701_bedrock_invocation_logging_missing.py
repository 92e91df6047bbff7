from __future__ import annotations


from agentlint.graph.paths import AgentPath
from agentlint.model import Confidence, Severity
from agentlint.rule import CentralLoggingOptions, Ranking, Rule, RuleContext

# Bedrock workloads whose model calls only model invocation logging records (prompts, completions, tool calls).
BEDROCK_AGENT_TYPES = {
    "aws_bedrockagent_agent": "Bedrock agent",
    "awscc_bedrock_agent": "Bedrock agent",
    "aws_bedrockagent_flow": "Bedrock flow",
    "aws_bedrockagentcore_agent_runtime": "AgentCore runtime",
    "awscc_bedrockagentcore_runtime": "AgentCore runtime",
}
LOGGING_TYPES = ("aws_bedrock_model_invocation_logging_configuration",
                 "awscc_bedrock_model_invocation_logging_configuration")


class BedrockInvocationLoggingMissing(Rule):
    """
    ## What it does
    Flags scanned code that defines Bedrock agents, flows or AgentCore runtimes but no
    `aws_bedrock_model_invocation_logging_configuration` anywhere in what was scanned. One finding per root module,
    on its first agent, naming all of them.

    Model invocation logging is set once per account and region, often by a platform team in another repository:
    the finding's confidence is **low** and its message says so. A team whose logging is configured centrally
    declares it with `[rules.AL701.options] central-logging = true`, and the rule stays silent.

    Follows the hashicorp/aws provider 5.x and 6.x schemas (`aws_bedrock_model_invocation_logging_configuration`,
    `aws_bedrockagent_agent`, `aws_bedrockagent_flow`, `aws_bedrockagentcore_agent_runtime`) and the awscc
    equivalents.

    **Opt-in**: the setting is account-wide and most repositories do not own it, so the rule runs only when
    selected (`--select AL701`, `select = ["AL701"]`) or enabled (`[rules.AL701] enabled = true`).

    ## Why is this bad?
    Model invocation logging is off by default. Without it nobody can reconstruct what an agent was asked, what
    the model answered and which tools it decided to call: after a prompt injection there is no record of what
    the agent was made to do with its identity.

    ## Example
    ```hcl
    resource "aws_bedrockagent_agent" "support" {
      agent_name              = "support"
      agent_resource_role_arn = aws_iam_role.support.arn
      foundation_model        = "anthropic.claude-3-5-haiku-20241022-v1:0"
    }
    # ...and no aws_bedrock_model_invocation_logging_configuration
    ```

    ## Fix
    Add an `aws_bedrock_model_invocation_logging_configuration` with `logging_config` delivering to CloudWatch
    Logs (`cloudwatch_config`) or S3 (`s3_config`), with `text_data_delivery_enabled = true`; or, when it is set up
    centrally, say so with `central-logging = true`.
    """

    id = "AL701"
    name = "bedrock-invocation-logging-missing"
    title = "Bedrock agents without model invocation logging"
    category = "missing-audit"
    severity = Severity.MEDIUM
    confidence = Confidence.LOW
    ranking = Ranking.FIXED  # every finding names the agents it is about
    enabled_by_default = False
    fix = ("Add aws_bedrock_model_invocation_logging_configuration (CloudWatch Logs or S3), or set "
           "central-logging = true when it is configured centrally.")

    Options = CentralLoggingOptions

    def check(self, ctx: RuleContext):
        if self.options.central_logging or ctx.managed(*LOGGING_TYPES):
            return
        g = ctx.graph
        by_stack: dict[str, list] = {}
        for res in ctx.managed(*BEDROCK_AGENT_TYPES):
            if g.nid(res) in g.agents:
                by_stack.setdefault(res.stack, []).append(res)
        for stack, agents in by_stack.items():
            first = agents[0]
            names = ", ".join(f"{BEDROCK_AGENT_TYPES[r.type]} {r.address}" for r in agents[:5])
            more = f" and {len(agents) - 5} more" if len(agents) > 5 else ""
            yield ctx.finding(
                self, at=first, key="invocation-logging", confidence=Confidence.LOW,
                extra_agents=[AgentPath(g.nid(r), [g.nid(r)]) for r in agents],
                message=(f"no Bedrock model invocation logging configuration in the scanned code for {names}{more}: "
                         f"{'their' if len(agents) > 1 else 'its'} prompts, model answers and tool calls are not recorded unless logging is configured "
                         "outside this code (it is set per account and region; declare it with "
                         "`central-logging = true` if so)"))
