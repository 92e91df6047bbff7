from __future__ import annotations

from agentlint.iam.evaluate import allows_action, is_conditional
from agentlint.iam.risky import CREDENTIAL_ACTIONS
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, describe_identity


class CredentialExposure(Rule):
    """
    ## What it does
    Flags Allow statements that, on every resource, grant an action whose answer is a credential: IAM access keys
    and Bedrock API keys for any user, AgentCore Identity's workload tokens, stored API keys and OAuth2 tokens,
    database credentials (Redshift, RDS IAM sign-in, Aurora DSQL admin), Windows and Lightsail passwords,
    presigned SageMaker sign-in URLs, and more (the full list is `CREDENTIAL_ACTIONS` in the rule's module).
    Wildcards and `NotAction` are matched the way IAM matches them; an unconditional Deny or the permissions
    boundary takes an action away. Actions that only accept `Resource "*"` (`ecr:GetAuthorizationToken`,
    `sts:GetSessionToken`) are not flagged: there is nothing to scope. `sts:AssumeRole` is AL203's.

    ## Why is this bad?
    A credential is portable: once an agent has read it into its context, any tool that can send text out can
    send it anywhere, and it keeps working outside the agent's session. Minting credentials for any user or
    reading every stored API key turns one prompt injection into lasting access.

    ## Example
    ```hcl
    statement {
      actions   = ["bedrock-agentcore:GetResourceApiKey"]
      resources = ["*"]
    }
    ```

    ## Fix
    Scope the action to the one workload identity, credential provider, user or database the agent needs
    (`arn:aws:bedrock-agentcore:eu-west-1:111122223333:token-vault/default/apikeycredentialprovider/github`).
    """

    id = "AL402"
    name = "credential-exposure"
    title = "Identity can mint or read credentials for any resource"
    category = "credential-exposure"
    severity = Severity.HIGH
    fix = "Scope credential-returning actions to the user, workload identity or credential provider needed."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for sg, reached in ctx.reached_on_every_resource(_candidates):
            st = sg.statement
            what = list(dict.fromkeys(CREDENTIAL_ACTIONS[a] for a in reached))
            shown = "; ".join(what[:4]) + (f"; and {len(what) - 4} more kinds" if len(what) > 4 else "")
            cond = " (under a condition)" if is_conditional(st) else ""
            yield ctx.statement_finding(self, sg, (
                f"{describe_identity(g, sg.principal)}{agents_phrase(g, sg.principal)} can obtain {shown}{cond}: "
                f"{', '.join(reached[:6])}{' and more' if len(reached) > 6 else ''} allowed on every resource by "
                f"{st.label()} of {sg.policy_address(g)}{sg.limits_phrase()}"))


def _candidates(st) -> list[str]:
    return [a for a in CREDENTIAL_ACTIONS if allows_action(st, a)]
