"""Google Cloud in the identity graph: workloads -> service accounts (the default ones when none is set) and IAM
grants of roles to members at organization, folder, project and service-account scope.

Attribute paths and defaults from the hashicorp/google provider docs as recorded in
`shared/notes/identity-catalog.md` section 1.3 / 2.2 (Cloud Run "If not provided, the revision will use the project's
default service account"; GKE node pools: "If not specified, the 'default' service account is used").
"""

from __future__ import annotations

import re
from typing import Optional

# Workload type -> (path of nested blocks, attribute) holding the service account email, and the service account it
# runs as when that is unset ("compute" = the project's default compute service account, None = no identity).
WORKLOAD_SA: dict[str, tuple[tuple[str, ...], str, Optional[str]]] = {
    "google_vertex_ai_reasoning_engine": (("spec",), "service_account", "reasoning-engine"),
    "google_cloud_run_v2_service": (("template",), "service_account", "compute"),
    "google_cloud_run_v2_job": (("template", "template"), "service_account", "compute"),
    "google_cloud_run_service": (("template", "spec"), "service_account_name", "compute"),
    "google_cloudfunctions_function": ((), "service_account_email", "appspot"),
    "google_cloudfunctions2_function": (("service_config",), "service_account_email", "compute"),
    "google_compute_instance": (("service_account",), "email", "compute"),
    "google_compute_instance_template": (("service_account",), "email", "compute"),
    "google_compute_instance_from_template": (("service_account",), "email", "compute"),
    "google_container_node_pool": (("node_config",), "service_account", "compute"),
    "google_workflows_workflow": ((), "service_account", "compute"),
}
# An instance without a `service_account` block has no identity at all; with one and no email, the default account.
IDENTITY_BLOCK_REQUIRED = {"google_compute_instance", "google_compute_instance_template",
                           "google_compute_instance_from_template"}
DEFAULT_ACCOUNTS = {
    "compute": "the project's default compute service account (PROJECT_NUMBER-compute@developer.gserviceaccount.com)",
    "appspot": "the App Engine default service account (PROJECT_ID@appspot.gserviceaccount.com)",
    "reasoning-engine": "the Vertex AI Reasoning Engine service agent",
}
DEFAULT_EMAIL = re.compile(r"^(\d+-compute@developer\.gserviceaccount\.com|[\w-]+@appspot\.gserviceaccount\.com)$")

# IAM grant resources -> (scope kind, attribute of the members: one `member` or a `members` list).
IAM_GRANTS: dict[str, tuple[str, str]] = {
    "google_project_iam_member": ("project", "member"), "google_project_iam_binding": ("project", "members"),
    "google_folder_iam_member": ("folder", "member"), "google_folder_iam_binding": ("folder", "members"),
    "google_organization_iam_member": ("organization", "member"),
    "google_organization_iam_binding": ("organization", "members"),
    "google_service_account_iam_member": ("service_account", "member"),
    "google_service_account_iam_binding": ("service_account", "members"),
}
# Authoritative policies: `policy_data`, from `data "google_iam_policy"` (binding blocks) or JSON (plans).
IAM_POLICIES: dict[str, str] = {
    "google_project_iam_policy": "project", "google_folder_iam_policy": "folder",
    "google_organization_iam_policy": "organization", "google_service_account_iam_policy": "service_account",
}
SCOPE_ATTR = {"project": "project", "folder": "folder", "organization": "org_id", "service_account": "service_account_id"}

GKE_ANNOTATION = "iam.gke.io/gcp-service-account"
CLOUD_PLATFORM_SCOPES = {"cloud-platform", "https://www.googleapis.com/auth/cloud-platform"}


def member_kind(member: str) -> tuple[str, str]:
    """`serviceAccount:x@p.iam.gserviceaccount.com` -> ("serviceAccount", "x@p..."); `allUsers` -> ("allUsers", "")."""
    kind, _, rest = member.partition(":")
    return kind, rest


def policy_bindings(policy_data, lookup) -> list[tuple[str, list]]:
    """(role, members) pairs of a `policy_data` value: a JSON string (plans) or a reference to a
    `data "google_iam_policy"` whose `binding` blocks hold them (configuration)."""
    import json

    from agentlint.values import Unknown, blocks

    if isinstance(policy_data, str):
        try:
            doc = json.loads(policy_data)
        except ValueError:
            return []
        return [(b.get("role"), b.get("members") or []) for b in doc.get("bindings", []) if isinstance(b, dict)]
    if isinstance(policy_data, Unknown):
        for ref in policy_data.refs:
            source = lookup(ref.address)
            if source is not None and source.type == "google_iam_policy":
                return [(b.get("role"), b.get("members") or []) for b in blocks(source.values.get("binding"))]
    return []
