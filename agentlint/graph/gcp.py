"""Google Cloud in the identity graph: workloads -> service accounts (the default ones when none is set) and IAM
grants of roles to members at organization, folder, project and service-account scope.

Attribute paths and defaults from the hashicorp/google provider docs as recorded in
`shared/notes/identity-catalog.md` section 1.3 / 2.2 (Cloud Run "If not provided, the revision will use the project's
default service account"; GKE node pools: "If not specified, the 'default' service account is used"). GKE
clusters run as their nodes' accounts: graph.gcp_gke.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

from agentlint.graph import gcp_gke, kubernetes
from agentlint.model import Resource
from agentlint.values import ProviderDefault, Unknown, blocks, display, follow_blocks, refs_in

if TYPE_CHECKING:
    from agentlint.graph.build import IdentityGraph

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
# The data sources that read the default accounts (hashicorp/google: `email` and `member` attributes), and the email
# suffixes an expression ends with when it builds one from a project number or ID
# ("${data.google_project.p.number}-compute@developer.gserviceaccount.com").
DEFAULT_SA_DATA = {"google_compute_default_service_account": "compute",
                   "google_app_engine_default_service_account": "appspot"}
DEFAULT_SUFFIX = {"-compute@developer.gserviceaccount.com": "compute", "@appspot.gserviceaccount.com": "appspot"}

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
    """(role, members) pairs of a `policy_data` value (see `policy_grants`)."""
    return [(role, members) for role, members, _condition in policy_grants(policy_data, lookup)]


def policy_grants(policy_data, lookup) -> list[tuple[Any, list, Optional[str]]]:
    """(role, members, condition) of each binding of a `policy_data` value: a JSON string (plans) or a reference to
    a `data "google_iam_policy"` whose `binding` blocks hold them (configuration). `condition`: the binding's
    condition (`binding_condition`), or None."""
    import json

    if isinstance(policy_data, str):
        try:
            doc = json.loads(policy_data)
        except ValueError:
            return []
        bindings = doc.get("bindings") if isinstance(doc, dict) else None  # the JSON may be anything: it is input
        return [(b.get("role"), b.get("members") if isinstance(b.get("members"), list) else [],
                 binding_condition(b.get("condition")))
                for b in (bindings if isinstance(bindings, list) else []) if isinstance(b, dict)]
    if isinstance(policy_data, Unknown):
        for ref in policy_data.refs:
            source = lookup(ref.address)
            if source is not None and source.type == "google_iam_policy":
                return [(b.get("role"), b.get("members") or [], binding_condition(b.get("condition")))
                        for b in blocks(source.values.get("binding"))]
    return []


def binding_condition(value: Any) -> Optional[str]:
    """The `condition` of a grant or a policy binding (a block in the code, an object in JSON), named by its title,
    else its expression, else "a condition"; None when there is none. A grant with one holds only while its
    expression is true: rules report it one confidence level lower."""
    block = value[0] if isinstance(value, list) and value else value
    if not isinstance(block, dict):
        return None
    for key in ("title", "expression"):
        text = block.get(key)
        if isinstance(text, str) and text.strip():
            return text
    return "a condition"


# The gcp identity type that holds grants (a node of kind principal).
PRINCIPAL_TYPES = ("google_service_account",)


# -- wiring ----------------------------------------------------------------------------------------------

def build(b: "IdentityGraph", resources: list[Resource]) -> None:
    """Google Cloud workloads -> service accounts, and IAM grants (role, members, scope) as edges from each member
    to a role node."""
    accounts: dict[tuple, str] = {}
    for res in resources:
        if res.mode == "managed" and res.type == "google_service_account":
            account_id = res.values.get("account_id")
            if isinstance(account_id, str):
                accounts[(res.stack, account_id)] = b._add(res, "principal")
    for res in resources:
        # `data "google_service_account"`: an account defined elsewhere, named by ID, email or resource path; one
        # node for it that workloads and grants meet at, by reference or by email.
        if res.mode == "data" and res.type == "google_service_account":
            account_id = b.resolve(res.stack, res.values.get("account_id"))
            if isinstance(account_id, str) and account_id:
                key = (res.stack, account_id.rsplit("/", 1)[-1].split("@", 1)[0])
                accounts.setdefault(key, b._add(res, "principal"))
    pools = gcp_gke.pools_by_cluster(resources, b.lookup)
    for res in resources:
        if res.mode != "managed":
            continue
        if res.type == gcp_gke.CLUSTER:
            cluster(b, res, pools.get((res.stack, res.address), []), accounts)
        elif res.type in kubernetes.K8S_SERVICE_ACCOUNT_TYPES:  # GKE Workload Identity: the KSA acts as the annotated GSA
            value = kubernetes.annotation(res, GKE_ANNOTATION)
            if value is not None:
                target = account_node(b, res.stack, value, None, accounts)
                if target is not None:
                    b.store.add_edge(b._add(res, "workload"), target, rel="assumes",
                                    attr=f"metadata.annotations[{GKE_ANNOTATION}]", via=None)
        elif res.type in WORKLOAD_SA:
            path, attr, default = WORKLOAD_SA[res.type]
            node = b._add(res, "workload")
            if res.type in IDENTITY_BLOCK_REQUIRED and not blocks(res.values.get(path[0])):
                continue  # an instance without a service_account block has no identity
            if res.type == "google_vertex_ai_reasoning_engine" and \
                    follow_blocks(res.values, ("spec",)).get("identity_type") == "AGENT_IDENTITY":
                continue  # the agent is its own principal (Google-managed agent identity)
            value = follow_blocks(res.values, path).get(attr) if path else res.values.get(attr)
            if res.type == gcp_gke.NODE_POOL:
                value = gcp_gke.node_account(value)  # "default" (plans, state): the default compute account
            sa = account_node(b, res.stack, value, default, accounts)
            if sa is not None:
                b.store.add_edge(node, sa, rel="runs_as", attr=".".join(path + (attr,)), via=None)
        elif res.type in IAM_GRANTS:
            scope_kind, attr = IAM_GRANTS[res.type]
            grant(b, res, accounts, scope_kind, res.values.get("role"), res.values.get(attr),
                  binding_condition(res.values.get("condition")))
        elif res.type in IAM_POLICIES:
            # Each binding of the policy is a grant of its own, with its own condition.
            found = policy_grants(res.values.get("policy_data"), lambda a, s=res.stack: b.lookup(s, a))
            for role, members, condition in found:
                grant(b, res, accounts, IAM_POLICIES[res.type], role, members, condition)
    unapplied_policies(b, resources, accounts)


def cluster(b: "IdentityGraph", res: Resource, pools: list[Resource], accounts: dict) -> None:
    """A GKE cluster runs as the service accounts of its nodes (graph.gcp_gke): its default node pool's, its
    node pools', Autopilot's or node auto-provisioning's; a cluster the code does not say that of is left out."""
    found = gcp_gke.cluster_identities(res, pools)
    if not found:
        return
    node = b._add(res, "workload")
    seen: set[str] = set()
    for value, attr, via in found:
        sa = account_node(b, res.stack, value, "compute", accounts)
        if sa is not None and sa not in seen:  # pools that share an account: one edge, the first pool's
            seen.add(sa)
            b.store.add_edge(node, sa, rel="runs_as", attr=attr if via is None else f"{via.address}.{attr}", via=via)


