from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from agentlint.graph.paths import AgentPath
from agentlint.model import Confidence, Severity
from agentlint.rule import Rule, RuleContext, agents_phrase
from agentlint.values import Unknown, display

BEDROCK = "bedrock.amazonaws.com"


class BedrockApiKeyWithoutExpiry(Rule):
    """
    ## What it does
    Flags `aws_iam_service_specific_credential` resources for Amazon Bedrock (`service_name =
    "bedrock.amazonaws.com"`, a long-term Bedrock API key) that have no `credential_age_days`, or one above the
    configured maximum (`[rules.AL303.options] max-age-days`, default 30, the value of AWS's sample service
    control policy).

    ## Why is this bad?
    Without `credential_age_days` the key never expires. Bedrock API keys are bearer tokens: they are pasted into
    agent configuration, notebooks and CI variables, and whoever holds one can call models on the account's bill
    and with the IAM user's Bedrock permissions until someone remembers to delete it.

    ## Example
    ```hcl
    resource "aws_iam_service_specific_credential" "agent" {
      service_name = "bedrock.amazonaws.com"
      user_name    = aws_iam_user.agent.name
    }
    ```

    ## Fix
    Prefer short-term Bedrock API keys or the agent's IAM role. If a long-term key is unavoidable, set
    `credential_age_days` (30 or less) and rotate it.
    """

    id = "AL303"
    name = "bedrock-api-key-without-expiry"
    title = "Long-term Bedrock API key without an expiry"
    category = "long-lived-credential"
    severity = Severity.HIGH
    fix = "Set credential_age_days (30 or less) on the Bedrock API key, or use the agent's role instead."

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)
        max_age_days: int = Field(30, alias="max-age-days", ge=1, le=36600)

    def check(self, ctx: RuleContext):
        g = ctx.graph
        limit = self.options.max_age_days
        for rec in g.nodes():
            node, res = rec.id, rec.resource
            if res is None or res.type != "aws_iam_service_specific_credential":
                continue
            service = res.values.get("service_name")
            if not (isinstance(service, str) and service.strip().lower() == BEDROCK):
                continue
            if str(res.values.get("status", "Active")).lower() == "inactive":
                continue
            users = g.credential_users(node)
            user = users[0] if users else None
            direct = [AgentPath(w, [w, node]) for w in g.credential_carriers(node) if w in g.agents]
            owner = f"IAM user {g.address_of(user)}{agents_phrase(g, user)}" if user else "an IAM user"
            age = res.values.get("credential_age_days")
            if age is None:
                yield ctx.finding(self, at=res, identity=user, key="no-expiry", extra_agents=direct, message=(
                    f"{res.address} is a long-term Bedrock API key for {owner} with no credential_age_days: "
                    "it never expires"))
            elif isinstance(age, Unknown):
                yield ctx.finding(self, at=res, line=res.line_of("credential_age_days"), identity=user,
                                  key="unknown", extra_agents=direct, confidence=Confidence.LOW, message=(
                                      f"cannot verify the lifetime of Bedrock API key {res.address}: "
                                      f"credential_age_days = {display(age)}"))
            elif isinstance(age, (int, float)) and not isinstance(age, bool) and age > limit:
                yield ctx.finding(self, at=res, line=res.line_of("credential_age_days"), identity=user,
                                  key="long", extra_agents=direct, message=(
                                      f"{res.address} is a Bedrock API key for {owner} valid for {int(age)} days "
                                      f"(limit {limit})"))
