from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext


class SuppressionWithoutReason(Rule):
    """
    ## What it does
    Reports `# agentlint:ignore[...]` comments that give no reason. The suppression still applies; this finding
    asks for the reason, and by default (severity medium) it fails the check until one is written.

    ## Why is this bad?
    A suppression is an accepted risk. Without a reason (a ticket, a sandbox account, a compensating control),
    the next reviewer cannot tell an informed decision from a way to make the check pass, and nobody knows when
    to revisit it.

    ## Example
    ```hcl
    resource "aws_iam_role_policy_attachment" "admin" { # agentlint:ignore[AL201]
      role       = aws_iam_role.agent.name
      policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    }
    ```

    ## Fix
    Write the reason after the bracket: `# agentlint:ignore[AL201] sandbox account 111122223333, SEC-412`.
    """

    id = "AL002"
    name = "suppression-without-reason"
    title = "Suppression comment without a reason"
    category = "identity-hygiene"
    severity = Severity.MEDIUM
    fix = "Add the reason after the bracket: `# agentlint:ignore[AL201] why the risk is accepted`."
    phase = "suppressions"

    def check(self, ctx: RuleContext):
        for s in ctx.graph.model.suppressions:
            if s.reason:
                continue
            yield ctx.plain_finding(
                self, path=s.path, line=s.line, address=s.block_address or s.path, key=",".join(sorted(s.rules)),
                message=f"agentlint:ignore[{', '.join(s.rules)}] gives no reason for accepting the risk")
