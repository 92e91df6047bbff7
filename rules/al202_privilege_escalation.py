from __future__ import annotations

from agentlint.iam.escalation import METHODS, Method, redundant
from agentlint.iam.effective import Allowed, EffectivePermissions
from agentlint.model import Confidence, Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, describe_identity

SHOWN = 4


class PrivilegeEscalation(Rule):
    """
    ## What it does
    Evaluates each identity's effective permissions (every inline, attached, managed-by-ARN, group and
    policy-document statement it holds together, less unconditional Denies, capped by its permissions boundary)
    against the known privilege-escalation methods: the 59 of cloudsplaining's list (Rhino Security Labs and
    pathfinding.cloud, including the SageMaker and Bedrock AgentCore code-interpreter paths) and the AgentCore
    runtime paths. A method is found when every one of its actions is allowed on every resource. A method split
    across two attached policies is found. `iam:PassedToService` is understood: a PassRole limited to
    `lambda.amazonaws.com` does not enable the EC2 method. Wildcards match the way IAM matches them (`iam:Pass*`,
    `*`, `NotAction`). A policy attached to nothing in the scanned code is judged on its own.

    An identity that AL201 reports as an administrator is reported by AL201 alone when both rules run.

    ## Why is this bad?
    An identity that can give itself more permissions has those permissions. An agent that can create an access
    key for an admin user, attach a policy to its own role, or pass a powerful role to a Lambda function it then
    invokes, can be steered by a prompt injection into doing exactly that: whatever its policy says, it is an
    administrator in waiting.

    ## Example
    ```hcl
    # Two policies, each harmless-looking, attached to the same agent role.
    resource "aws_iam_role_policy" "deploy" {
      role   = aws_iam_role.agent.id
      policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }] })
    }
    resource "aws_iam_role_policy" "functions" {
      role   = aws_iam_role.agent.id
      policy = jsonencode({ Statement = [{ Effect = "Allow", Resource = "*",
        Action = ["lambda:CreateFunction", "lambda:InvokeFunction"] }] })
    }
    ```

    ## Fix
    Scope the actions to the resources the agent manages: `iam:PassRole` on the one role ARN it must pass, with
    `iam:PassedToService`; IAM write actions on its own resources only, or not at all. A permissions boundary on
    the agent's role (and required on every role it creates) caps what any escalation can reach.
    """

    id = "AL202"
    name = "privilege-escalation"
    title = "Identity can escalate its own privileges"
    category = "privilege-escalation"
    severity = Severity.CRITICAL
    fix = "Scope iam:PassRole and IAM write actions to named resources, or add a permissions boundary."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for principal, policy, eff in ctx.permission_sets():
            found = _methods(eff, principal is not None and g.node(principal).rtype != "aws_iam_group")
            if not found:
                continue
            methods = [m for m in found if not redundant(m, list(found))]
            used = [a for m in methods for a in found[m]]
            # One entry per statement as held through one grant, in the order the methods use them.
            holdings = list({(id(a.by.grant), a.by.policy, a.by.statement.digest()): a.by for a in used}.values())
            at, line = (g.resource_of(principal), None) if principal else (None, None)
            if at is None or len({(id(h.grant), h.policy) for h in holdings}) == 1:
                # One grant, or a principal the scanned code does not define (a role named by a module output):
                # the place the first statement was wired in.
                at, line = ctx.grant_location(holdings[0].grant, holdings[0].policy)
            trace = []
            for h in holdings:
                trace += [s for s in ctx.policy_trace(h.grant, h.policy, h.statement) if s not in trace]
            shown = ", ".join(f"{m.name} ({' + '.join(m.actions)})" for m in methods[:SHOWN])
            more = f" and {len(methods) - SHOWN} more" if len(methods) > SHOWN else ""
            where = "; ".join(f"{h.statement.label()} of {g.address_of(h.policy)}" for h in holdings)
            subject = (f"{describe_identity(g, principal)}{agents_phrase(g, principal)}" if principal
                       else f"policy {g.address_of(policy)} (attached to no identity in the scanned code)")
            conditional = any(a.conditional for a in used)
            yield ctx.finding(
                self, at=at, line=line, identity=principal, key="privilege-escalation", trace_tail=trace,
                subject=principal or policy,
                confidence=Confidence.MEDIUM if conditional else None,
                message=(f"{subject} can escalate privileges by {len(methods)} known "
                         f"method{'s' if len(methods) > 1 else ''}: {shown}{more}; each action is allowed on every "
                         f"resource by {where}{'; a condition on one of them may narrow it' if conditional else ''}"))


def _methods(eff: EffectivePermissions, skip_group_only: bool) -> dict[Method, list[Allowed]]:
    found: dict[Method, list[Allowed]] = {}
    for m in METHODS:
        allowed: list[Allowed] = []
        for action in m.actions:
            a = eff.unconstrained(action, m.passes_to if action == "iam:PassRole" else None)
            if a is None:
                break
            allowed.append(a)
        else:
            groups = {a.by.grant.group if a.by.grant else None for a in allowed}
            if skip_group_only and len(groups) == 1 and next(iter(groups)) is not None:
                continue  # reported on the group, whose members inherit it
            found[m] = allowed
    return found

