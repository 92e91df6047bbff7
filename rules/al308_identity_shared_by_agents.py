from __future__ import annotations

from agentlint.graph.schema import Rel
from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext, describe_identity


class IdentitySharedByAgents(Rule):
    """
    ## What it does
    Flags a role or user that several unrelated agents act as. Agents are related when one is a tool of the other
    (a Bedrock agent and its action-group Lambda) or both are tools of the same agent; those sharing an identity
    is one agent system and is not reported.

    ## Why is this bad?
    The shared identity must hold the union of what every agent needs, so each agent gets permissions for the
    others' tasks: a prompt injection in the least trusted agent (the one that reads web pages or email) acts
    with the permissions of the most trusted one. CloudTrail also cannot tell the agents apart.

    ## Example
    ```hcl
    resource "aws_lambda_function" "support_bot" { role = aws_iam_role.agents.arn }
    resource "aws_lambda_function" "finance_bot" { role = aws_iam_role.agents.arn }
    ```

    ## Fix
    One role per agent, holding that agent's permissions only.
    """

    id = "AL308"
    name = "identity-shared-by-agents"
    title = "Identity shared by unrelated agents"
    category = "identity-hygiene"
    # Reported only where an agent acts: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Give each agent its own role with only the permissions its task needs."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for node in sorted(g.principals()):
            if g.node(node).rtype == "aws_iam_group":
                continue  # a group is a shared permission set by design; its members are separate identities
            paths = g.agent_paths(node)
            # Agents that use the identity themselves, not through another agent that calls them.
            direct = sorted({p.agent for p in paths if not any(h in g.agents for h in p.hops[1:-1])})
            groups = _systems(g, direct)
            if len(groups) < 2:
                continue
            res = g.resource_of(node)
            if res is None:
                continue
            names = [", ".join(sorted(g.address_of(a) for a in grp)) for grp in groups]
            yield ctx.finding(self, at=res, identity=node, key="shared", message=(
                f"{describe_identity(g, node)} is the identity of {len(groups)} unrelated agents: "
                f"{'; '.join(names)}; each acts with the permissions all of them need"))


def _systems(g, agents: list[str]) -> list[set[str]]:
    """Group agents that share a caller: an agent with the agents that invoke it as a tool (transitively)."""
    def callers(agent: str) -> set[str]:
        seen, todo = {agent}, [agent]
        while todo:
            node = todo.pop()
            for pred in (e.source for e in g.edges_in(node, Rel.TOOL)):
                if pred not in seen:
                    seen.add(pred)
                    todo.append(pred)
        return seen

    groups: list[tuple[set[str], set[str]]] = []  # (members, everyone above them)
    for agent in agents:
        above = callers(agent)
        merged = [grp for grp in groups if grp[1] & above]
        members, reach = {agent}, set(above)
        for grp in merged:
            groups.remove(grp)
            members |= grp[0]
            reach |= grp[1]
        groups.append((members, reach))
    return [members for members, _ in groups]
