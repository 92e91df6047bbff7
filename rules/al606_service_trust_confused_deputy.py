from __future__ import annotations

from agentlint.iam.evaluate import allows_assume, condition_keys
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, trust_holder

AGENT_SERVICES = ("bedrock.amazonaws.com", "bedrock-agentcore.amazonaws.com")
SOURCE_KEYS = {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"}


class ServiceTrustConfusedDeputy(Rule):
    """
    ## What it does
    Flags role trust policies that let Amazon Bedrock (`bedrock.amazonaws.com`) or Bedrock AgentCore
    (`bedrock-agentcore.amazonaws.com`) assume the role without an `aws:SourceAccount`, `aws:SourceArn` (or
    `aws:SourceOrgID`) condition. A condition whose value is only a wildcard does not count.

    Decision: one of the keys is enough (an `aws:SourceArn` names the account too); AWS's own examples for agent
    service roles set both, which is better still.

    ## Why is this bad?
    Without a source condition, the service will assume the role on behalf of any agent, in any account, that is
    configured with the role's ARN: the cross-service confused deputy. The agent's permissions then serve
    whoever can point an agent, knowledge base or runtime at the role.

    ## Example
    ```hcl
    Principal = { Service = "bedrock.amazonaws.com" }
    # no Condition
    ```

    ## Fix
    ```hcl
    Condition = {
      StringEquals = { "aws:SourceAccount" = "111122223333" }
      ArnLike      = { "aws:SourceArn" = "arn:aws:bedrock:eu-west-1:111122223333:agent/*" }
    }
    ```
    """

    id = "AL606"
    name = "agent-service-trust-without-source"
    title = "Bedrock / AgentCore service trust without aws:SourceAccount or aws:SourceArn"
    category = "risky-trust"
    severity = Severity.MEDIUM
    fix = "Add aws:SourceAccount and aws:SourceArn conditions naming your account and your agents."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for node, role, st in ctx.trust_statements():
            services = [s for s in (st.principals or {}).get("Service", [])
                        if isinstance(s, str) and s.strip().lower() in AGENT_SERVICES]
            if not services or not allows_assume(st) or condition_keys(st) & SOURCE_KEYS:
                continue
            yield ctx.trust_finding(self, node, role, st, key="confused-deputy", message=(
                f"{trust_holder(g, node, role)} can be assumed by {', '.join(services)} for any "
                f"account's agents: {st.label()} of its trust policy has no aws:SourceAccount or aws:SourceArn "
                "condition"))
