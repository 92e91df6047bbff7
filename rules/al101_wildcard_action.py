from __future__ import annotations

from agentlint.iam.evaluate import admin_level, is_conditional, on_all_resources, service_wildcards
from agentlint.model import Confidence, Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, describe_identity


class WildcardAction(Rule):
    """
    ## What it does
    Flags Allow statements whose `Action` is `*` or a whole service (`s3:*`, `bedrock:*`), and Allow statements
    with `NotAction` ("everything except ..."), in any policy an identity holds: inline, attached, managed by ARN,
    inherited through a group, or written as `data "aws_iam_policy_document"`.

    Full administrator statements (`*` on `*`, `iam:*` on `*`) are reported by AL201 instead, once.

    ## Why is this bad?
    A wildcard grants every action the service has today and every action AWS adds tomorrow. An AI agent acts
    at machine speed on whatever its identity allows; a prompt injection or a confused tool call turns each extra
    action into something the agent can be talked into doing (`s3:*` includes `s3:DeleteBucket` and
    `s3:PutBucketPolicy`).

    ## Example
    ```hcl
    resource "aws_iam_role_policy" "agent" {
      role   = aws_iam_role.agent.id
      policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = "s3:*", Resource = aws_s3_bucket.docs.arn }]
      })
    }
    ```

    ## Fix
    List the actions the agent needs (`s3:GetObject`, `s3:ListBucket`) on the resources it needs. IAM Access
    Analyzer's policy generation, or CloudTrail data for the role, shows which actions it really uses.
    """

    id = "AL101"
    name = "wildcard-action"
    title = "Policy grants every action of a service (or of AWS)"
    category = "wildcard-scope"
    severity = Severity.HIGH
    fix = "Replace the wildcard with the specific actions the identity needs."

    def check(self, ctx: RuleContext):
        seen = set()
        for principal, grant, policy, st in ctx.statement_grants():
            if not st.is_allow or admin_level(st) or ctx.reported_as_admin(policy, st):
                continue
            wild = service_wildcards(st)
            not_action = st.not_actions is not None
            if not wild and not not_action:
                continue
            key = f"{ctx.graph.g.nodes[policy]['address']}#{st.index}"
            if (principal, key) in seen:
                continue
            seen.add((principal, key))
            at, line = ctx.grant_location(grant, policy)
            scope = "every resource" if on_all_resources(st) else "the listed resources"
            if wild:
                what = f"Action {', '.join(repr(a) for a in wild)}"
            else:
                what = "NotAction (every action except " + ", ".join(repr(str(a)) for a in st.not_actions) + ")"
            confidence = Confidence.MEDIUM if is_conditional(st) else Confidence.HIGH
            cond = " under a condition" if is_conditional(st) else ""
            message = (f"{describe_identity(ctx.graph, principal)}{agents_phrase(ctx.graph, principal)} is granted "
                       f"{what} on {scope}{cond} by {st.label()} of {ctx.graph.g.nodes[policy]['address']}")
            yield ctx.finding(self, at=at, line=line, message=message, identity=principal, key=key,
                              confidence=confidence, trace_tail=ctx.policy_trace(grant, policy, st))
