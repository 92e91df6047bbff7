from __future__ import annotations

from agentlint.graph.schema import Rel
from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext, agents_phrase, describe_identity
from agentlint.rules.al801_aws_unauthenticated_agent_endpoint import powerful
from agentlint.rules.al8_agent_chain import chain_phrase, driven_agents, power_rank

_KIND = {"bedrock:InvokeAgent": "Bedrock agent", "bedrock-agentcore:InvokeAgentRuntime": "AgentCore runtime"}


class AgentInvokesEveryAgent(Rule):
    """
    ## What it does
    Flags an AI agent's identity (the role an agent, or an agent's tool, runs as) whose policies allow
    `bedrock:InvokeAgent` or `bedrock-agentcore:InvokeAgentRuntime` on every agent of the account: on `*`, on a
    wildcard ARN (`arn:aws:bedrock:*:*:agent-alias/*`), or through `NotResource`. One finding per identity, at
    the statement that grants it.

    The severity is that of the most powerful agent it can drive among the agents of the scanned code, through
    other agents too (a Bedrock agent collaborator, or a role that can invoke a further agent): **critical** when one
    of them runs as an identity with administrator access or a privilege-escalation path, **high** otherwise. An
    identity that reaches no other agent of the scanned code is left to AL203 (which reports the grant on every
    resource), and an identity with administrator access to AL201. The trace runs from the agent through the grant to that most powerful agent and what makes it
    powerful.

    Follows the hashicorp/aws provider 5.x and 6.x schemas (IAM policies, `aws_bedrockagent_agent`,
    `aws_bedrockagent_agent_alias`, `aws_bedrockagent_agent_collaborator`, `aws_bedrockagentcore_agent_runtime`,
    `aws_bedrockagentcore_agent_runtime_endpoint`) and the awscc equivalents.

    ## Why is this bad?
    An agent that can invoke any agent can make any of them act with its own identity: a prompt injected into the
    first agent becomes an instruction to the most privileged agent in the account. Multi-agent systems need each
    agent to call the few collaborators it was designed for, nothing else.

    ## Example
    ```hcl
    data "aws_iam_policy_document" "router" {
      statement {
        actions   = ["bedrock:InvokeAgent"]
        resources = ["*"]
      }
    }
    ```

    ## Fix
    Name the agent aliases (or AgentCore runtimes and endpoints) the agent may call in `resources`, e.g.
    `aws_bedrockagent_agent_alias.billing.agent_alias_arn`, or use Bedrock agent collaborators, which invoke only
    the aliases they name.
    """

    id = "AL804"
    name = "agent-invokes-every-agent"
    title = "Agent identity may invoke every agent in the account"
    category = "unauthenticated-endpoint"
    severity = Severity.HIGH
    ranking = Ranking.FIXED  # only agent identities are reported; the severity comes from what they can drive
    fix = "Allow the invoke action only on the aliases or runtimes of the agents this agent is meant to call."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for principal in sorted(g.principals()):
            wild = [e for e in g.edges_out(principal, Rel.INVOKES_AGENT) if e.scope == "*"]
            if not wild or not g.agent_paths(principal):
                continue
            own = powerful(ctx, principal)
            if own is not None and power_rank(own[0]) == 3:
                continue  # an administrator can invoke anything: AL201 reports it once
            reached = driven_agents(ctx, principal, identity_only=True)
            if not reached:
                continue  # AL203 reports the grant itself; this rule is about the agents it lets this one drive
            best = None
            for reach in reached:
                power = powerful(ctx, reach.identity) if reach.identity is not None else None
                if power is not None and (best is None or power_rank(power[0]) > power_rank(best[1][0])):
                    best = (reach, power)
            actions = sorted({e.attr for e in wild})
            e = wild[0]
            kind = _KIND.get(actions[0], "agent") if len(actions) == 1 else "agent"
            who = f"{describe_identity(g, principal)}{agents_phrase(g, principal)}"
            message = (f"{who} may call {' and '.join(actions)} on every {kind} of the account "
                       f"({g.address_of(e.grant)} {e.statement}): it can drive any agent, and so everything their "
                       "identities may do")
            if best is not None:
                reach, power = best
                message += (f"; in the scanned code it reaches {chain_phrase(ctx, reach)}, which runs as "
                            f"{describe_identity(g, reach.identity)} with {power[0]}")
                tail = reach.steps + power[1]
            else:
                names = ", ".join(g.address_of(r.agent) for r in reached[:5])
                more = f" and {len(reached) - 5} more" if len(reached) > 5 else ""
                message += f"; in the scanned code it reaches agent{'s' if len(reached) > 1 else ''} {names}{more}"
                tail = reached[0].steps
            at = e.via if e.via is not None else g.resource_of(principal)
            found = ctx.finding(self, at=at, line=e.via_line, message=message, identity=principal,
                                key="invoke-every-agent", trace_tail=tail)
            if best is not None:
                found.severity = Severity.CRITICAL
            yield found
