from __future__ import annotations

from agentlint.iam.evaluate import (is_conditional, on_all_resources, on_every_resource, service_wildcards,
                                    wildcard_resources)
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, describe_identity


class WildcardAction(Rule):
    """
    ## What it does
    Flags Allow statements whose `Action` is `*` or a whole service (`s3:*`, `bedrock:*`), and Allow statements
    with `NotAction` ("everything except ..."), in any policy an identity holds: inline, attached, managed by ARN,
    inherited through a group, or written as `data "aws_iam_policy_document"`.

    An identity that AL201 reports as an administrator is reported by AL201 alone when both rules run.

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
        g = ctx.graph
        for sg in ctx.allow_statements():
            st = sg.statement
            wild = service_wildcards(st)
            if not wild and st.not_actions is None:
                continue
            if on_every_resource(st):
                scope = "every resource"
            elif on_all_resources(st):  # one service's whole-ARN wildcard (`arn:aws:s3:::*`)
                scope = "every resource of " + ", ".join(repr(r) for r in wildcard_resources(st))
            else:
                scope = "the listed resources"
            if wild:
                what = f"Action {', '.join(repr(a) for a in wild)}"
            else:
                what = "NotAction (every action except " + ", ".join(repr(str(a)) for a in st.not_actions) + ")"
            cond = " under a condition" if is_conditional(st) else ""
            yield ctx.statement_finding(self, sg, (
                f"{describe_identity(g, sg.principal)}{agents_phrase(g, sg.principal)} is granted {what} on "
                f"{scope}{cond} by {st.label()} of {sg.policy_address(g)}{sg.limits_phrase()}"))