def unapplied_policies(b: "IdentityGraph", resources: list[Resource], accounts: dict) -> None:
    """`data "google_iam_policy"` documents that no `*_iam_policy` resource applies (`policy_data`), judged on their
    own as AWS policies attached to nothing are: `gcp_unapplied` edges from each member to each role, which grant
    nothing yet (the inventory and the reach of identities leave them out)."""
    docs = [res for res in resources if res.mode == "data" and res.type == "google_iam_policy"]
    if not docs:
        return
    applied: set[tuple[str, str]] = set()
    for res in resources:
        if res.mode != "managed" or not res.type.endswith("_iam_policy"):
            continue
        value = res.values.get("policy_data")
        for ref in refs_in(value):
            source = b.lookup(res.stack, ref.address)
            if source is not None and source.type == "google_iam_policy":
                applied.add((source.stack, source.address))
        if isinstance(value, str):  # a plan holds the JSON the data source rendered, not a reference to it
            applied |= {(d.stack, d.address) for d in docs if d.stack == res.stack and d.values.get("policy_data") == value}
    for doc in docs:
        if (doc.stack, doc.address) in applied:
            continue
        role_scope = f"no scope yet ({doc.address} is applied by no *_iam_policy resource in the scanned code)"
        for binding in blocks(doc.values.get("binding")):
            role, members = binding.get("role"), binding.get("members")
            if not isinstance(role, str):
                continue
            role_node = f"{doc.stack}::gcp-role:{role}"
            if role_node not in b.store:
                b.store.add_node(role_node, kind="gcp_role", address=role, rtype="gcp_role", resource=None,
                                 stack=doc.stack)
            for member in members if isinstance(members, list) else [members]:
                node = member_node(b, doc.stack, member, accounts)
                if node is not None:
                    b.store.add_edge(node, role_node, rel="gcp_unapplied", via=doc, role=role, scope=role_scope,
                                     scope_kind="scope the policy is applied to", member=display(member, 120),
                                     condition=binding_condition(binding.get("condition")))


