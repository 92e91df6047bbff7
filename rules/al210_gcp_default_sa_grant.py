from __future__ import annotations

from typing import Optional

from agentlint.graph.schema import Rel
from agentlint.iam.gcp_roles import (BASIC, DATA_READS, ESCALATION, data_read_permissions, escalation_permissions,
                                     permissions)
from agentlint.model import Confidence, Severity
from agentlint.rule import Rule, RuleContext, describe_identity, gcp_condition, gcp_condition_phrase

BASIC_WHAT = {
    "roles/owner": "every permission in the scope, IAM included",
    "roles/editor": "create, change and delete almost every resource in the scope",
    "roles/viewer": "read almost every resource and its data in the scope",
}
SHOWN = 4
SHOWN_PERMISSIONS = 2


class GcpDefaultServiceAccountGrant(Rule):
    """
    ## What it does
    Flags Google Cloud IAM grants to a default service account: the default compute service account
    (`PROJECT_NUMBER-compute@developer.gserviceaccount.com`, or `data.google_compute_default_service_account`'s
    `email` / `member`) and the App Engine default service account (`PROJECT_ID@appspot.gserviceaccount.com`,
    `data.google_app_engine_default_service_account`). Every workload created without a service account of its own
    runs as one of them: Compute Engine instances and templates with a `service_account` block without `email`,
    Cloud Run services and jobs, Cloud Functions (2nd gen: compute; 1st gen: App Engine) and GKE node pools without
    one; a GKE cluster whose default node pool, inline or separate node pools, Autopilot or node auto-provisioning
    nodes name none (a cluster that deleted its default pool runs as its other pools' accounts). The finding names
    those workloads in the scanned code, agents first, and ranks higher when an agent is among them (a cluster
    labelled as one in `resource_labels` included).

    A role is judged by what it grants (agentlint ships Google's permission list of every predefined role):
    a basic role, or a role with a permission to become another identity or change IAM
    (`iam.serviceAccounts.actAs`, `getAccessToken`, `*.setIamPolicy`...), has the rule's severity; a role that reads
    secrets or data (`secretmanager.versions.access`, `storage.objects.get`...) or an administrator role of one
    service (`roles/storage.admin`, `roles/container.clusterAdmin`) is one level lower. Other roles (log and metric
    writers, readers of artifacts) are what a default workload needs and are not reported; nor are custom roles
    (AL209 judges them). A grant on one service account (`google_service_account_iam_*`) is judged by its
    escalation permissions only. A grant under an IAM `condition` (on the grant, or on its binding in a
    `data "google_iam_policy"`) is reported with medium confidence.

    When this rule runs, it stands for what AL206, AL207 and AL401 would say about the same default account.
    The default accounts of the projects of one root module are one identity here: the scanned code does not say
    which project a workload's default account belongs to.

    ## Why is this bad?
    A default service account is shared by every workload that does not name one, today and tomorrow: a role given
    to it for one service is held by every VM, function and Cloud Run service of the project, an agent deployed
    next month included. Whoever steers any of them (a prompt injection in an agent's input) acts with the role.

    ## Example
    ```hcl
    data "google_compute_default_service_account" "default" {}

    resource "google_project_iam_member" "bucket_access" {
      project = var.project_id
      role    = "roles/storage.admin"
      member  = data.google_compute_default_service_account.default.member
    }
    ```

    ## Fix
    Create a service account for each workload (`google_service_account`), grant it the roles it needs on the
    resources it uses, and set it on the workload (`service_account`, `service_account_email`); leave the default
    accounts without roles (the organization policy `iam.automaticIamGrantsForDefaultServiceAccounts` stops the
    automatic Editor grant).
    """

    id = "AL210"
    name = "gcp-default-sa-grant"
    title = "Google Cloud role granted to a default service account that every default workload inherits"
    category = "workload-identity"
    severity = Severity.CRITICAL
    fix = "Give each workload a service account of its own with the roles it needs; grant nothing to default accounts."
    # The same grant, to the same default account: this finding says it with the workloads that inherit it.
    supersedes = ("AL206", "AL207", "AL401")

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for binding in g.relations(Rel.GCP_BINDING):
            account = g.node(binding.source)
            if account.rtype != "gcp_default_sa":
                continue
            judged = judge(binding.role, binding.scope_kind)
            if judged is None:
                continue
            top, why = judged
            via = binding.via
            # A grant under an IAM condition holds only while it is true: one confidence level lower, as AL206/AL207.
            yield ctx.finding(self, at=via, line=via.line_of("role"), identity=binding.source, narrowed=not top,
                              key=f"{binding.role}:{binding.member}",
                              confidence=Confidence.MEDIUM if gcp_condition(binding) else None, message=(
                                  f"{describe_identity(g, binding.source)} is granted {binding.role} "
                                  f"({why}) on {binding.scope} by {via.address}{gcp_condition_phrase(binding)}; "
                                  f"{inherited_by(g, binding.source)}"))


def judge(role: Optional[str], scope_kind: Optional[str]) -> Optional[tuple[bool, str]]:
    """(of the rule's severity?, what makes the role risky), or None for a role a default workload may hold."""
    if not isinstance(role, str):
        return None
    if role in BASIC:
        return True, BASIC_WHAT[role]
    held = escalation_permissions(role)
    if held:
        return True, "; ".join(f"{ESCALATION[p]}: {p}" for p in held[:SHOWN_PERMISSIONS]) + _more(held)
    if scope_kind == "service_account":
        return None  # reads and administration of one service account's resources do not reach data
    reads = data_read_permissions(role)
    if reads:
        return False, "; ".join(f"{DATA_READS[p]} in the scope: {p}" for p in reads[:SHOWN_PERMISSIONS]) + _more(reads)
    perms = permissions(role)
    if perms and role.rsplit(".", 1)[-1].lower().endswith("admin"):
        return False, f"administrator of the service, {len(perms)} permissions"
    return None


def _more(items: list) -> str:
    extra = len(items) - SHOWN_PERMISSIONS
    return f" and {extra} more such permission{'s' if extra > 1 else ''}" if extra > 0 else ""


def inherited_by(g, account: str) -> str:
    """'inherited by every workload without a service account of its own: agent x, y' (agents first)."""
    workloads = sorted({e.source for e in g.edges_in(account, Rel.RUNS_AS)},
                       key=lambda n: (n not in g.agents, g.address_of(n)))
    if not workloads:
        return ("no workload in the scanned code runs as it, but every one created without a service account of "
                "its own will")
    names = [f"{'agent ' if n in g.agents else ''}{g.address_of(n)}" for n in workloads]
    shown = ", ".join(names[:SHOWN]) + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")
    return f"every workload without a service account of its own inherits it: {shown}"
