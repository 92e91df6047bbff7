from __future__ import annotations

from agentlint.iam.evaluate import on_all_resources, wildcard_resources, write_wildcards
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, describe_identity


class WildcardResourceWrite(Rule):
    """
    ## What it does
    Flags Allow statements that apply wildcarded, non-read actions (`s3:Put*`, `dynamodb:*Item`,
    `lambda:Update*`) to every resource (`Resource = "*"`, a whole-service ARN such as `arn:aws:s3:::*`, or
    `NotResource`).

    Read-only verbs (`Get*`, `List*`, `Describe*`) are left to AL401, which knows which reads expose data. Whole
    services (`s3:*`) are AL101's. Explicit action names on `*` need the AWS action catalogue to tell which actions
    accept a resource ARN at all; this rule does not guess.

    ## Why is this bad?
    Write access to every bucket, table or function in the account lets an agent that is steered by hostile
    input damage or tamper with resources that have nothing to do with its task.

    ## Example
    ```hcl
    statement {
      actions   = ["dynamodb:*Item"]
      resources = ["*"]
    }
    ```

    ## Fix
    Scope `resources` to the ARNs the agent writes to, and list the actions explicitly.
    """

    id = "AL102"
    name = "wildcard-resource-write"
    title = "Wildcarded write actions on every resource"
    category = "wildcard-scope"
    severity = Severity.MEDIUM
    fix = "Scope the statement to the resource ARNs the identity writes to, with explicit actions."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for sg in ctx.allow_statements():
            st = sg.statement
            writes = write_wildcards(st)
            if not writes or on_all_resources(st) is not True:
                continue
            yield ctx.statement_finding(self, sg, (
                f"{describe_identity(g, sg.principal)}{agents_phrase(g, sg.principal)} may "
                f"{', '.join(repr(a) for a in writes)} on {', '.join(repr(r) for r in wildcard_resources(st))} "
                f"by {st.label()} of {sg.policy_address(g)}"))
