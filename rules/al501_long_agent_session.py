from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from agentlint.model import Confidence, Severity
from agentlint.rule import Ranking, Rule, RuleContext, agents_phrase
from agentlint.values import Unknown, display


class LongAgentSession(Rule):
    """
    ## What it does
    Flags IAM roles that AI agents run as whose `max_session_duration` is longer than a limit (default one hour,
    the IAM default). Roles no agent uses are not reported: long sessions for people signing in are a different
    trade-off.

    Option: `[rules.AL501.options] max-session-seconds = 7200` (3600 to 43200).

    ## Why is this bad?
    The session credentials an agent holds are what leaks when the agent is tricked into printing its
    environment or calling out with its credentials. A 12-hour maximum gives whoever gets them 12 hours; agents can
    refresh their credentials whenever they need to, so a long session buys them nothing.

    ## Example
    ```hcl
    resource "aws_iam_role" "agent" {
      name                 = "support-agent"
      max_session_duration = 43200
      assume_role_policy   = data.aws_iam_policy_document.bedrock_trust.json
    }
    ```

    ## Fix
    Remove `max_session_duration` (the default is 3600 seconds) or set it to the shortest duration the agent's
    longest task needs.
    """

    id = "AL501"
    name = "long-agent-session"
    title = "Agent role allows long sessions"
    category = "missing-ttl"
    # Reported only where an agent acts: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Drop max_session_duration (default 3600 s) or lower it to what the agent's longest task needs."

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)
        max_session_seconds: int = Field(3600, alias="max-session-seconds", ge=3600, le=43200)

    def check(self, ctx: RuleContext):
        g = ctx.graph
        limit = self.options.max_session_seconds
        for node in sorted(g.principals()):
            role = g.resource_of(node)
            if role is None or role.type != "aws_iam_role" or not g.agent_paths(node):
                continue
            value = role.values.get("max_session_duration")
            line = role.line_of("max_session_duration")
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, Unknown):
                yield ctx.finding(self, at=role, line=line, identity=node, key="unknown",
                                  confidence=Confidence.LOW,
                                  message=(f"cannot verify the session length of role {role.address}"
                                           f"{agents_phrase(g, node)}: max_session_duration = {display(value)}"))
            elif isinstance(value, (int, float)) and value > limit:
                yield ctx.finding(self, at=role, line=line, identity=node, key="long",
                                  message=(f"role {role.address}{agents_phrase(g, node)} allows sessions of "
                                           f"{_hours(value)} (max_session_duration = {int(value)}; limit {limit})"))


def _hours(seconds: float) -> str:
    hours = seconds / 3600
    return f"{hours:g} hours" if hours != 1 else "1 hour"
