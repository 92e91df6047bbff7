"""Google Cloud predefined roles judged by their permissions (from the shipped catalogue): which permissions let the
holder become another identity or change IAM, and which read secrets or data, so that a finding names the permission
that makes a role risky instead of judging the role by its name."""

from __future__ import annotations

from typing import Optional

from agentlint.iam.catalogues import gcp_role

# Permissions that let the holder become another identity or change IAM (Google Cloud IAM permissions reference).
ESCALATION = {
    "iam.serviceAccounts.getAccessToken": "mint access tokens for service accounts",
    "iam.serviceAccounts.getOpenIdToken": "mint ID tokens for service accounts",
    "iam.serviceAccounts.signBlob": "sign as service accounts",
    "iam.serviceAccounts.signJwt": "sign JWTs as service accounts",
    "iam.serviceAccounts.implicitDelegation": "chain impersonation through service accounts",
    "iam.serviceAccounts.actAs": "attach service accounts to workloads it creates",
    "iam.serviceAccountKeys.create": "create service account keys",
    "iam.serviceAccounts.setIamPolicy": "grant itself roles on service accounts",
    "resourcemanager.projects.setIamPolicy": "change the project's IAM policy",
    "resourcemanager.folders.setIamPolicy": "change folders' IAM policies",
    "resourcemanager.organizations.setIamPolicy": "change the organization's IAM policy",
    "iam.roles.update": "add permissions to custom roles",
    "iam.roles.create": "create custom roles",
}

# Reads of secrets and data that, granted on a project, folder or organization, reach every one underneath.
DATA_READS = {
    "secretmanager.versions.access": "read every secret's value",
    "storage.objects.get": "read every object in every bucket",
    "bigquery.tables.getData": "read every BigQuery table",
    "cloudsql.instances.login": "log in to every Cloud SQL instance",
    "spanner.databases.read": "read every Spanner database",
    "datastore.entities.get": "read every Datastore/Firestore entity",
    "cloudkms.cryptoKeyVersions.useToDecrypt": "decrypt with every KMS key",
}


def permissions(role: str) -> Optional[list[str]]:
    """A predefined role's permissions, or None for a role the catalogue does not know (custom, or newer) and for
    service agent roles (`roles/run.serviceAgent`...): Google grants those to its own service identities, which
    need them to run the service (actAs, token minting); granting them is following Google's setup, not a choice."""
    if isinstance(role, str) and role.lower().endswith("serviceagent"):
        return None
    entry = gcp_role(role) if isinstance(role, str) and role.startswith("roles/") else None
    return entry["permissions"] if entry else None


def escalation_permissions(role: str) -> list[str]:
    return [p for p in permissions(role) or () if p in ESCALATION]


def data_read_permissions(role: str) -> list[str]:
    return [p for p in permissions(role) or () if p in DATA_READS]


# Owner, Editor and Viewer are judged as basic roles (AL206), whatever their permissions.
BASIC = ("roles/owner", "roles/editor", "roles/viewer")


# Administrator-like breadth: a predefined role that writes in many services at once (Editor's shape without being
# Editor). Measured on the catalogue: Owner and Editor write in ~280 services; the job-function roles that come next
# (roles/iam.infrastructureAdmin, roles/iam.networkAdmin, roles/firebase.admin, roles/dlp.projectdriver...) write in
# 15 to 60 services with 200 to 1,000 write permissions; a single-service admin (roles/storage.admin,
# roles/cloudsql.admin) writes in 5 to 7, with under 100.
BREADTH_SERVICES = 15
BREADTH_WRITES = 200
_WRITE_VERBS = ("create", "update", "delete", "set", "patch", "insert", "write", "deploy", "attach", "detach",
                "enable", "disable", "undelete", "import", "replace", "move", "upload", "reset", "resize", "apply",
                "remove", "add", "destroy", "purge", "truncate", "drop", "rollback", "restore")


def write_breadth(role: str) -> Optional[dict]:
    """{"services": {service: write permissions}, "writes": n} for a predefined role whose write permissions span
    BREADTH_SERVICES services and BREADTH_WRITES permissions, else None. Tag bindings (a tag on every kind of
    resource) are not counted: attaching tags is one job, however many services it touches."""
    perms = permissions(role)
    if not perms or role in BASIC:
        return None
    services: dict[str, int] = {}
    for p in perms:
        verb = p.rsplit(".", 1)[-1].lower()
        if verb.startswith(_WRITE_VERBS) and "tag" not in p.lower():
            service = p.split(".", 1)[0]
            services[service] = services.get(service, 0) + 1
    writes = sum(services.values())
    if len(services) < BREADTH_SERVICES or writes < BREADTH_WRITES:
        return None
    return {"services": services, "writes": writes}


def title(role: str) -> str:
    entry = gcp_role(role) if isinstance(role, str) and role.startswith("roles/") else None
    return entry.get("title", "") if entry else ""
