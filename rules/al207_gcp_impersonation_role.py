from __future__ import annotations

from agentlint.graph.schema import NodeKind, Rel
from agentlint.iam.gcp_roles import BASIC, ESCALATION, escalation_permissions
from agentlint.model import Confidence, Severity
from agentlint.rule import Rule, RuleContext, gcp_member_phrase, scope_phrase, gcp_condition, gcp_condition_phrase

# Predefined roles that let the holder become other identities or change who can do what.
ROLES = {
    "roles/iam.serviceAccountTokenCreator": "mint access and ID tokens for {target}",
    "roles/iam.serviceAccountUser": "act as {target} (attach it to workloads it creates)",
    "roles/iam.serviceAccountKeyAdmin": "create keys for {target}",
    "roles/iam.serviceAccountAdmin": "manage {target}, their IAM policies included",
    "roles/iam.workloadIdentityUser": "impersonate {target} through workload identity federation",
    "roles/iam.securityAdmin": "change IAM policies in the scope",
    "roles/resourcemanager.projectIamAdmin": "change the project's IAM policy",
    "roles/resourcemanager.folderIamAdmin": "change the folder's IAM policy",
    "roles/resourcemanager.organizationAdmin": "change the organization's IAM policy",
    "roles/iam.workloadIdentityPoolAdmin": "create identity pools and providers that let outside identities in",
    "roles/iam.roleAdmin": "create and change custom roles",
}


class GcpImpersonationRole(Rule):
    """
    ## What it does
    Flags Google Cloud IAM grants of roles that let the holder become other identities or change IAM:
    service-account token creator, user, key admin and admin, workload identity user, security admin,
    project/folder/organization IAM admin, workload identity pool admin and role admin. At project, folder or
    organization scope these roles apply to every service account underneath; a grant on one service account
    (`google_service_account_iam_*`) is reported when it goes to an agent's service account. Any other predefined
    role is judged by its permissions (agentlint ships Google's list for every predefined role): one that includes
    `iam.serviceAccounts.actAs`, `getAccessToken`, `signBlob`, `signJwt`, `implicitDelegation`, key creation,
    `setIamPolicy` on projects, folders, the organization or service accounts, or `iam.roles.create`/`update` is
    reported the same way, naming the permission. A `data "google_iam_policy"` document that no `*_iam_policy`
    resource applies is judged on its own, one level lower. A grant under an IAM `condition` (on the grant, or on its
    binding in the `data "google_iam_policy"` an `*_iam_policy` applies) holds only while the condition is true:
    it is reported with medium confidence, naming the condition.

    ## Why is this bad?
    An agent that can mint a token for, or act as, any service account of the project holds the union of their
    permissions; one that can change IAM can grant itself anything. These are the escalation paths attackers look
    for first.

    ## Example
    ```hcl
    resource "google_project_iam_member" "agent" {
      project = "acme-agents"
      role    = "roles/iam.serviceAccountTokenCreator"
      member  = "serviceAccount:${google_service_account.agent.email}"
    }
    ```

    ## Fix
    Grant token creator or user on the one service account the agent must use
    (`google_service_account_iam_member`), never at project scope; keep IAM admin roles away from agents.
    """

    id = "AL207"
    name = "gcp-impersonation-role"
    title = "Google Cloud role to impersonate service accounts or change IAM"
    category = "privilege-escalation"
    severity = Severity.CRITICAL
    fix = "Grant impersonation on one named service account, not the project; keep IAM admin roles from agents."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        # A `data "google_iam_policy"` no resource applies is judged on its own, one level lower (narrowed).
        for binding in g.relations(Rel.GCP_BINDING) + g.relations(Rel.GCP_UNAPPLIED):
            role, member = binding.role, binding.source
            # A predefined role not named above is judged by its permissions (the shipped catalogue).
            held = escalation_permissions(role) if role not in ROLES and role not in BASIC else []
            if role not in ROLES and not held:
                continue
            is_principal = g.node(member).kind == NodeKind.PRINCIPAL
            one_account = binding.scope_kind == "service_account"
            if one_account and not (is_principal and g.agent_paths(member)):
                continue  # a grant on one account is the recommended form, unless an agent holds it
            target = (f"service account {g.address_of(binding.account)}" if one_account and binding.account
                      else f"every service account in the {binding.scope_kind}")
            via = binding.via
            if held:
                what = "; ".join(f"{ESCALATION[p]} ({p})" for p in held)
                message = (f"{gcp_member_phrase(g, binding)} can {what}, on every service account in the "
                           f"{binding.scope_kind}: {role} on {scope_phrase(binding.scope)} by {via.address}") if not one_account \
                    else (f"{gcp_member_phrase(g, binding)} can {what} for {target}: {role} by {via.address}")
            else:
                message = (f"{gcp_member_phrase(g, binding)} can {ROLES[role].format(target=target)}: "
                           f"{role} on {scope_phrase(binding.scope)} by {via.address}")
            yield ctx.finding(self, at=via, line=via.line_of("role"), identity=member if is_principal else None,
                              narrowed=binding.rel == Rel.GCP_UNAPPLIED, key=f"{role}:{binding.member}",
                              confidence=Confidence.MEDIUM if gcp_condition(binding) else None,
                              message=message + gcp_condition_phrase(binding),
                              trace_tail=ctx.grant_steps(via, role, note=f"on {scope_phrase(binding.scope)}"))
