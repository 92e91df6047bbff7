from __future__ import annotations

from agentlint.graph.schema import NodeKind, Rel
from agentlint.model import Confidence, Severity
from agentlint.rule import Rule, RuleContext, gcp_member_phrase, scope_phrase, gcp_condition, gcp_condition_phrase

BASIC_ROLES = {
    "roles/owner": "Owner: every permission in the scope, IAM included",
    "roles/editor": "Editor: create, change and delete almost every resource in the scope",
    "roles/viewer": "Viewer: read almost every resource and its data in the scope",
}


class GcpBasicRole(Rule):
    """
    ## What it does
    Flags Google Cloud IAM grants of the basic roles `roles/owner`, `roles/editor` and `roles/viewer` at
    organization, folder or project scope (`google_{organization,folder,project}_iam_{member,binding}`), to any
    member. A grant to the service account an agent runs as (Cloud Run, Cloud Functions, Vertex AI Agent Engine,
    Compute, GKE node pools; the default service accounts included) names the agent and ranks higher. A
    `data "google_iam_policy"` document that no `*_iam_policy` resource applies is judged on its own, one level
    lower, as AWS policies attached to nothing are. A grant under an IAM `condition` (on the grant, or on its
    binding in the `data "google_iam_policy"` an `*_iam_policy` applies) holds only while the condition is true:
    it is reported with medium confidence, naming the condition.

    ## Why is this bad?
    Basic roles predate IAM's fine-grained roles and grant thousands of permissions across every service. Editor on
    a project lets an agent create service account keys for, and act as, every service account of the project;
    Owner adds IAM itself.

    ## Example
    ```hcl
    resource "google_project_iam_member" "agent" {
      project = "acme-agents"
      role    = "roles/editor"
      member  = "serviceAccount:${google_service_account.agent.email}"
    }
    ```

    ## Fix
    Grant the predefined roles the agent needs (`roles/aiplatform.user`, `roles/storage.objectViewer` on one
    bucket), at the narrowest resource.
    """

    id = "AL206"
    name = "gcp-basic-role"
    title = "Google Cloud basic role (Owner, Editor, Viewer) granted"
    category = "admin-access"
    severity = Severity.CRITICAL
    fix = "Replace the basic role with predefined roles on the resources the identity needs."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        # A `data "google_iam_policy"` no resource applies is judged on its own, one level lower (narrowed).
        for binding in g.relations(Rel.GCP_BINDING) + g.relations(Rel.GCP_UNAPPLIED):
            role = binding.role
            if role not in BASIC_ROLES or binding.scope_kind == "service_account":
                continue
            via = binding.via
            identity = binding.source if g.node(binding.source).kind == NodeKind.PRINCIPAL else None
            yield ctx.finding(self, at=via, line=via.line_of("role"), identity=identity,
                              narrowed=binding.rel == Rel.GCP_UNAPPLIED, key=f"{role}:{binding.member}",
                              confidence=Confidence.MEDIUM if gcp_condition(binding) else None,
                              trace_tail=ctx.grant_steps(via, role, note=f"on {scope_phrase(binding.scope)}"), message=(
                                  f"{gcp_member_phrase(g, binding)} is granted {role} ({BASIC_ROLES[role]}) on "
                                  f"{scope_phrase(binding.scope)} by {via.address}{gcp_condition_phrase(binding)}"))