def grant(b: "IdentityGraph", res: Resource, accounts: dict, scope_kind: str, role: Any, members: Any,
          condition: Optional[str] = None) -> None:
    if not isinstance(role, str):
        return
    scope_value = res.values.get(SCOPE_ATTR[scope_kind])
    target = account_node(b, res.stack, scope_value, None, accounts) if scope_kind == "service_account" else None
    if target:
        scope = f"service account {b._address_of(target)}"
    elif scope_value is None:  # `project` left out: the provider's project; the others are required attributes
        scope = "the provider's default project" if scope_kind == "project" else f"a {scope_kind} not given"
    else:
        scope = f"{scope_kind} {display(scope_value, 60)}"
    role_node = f"{res.stack}::gcp-role:{role}"
    if role_node not in b.store:
        b.store.add_node(role_node, kind="gcp_role", address=role, rtype="gcp_role", resource=None, stack=res.stack)
    for member in members if isinstance(members, list) else [members]:
        node = member_node(b, res.stack, member, accounts)
        if node is not None:
            b.store.add_edge(node, role_node, rel="gcp_binding", via=res, role=role, scope=scope,
                            scope_kind=scope_kind, target=target, member=display(member, 120), condition=condition)


def member_node(b: "IdentityGraph", stack: str, member: Any, accounts: dict) -> Optional[str]:
    if isinstance(member, Unknown):
        node = account_node(b, stack, member, None, accounts)
        return node if node is not None else b._external(stack, "gcp_member", display(member), "gcp_member")
    if not isinstance(member, str) or not member:
        return None
    kind, rest = member_kind(member)
    if kind == "serviceAccount":
        return account_node(b, stack, rest, None, accounts)
    return b._external(stack, "gcp_member", member, "gcp_member")


def account_node(b: "IdentityGraph", stack: str, value: Any, default: Optional[str], accounts: dict,
                 _depth: int = 0) -> Optional[str]:
    """The node of the service account a value names (reference, email, or nothing and a default); a reference
    to another resource's attribute is read through it (`google_cloud_run_v2_service.x.template[0].service_account`)."""
    if isinstance(value, ProviderDefault) and default is not None:  # a plan: the attribute was not written
        return default_account(b, stack, default)
    if isinstance(value, Unknown):
        which = default_named(value, lambda address: b.lookup(stack, address))
        if which is not None:
            return default_account(b, stack, which)
        for ref in value.refs:
            res = b.lookup(stack, ref.address)
            if res is not None and res.type == "google_service_account":
                return b._add(res, "principal")
        resolved = b.resolve(stack, value)
        if resolved is not value and isinstance(resolved, (str, Unknown)) and _depth < 4:
            return account_node(b, stack, resolved, None, accounts, _depth + 1)
        return b._external(stack, "service_account", display(value), "unresolved")
    if isinstance(value, str) and value:
        email = value.removeprefix("serviceAccount:").removeprefix("projects/-/serviceAccounts/")
        if DEFAULT_EMAIL.match(email):
            return default_account(b, stack, "appspot" if email.endswith("appspot.gserviceaccount.com") else "compute")
        node = accounts.get((stack, email.split("@", 1)[0]))
        return node if node is not None else b._external(stack, "service_account", email, "google_service_account")
    if value is None and default is not None:
        return default_account(b, stack, default)
    return None


def default_named(value: Unknown, lookup) -> Optional[str]:
    """Which default account an expression names: `data.google_compute_default_service_account.x.email` (or
    `.member`), or an email built from the project (`"${data.google_project.p.number}-compute@developer..."`).
    `lookup(address)`: the resource a reference names (the builder's or the frozen graph's)."""
    for ref in value.refs:
        res = lookup(ref.address)
        if res is not None and res.type in DEFAULT_SA_DATA and res.mode == "data":
            return DEFAULT_SA_DATA[res.type]
    text = value.text.strip().strip('"')
    return next((which for suffix, which in DEFAULT_SUFFIX.items() if text.endswith(suffix)), None)


def default_account(b: "IdentityGraph", stack: str, which: str) -> str:
    node = f"{stack}::gcp-default-sa:{which}"
    if node not in b.store:
        b.store.add_node(node, kind="principal", address=DEFAULT_ACCOUNTS[which], rtype="gcp_default_sa",
                        resource=None, stack=stack, default=which)
    return node
