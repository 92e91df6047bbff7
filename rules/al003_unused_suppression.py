from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, all_rules
from agentlint.suppressions import expiry_problem


class UnusedSuppression(Rule):
    """
    ## What it does
    Reports `# agentlint:ignore[...]` comments that suppress nothing: the rule no longer fires on that block (the
    risk was fixed, or the code moved), the comment names a rule that does not exist, or the comment is not on,
    above or inside a block. Rules that were not selected for the run are not judged.

    Also reports a comment whose `until=YYYY-MM-DD` date has passed (it no longer applies: the findings it covered
    are reported again) or is not a date (it never applies).

    ## Why is this bad?
    A stale suppression hides the next finding of the same rule on that block without anyone deciding to accept
    it: the exception outlives the reason it was written for.

    ## Example
    ```hcl
    # agentlint:ignore[AL201] temporary admin for the migration, SEC-88
    resource "aws_iam_role_policy_attachment" "read_only" {
      role       = aws_iam_role.agent.name
      policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    }
    ```

    ## Fix
    Delete the comment, or correct the rule id and move it onto the block it is meant for. For an expired comment,
    fix the finding, or decide again and write a new date with the reason.
    """

    id = "AL003"
    name = "unused-suppression"
    title = "Suppression comment that suppresses nothing"
    category = "identity-hygiene"
    severity = Severity.LOW
    fix = "Delete the suppression comment, or fix its rule id and place it on the block it is meant for."
    phase = "suppressions"

    def check(self, ctx: RuleContext):
        known = {r.id for r in all_rules()} | {r.name for r in all_rules()}
        for s in ctx.graph.model.suppressions:
            why = expiry_problem(s)
            if why is not None:
                yield ctx.plain_finding(self, path=s.path, line=s.line, address=s.block_address or s.path,
                                        key=",".join(sorted(s.rules)),
                                        message=f"agentlint:ignore[{', '.join(s.rules)}] {why}")
                continue
            if s.used:
                continue
            unknown = [r for r in s.rules if r.upper() not in known and r.lower() not in known]
            judged = [r for r in s.rules if r.upper() in ctx.ran_rules or r.lower() in ctx.ran_rules]
            if s.block_start is None:
                why = "is not on, above or inside a block"
            elif unknown:
                why = f"names unknown rule{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"
            elif judged:
                why = f"matches no finding of {', '.join(judged)} on {s.block_address}"
            else:
                continue  # its rules did not run: nothing to judge
            yield ctx.plain_finding(self, path=s.path, line=s.line, address=s.block_address or s.path,
                                    key=",".join(sorted(s.rules)), message=f"agentlint:ignore[{', '.join(s.rules)}] {why}")
