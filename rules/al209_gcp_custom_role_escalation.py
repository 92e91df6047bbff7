from __future__ import annotations

from agentlint.iam.gcp_roles import ESCALATION
from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext

DANGEROUS = ESCALATION  # one table for custom and predefined roles (agentlint.iam.gcp_roles)
TYPES = ("google_project_iam_custom_role", "google_organization_iam_custom_role")


class GcpCustomRoleEscalation(Rule):
    """
    ## What it does
    Flags Google Cloud custom roles (`google_project_iam_custom_role`, `google_organization_iam_custom_role`) whose
    `permissions` include ways to become another identity or to change IAM: minting tokens for, signing as, acting
    as or creating keys for service accounts, `setIamPolicy` on projects, folders, the organization or service
    accounts, and creating or updating roles.

    ## Why is this bad?
    A custom role is often written to avoid the basic roles, and then picks up one of these permissions "for the
    deployment to work". Whoever holds it, an agent's service account included, can turn it into any other
    permission in the scope.

    ## Example
    ```hcl
    resource "google_project_iam_custom_role" "agent" {
      role_id     = "agentRunner"
      title       = "Agent runner"
      permissions = ["run.jobs.run", "iam.serviceAccounts.actAs", "iam.serviceAccounts.getAccessToken"]
    }
    ```

    ## Fix
    Keep impersonation and IAM-changing permissions out of custom roles; grant `roles/iam.serviceAccountUser` on
    the one service account a workload must attach.
    """

    id = "AL209"
    name = "gcp-custom-role-escalation"
    title = "Google Cloud custom role with impersonation or IAM-changing permissions"
    category = "privilege-escalation"
    # Its findings are about a resource, never an identity an agent uses: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Remove impersonation and setIamPolicy permissions from the custom role."

    def check(self, ctx: RuleContext):
        for res in ctx.managed(*TYPES):
            perms = res.values.get("permissions")
            found = [p for p in perms if isinstance(p, str) and p in DANGEROUS] if isinstance(perms, list) else []
            if found:
                what = "; ".join(f"{DANGEROUS[p]} ({p})" for p in found)
                yield ctx.finding(self, at=res, line=res.line_of("permissions"), key="escalation",
                                  message=f"custom role {res.address} lets its holders {what}")
