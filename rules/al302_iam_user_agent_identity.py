from __future__ import annotations

from agentlint.model import Severity, TraceStep
from agentlint.rule import Rule, RuleContext


class IamUserAgentIdentity(Rule):
    """
    ## What it does
    Flags IAM users that an AI agent acts as: the user is tagged or configured as an agent, or an agent workload
    carries one of the user's access keys.

    ## Why is this bad?
    IAM users are identities for people. Their credentials are static (access keys, console passwords), they are
    not bound to a workload, and their activity in CloudTrail looks like a person's. An agent running as a user
    gets none of the protections of a role: no automatic expiry, no trust policy saying which service may use it,
    no session name that tells one run from another.

    ## Example
    ```hcl
    resource "aws_lambda_function" "agent" {
      environment {
        variables = {
          AWS_ACCESS_KEY_ID     = aws_iam_access_key.bot.id
          AWS_SECRET_ACCESS_KEY = aws_iam_access_key.bot.secret
        }
      }
    }
    ```

    ## Fix
    Create a role for the agent, trusted only by the service it runs on, and remove the IAM user and its keys.
    """

    id = "AL302"
    name = "iam-user-agent-identity"
    title = "AI agent runs as an IAM user"
    category = "identity-hygiene"
    severity = Severity.HIGH
    fix = "Run the agent as an IAM role trusted by its compute service; delete the IAM user."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for rec in g.nodes():
            node, res = rec.id, rec.resource
            if res is None or res.type != "aws_iam_user":
                continue
            paths = g.agent_paths(node)
            if not paths:
                continue
            agents = sorted({g.address_of(p.agent) for p in paths})
            if node in g.agents and len(agents) == 1:
                how = "is itself marked as an agent (" + g.agents[node].evidence[0].detail + ")"
            else:
                how = "is used by agent" + ("s " if len(agents) > 1 else " ") + ", ".join(a for a in agents if a != res.address)
            via = []
            for p in paths:
                if len(p.hops) >= 2:
                    edge = g.edge_between(p.hops[-2], p.hops[-1])
                    if edge is not None and edge.attr:
                        via.append(TraceStep(role="reference", address=g.address_of(p.hops[-2]),
                                             note=f"references {edge.attr}"))
            message = f"IAM user {res.address} {how}; agents should run as roles with short-lived credentials"
            yield ctx.finding(self, at=res, message=message, identity=node, key="iam-user", trace_tail=via[:3])
