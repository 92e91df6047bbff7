"""Kubernetes in the identity graph (the provider module): pods and other workloads run as service accounts
(`runs_as`; a pod without one runs as its namespace's `default`), service accounts assume cloud roles through their
annotations (IRSA here; GKE and AKS in their own providers), and RBAC Roles and ClusterRoles (their rules) are given
to service accounts by bindings (`k8s_binding`), so that rules can ask what an agent's pod may do in the cluster.

Facts from the hashicorp/kubernetes provider schema (`kubernetes_(cluster_)role(_v1).rule[]{api_groups, resources,
verbs, resource_names}`, `kubernetes_(cluster_)role_binding(_v1).role_ref{kind, name}` and `subject[]{kind, name,
namespace}`) and the Kubernetes RBAC documentation for the default user-facing ClusterRoles.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional

from agentlint.graph import kagent
from agentlint.graph.schema import external_sa_node
from agentlint.model import Resource
from agentlint.values import Unknown, blocks, display, first_block, follow_blocks, refs_in


if TYPE_CHECKING:
    from agentlint.graph.build import IdentityGraph

K8S_SERVICE_ACCOUNT_TYPES = ("kubernetes_service_account", "kubernetes_service_account_v1")
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"

# Pod-bearing Kubernetes resources -> path to the pod spec.
K8S_POD_SPEC: dict[str, tuple[str, ...]] = {
    "kubernetes_pod": ("spec",),
    "kubernetes_pod_v1": ("spec",),
    "kubernetes_deployment": ("spec", "template", "spec"),
    "kubernetes_deployment_v1": ("spec", "template", "spec"),
    "kubernetes_stateful_set": ("spec", "template", "spec"),
    "kubernetes_stateful_set_v1": ("spec", "template", "spec"),
    "kubernetes_daemon_set_v1": ("spec", "template", "spec"),
    "kubernetes_daemonset": ("spec", "template", "spec"),
    "kubernetes_job": ("spec", "template", "spec"),
    "kubernetes_job_v1": ("spec", "template", "spec"),
    "kubernetes_cron_job": ("spec", "job_template", "spec", "template", "spec"),
    "kubernetes_cron_job_v1": ("spec", "job_template", "spec", "template", "spec"),
}

ROLE_TYPES = {"kubernetes_role": "Role", "kubernetes_role_v1": "Role",
              "kubernetes_cluster_role": "ClusterRole", "kubernetes_cluster_role_v1": "ClusterRole"}
BINDING_TYPES = {"kubernetes_role_binding": "RoleBinding", "kubernetes_role_binding_v1": "RoleBinding",
                 "kubernetes_cluster_role_binding": "ClusterRoleBinding",
                 "kubernetes_cluster_role_binding_v1": "ClusterRoleBinding"}
TOKEN_SECRET_TYPE = "kubernetes.io/service-account-token"
RBAC_SOURCE_TYPES = set(ROLE_TYPES) | set(BINDING_TYPES) | {"kubernetes_manifest"}


@dataclass(frozen=True)
class RbacRule:
    api_groups: tuple
    resources: tuple
    verbs: tuple
    resource_names: tuple = ()

    def allows(self, verb: str, resource: str) -> bool:
        """Does the rule grant `verb` on `resource` (core or any API group; `resource_names` narrows it)?"""
        if self.resource_names:
            return False
        return _has(self.verbs, verb) and (_has(self.resources, resource) or
                                            ("/" not in resource and _has(self.resources, f"{resource}/*")))

    @property
    def everything(self) -> bool:
        """Every verb on every resource (cluster-admin's rule), not narrowed by resource names."""
        return "*" in self.verbs and "*" in self.resources and not self.resource_names

    @property
    def wildcards(self) -> list[str]:
        out = []
        if "*" in self.verbs:
            out.append("verbs")
        if "*" in self.resources:
            out.append("resources")
        if "*" in self.api_groups:
            out.append("apiGroups")
        return out


def _has(items: tuple, value: str) -> bool:
    return "*" in items or value in items


# The default user-facing ClusterRoles (kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles),
# reduced to what the rules ask about.
BUILTIN_ROLES: dict[str, tuple[str, tuple[RbacRule, ...]]] = {
    "cluster-admin": ("super-user access to every resource in the cluster",
                      (RbacRule(("*",), ("*",), ("*",)),)),
    "admin": ("read/write to most resources of a namespace, including Roles, RoleBindings and Secrets",
              (RbacRule(("", "apps", "batch"), ("pods", "pods/exec", "secrets", "serviceaccounts", "deployments",
                                                 "jobs", "configmaps", "services"),
                        ("get", "list", "watch", "create", "update", "patch", "delete")),
               RbacRule(("rbac.authorization.k8s.io",), ("roles", "rolebindings"),
                        ("get", "list", "watch", "create", "update", "patch", "delete")),
               RbacRule(("",), ("serviceaccounts",), ("impersonate",)))),
    "edit": ("read/write to most resources of a namespace, including Secrets and running pods as any service "
             "account of the namespace",
             (RbacRule(("", "apps", "batch"), ("pods", "pods/exec", "secrets", "serviceaccounts", "deployments",
                                                "jobs", "configmaps", "services"),
                       ("get", "list", "watch", "create", "update", "patch", "delete")),
              RbacRule(("",), ("serviceaccounts",), ("impersonate",)))),
    "view": ("read-only access to most resources of a namespace, not Secrets",
             (RbacRule(("", "apps", "batch"), ("pods", "deployments", "jobs", "configmaps", "services"),
                       ("get", "list", "watch")),)),
}


def rules_of(values: dict) -> tuple[RbacRule, ...]:
    out = []
    for r in blocks(values.get("rule")):
        out.append(RbacRule(_strings(r.get("api_groups")), _strings(r.get("resources")), _strings(r.get("verbs")),
                            _strings(r.get("resource_names"))))
    return tuple(out)


def _strings(value) -> tuple:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def metadata(values: dict) -> tuple[Optional[str], str]:
    """(name, namespace) from a resource's `metadata` block; the namespace defaults to `default`."""
    meta = first_block(values.get("metadata"))
    name = meta.get("name")
    namespace = meta.get("namespace")
    return (name if isinstance(name, str) else None), (namespace if isinstance(namespace, str) else "default")


def rbac_object(rtype: str, values: dict) -> Optional[tuple[str, dict]]:
    """(kind, values in the provider's shape) for an RBAC resource: `kubernetes_role_v1` and friends as they are,
    and `kubernetes_manifest` objects of kind Role, ClusterRole, RoleBinding or ClusterRoleBinding translated
    (`rules[].apiGroups` -> `rule[].api_groups`, `roleRef` -> `role_ref`, `subjects` -> `subject`)."""
    if rtype in ROLE_TYPES:
        return ROLE_TYPES[rtype], values
    if rtype in BINDING_TYPES:
        return BINDING_TYPES[rtype], values
    if rtype != "kubernetes_manifest":
        return None
    manifest = first_block(values.get("manifest"))
    kind = manifest.get("kind")
    if kind not in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"):
        return None
    meta = first_block(manifest.get("metadata"))
    shaped: dict = {"metadata": [{"name": meta.get("name"), "namespace": meta.get("namespace")}]}
    if kind in ("Role", "ClusterRole"):
        shaped["rule"] = [{"api_groups": r.get("apiGroups"), "resources": r.get("resources"), "verbs": r.get("verbs"),
                           "resource_names": r.get("resourceNames")} for r in blocks(manifest.get("rules"))]
    else:
        shaped["role_ref"] = [first_block(manifest.get("roleRef"))]
        shaped["subject"] = blocks(manifest.get("subjects"))
    return kind, shaped


# kubernetes_manifest objects that run pods, in the shape of the provider resource of the same kind.
MANIFEST_POD_KINDS = {"Pod": "kubernetes_pod_v1", "Deployment": "kubernetes_deployment_v1",
                      "StatefulSet": "kubernetes_stateful_set_v1", "DaemonSet": "kubernetes_daemon_set_v1",
                      "Job": "kubernetes_job_v1", "CronJob": "kubernetes_cron_job_v1"}
# Custom resources that are agents by nature: kagent (kagent.dev) and Kubernetes SIG Apps' agent sandboxes.
AGENT_CRDS = {("kagent.dev", "Agent"): "kagent_agent", ("agents.x-k8s.io", "Sandbox"): "k8s_agent_sandbox",
              ("extensions.agents.x-k8s.io", "SandboxTemplate"): "k8s_agent_sandbox"}
_MANIFEST_POD_PATH = {"Pod": ("spec",), "CronJob": ("spec", "jobTemplate", "spec", "template", "spec")}


def _text(value) -> Optional[str]:
    """A name, kind or namespace as a lookup key: the scanned tree may put a list or a map where a string belongs
    (valid HCL, rejected only by the provider), and an unhashable key must not stop the graph."""
    return value if isinstance(value, str) else None


def manifest_workload(values: dict, pod_paths: dict) -> Optional[tuple[str, dict]]:
    """(resource type, values) for a `kubernetes_manifest` that runs pods or declares an agent, translated to the
    provider's shape (`serviceAccountName` -> `service_account_name`, `containers[].env` -> `container[].env`), so the
    graph and the rules read it like `kubernetes_deployment_v1` and friends."""
    manifest = first_block(values.get("manifest"))
    kind, api = _text(manifest.get("kind")), manifest.get("apiVersion")
    group = api.split("/", 1)[0] if isinstance(api, str) and "/" in api else ""
    meta = first_block(manifest.get("metadata"))
    shaped_meta = {"name": meta.get("name"), "namespace": meta.get("namespace"), "labels": meta.get("labels")}
    if (group, kind) in AGENT_CRDS:
        return AGENT_CRDS[(group, kind)], {"metadata": [shaped_meta]}
    if kind not in MANIFEST_POD_KINDS:
        return None
    rtype = MANIFEST_POD_KINDS[kind]
    src = manifest
    for step in _MANIFEST_POD_PATH.get(kind, ("spec", "template", "spec")):
        src = first_block(src.get(step))
    template_meta = first_block(first_block(first_block(manifest.get("spec")).get("template")).get("metadata"))
    pod = {"service_account_name": src.get("serviceAccountName") or src.get("serviceAccount"),
           "automount_service_account_token": src.get("automountServiceAccountToken"),
           "container": [{"name": c.get("name"), "image": c.get("image"), "command": c.get("command"),
                          "args": c.get("args"),
                          "env": [{"name": e.get("name"), "value": e.get("value")} for e in blocks(c.get("env"))]}
                         for c in blocks(src.get("containers"))]}
    shaped: dict = {"metadata": [shaped_meta]}
    cur = shaped
    path = pod_paths[rtype]
    for step in path[:-1]:
        node: dict = {}
        if step == "template":
            node["metadata"] = [{"labels": template_meta.get("labels")}]
        cur[step] = [node]
        cur = node
    cur[path[-1]] = [pod]
    return rtype, shaped


# -- wiring ----------------------------------------------------------------------------------------------

def wire_service_account(b: "IdentityGraph", res: Resource) -> None:
    node = b._add(res, "workload")
    annotations = first_block(res.values.get("metadata")).get("annotations")
    if isinstance(annotations, dict) and IRSA_ANNOTATION in annotations:
        for target, _ in b.targets(res.stack, annotations[IRSA_ANNOTATION], "role"):
            b.store.add_edge(node, target, rel="assumes", attr=f"metadata.annotations[{IRSA_ANNOTATION}]", via=None)


def wire_pod(b: "IdentityGraph", res: Resource) -> None:
    node = b._add(res, "workload")
    spec = follow_blocks(res.values, K8S_POD_SPEC[res.type])
    sa_name = spec.get("service_account_name") or spec.get("service_account")
    _, namespace = name_namespace(b, res.stack, res.values)
    # A pod without one runs as its namespace's `default` service account, which RBAC can bind like any.
    accounts = service_accounts(b, res.stack, sa_name if sa_name not in (None, "") else "default", namespace)
    for sa in accounts:
        b.store.add_edge(node, sa, rel="runs_as", attr="service_account_name", via=None)


def wire_manifest(b: "IdentityGraph", res: Resource) -> None:
    """A pod-running or agent `kubernetes_manifest`, read through the provider resource of the same kind."""
    found = manifest_workload(res.values, K8S_POD_SPEC)
    if found is None:
        return
    rtype, values = found
    shadow = dataclasses.replace(res, type=rtype, vals=values, evaluate=None)
    if rtype in K8S_POD_SPEC:
        wire_pod(b, shadow)
        return
    node = b.nid(shadow)
    b.store.add_node(node, kind="workload", address=shadow.address, rtype=rtype, resource=shadow, stack=shadow.stack)
    account = kagent.agent_account(first_block(res.values.get("manifest"))) if rtype == "kagent_agent" else None
    if account is not None:  # the service account kagent's controller runs the agent's pods as
        name, annotations, attr = account
        _, namespace = name_namespace(b, res.stack, values)
        for sa in service_accounts(b, res.stack, name, namespace):
            b.store.add_edge(node, sa, rel="runs_as", attr=attr, via=None)
            wire_annotations(b, res.stack, sa, annotations, "serviceAccountConfig.annotations", res)


# Workload identity annotations of a service account: annotation -> the kind of identity it names.
IDENTITY_ANNOTATIONS = {IRSA_ANNOTATION: "aws", "iam.gke.io/gcp-service-account": "gcp",
                        "azure.workload.identity/client-id": "azure"}


def wire_annotations(b: "IdentityGraph", stack: str, sa: str, annotations: Any, attr: str, via: Resource) -> None:
    """A service account that a chart or an operator creates (not a resource of the code) assumes what its
    annotations name, as graph.gcp and graph.azure wire them for `kubernetes_service_account` resources."""
    from agentlint.graph import azure, gcp

    for key, value in annotations.items() if isinstance(annotations, dict) else ():
        cloud = IDENTITY_ANNOTATIONS.get(key)
        if cloud is None or value in (None, ""):
            continue
        if cloud == "aws":
            targets = [t for t, _ in b.targets(stack, value, "role")]
        elif cloud == "gcp":
            found = gcp.account_node(b, stack, value, None, _gcp_accounts(b, stack))
            targets = [found] if found is not None else []
        else:
            targets = azure.identities(b, stack, value)
        for target in targets:
            b.store.add_edge(sa, target, rel="assumes", attr=f"{attr}[{key}]", via=via)


def _gcp_accounts(b: "IdentityGraph", stack: str) -> dict:
    """Google service accounts of the stack by account ID, as graph.gcp indexes them (literal emails meet them)."""
    return {(stack, r.values["account_id"]): b._add(r, "principal") for r in b.model.resources
            if r.stack == stack and r.mode == "managed" and r.type == "google_service_account"
            and isinstance(r.values.get("account_id"), str)}


def sa_node(b: "IdentityGraph", stack: str, namespace: str, name: str) -> str:
    """The node of a service account: its resource when the code defines it, else one node per namespace/name
    (so that pods and bindings that name it meet)."""
    found = b._sa_index().get((stack, namespace, name), [])
    if found:
        return b._add(found[0], "workload")
    node = external_sa_node(stack, namespace, name)
    if node not in b.store:
        b.store.add_node(node, kind="workload", address=f"{namespace}/{name}",
                        rtype="kubernetes_service_account", resource=None, stack=stack, external=True)
    return node


def rbac(b: "IdentityGraph", resources: list[Resource]) -> None:
    """Roles and ClusterRoles become nodes with their rules; bindings link service accounts to them."""
    roles: dict[tuple, str] = {}
    objects = [(res, obj) for res in resources if res.mode == "managed" and res.type in RBAC_SOURCE_TYPES
               for obj in [rbac_object(res.type, res.values)] if obj is not None]
    for res, (kind, values) in objects:
        if kind not in ("Role", "ClusterRole"):
            continue
        node = b._add(res, "k8s_role")
        name, namespace = name_namespace(b, res.stack, values)
        b.store.nodes[node].update(k8s_kind=kind, k8s_name=name, namespace=namespace, rules=rules_of(values))
        roles[(res.stack, kind, None if kind == "ClusterRole" else namespace, name)] = node
        roles[(res.stack, "ref", res.ref_address)] = node
    for res, (kind, values) in objects:
        if kind not in ("RoleBinding", "ClusterRoleBinding"):
            continue
        _, namespace = name_namespace(b, res.stack, values)
        role = role_node(b, res.stack, first_block(values.get("role_ref")), namespace, roles)
        if role is None:
            continue
        # Bound, whatever its subjects (users and groups make no edge): a role no binding names is judged on its own.
        b.store.nodes[role]["bound"] = True
        scope = "cluster" if kind == "ClusterRoleBinding" else f"namespace {namespace}"
        for subject in blocks(values.get("subject")):
            if b.resolve(res.stack, subject.get("kind")) != "ServiceAccount" or subject.get("name") in (None, ""):
                continue
            sa_ns = namespace_of(b, res.stack, subject.get("namespace"), namespace)
            for sa in service_accounts(b, res.stack, subject.get("name"), sa_ns):
                b.store.add_edge(sa, role, rel="k8s_binding", via=res, scope=scope)


def role_node(b: "IdentityGraph", stack: str, ref: dict, namespace: str, roles: dict) -> Optional[str]:
    kind, name, namespace = _text(ref.get("kind")), ref.get("name"), _text(namespace)
    for r in refs_in(name):
        node = roles.get((stack, "ref", r.base))
        if node is not None:
            return node
    if not isinstance(name, str):
        return None
    node = roles.get((stack, kind, None if kind == "ClusterRole" else namespace, name))
    if node is not None:
        return node
    if kind == "ClusterRole" and name in BUILTIN_ROLES:
        node = f"{stack}::k8s-builtin:{name}"
        if node not in b.store:
            summary, rules = BUILTIN_ROLES[name]
            b.store.add_node(node, kind="k8s_role", address=f"ClusterRole {name} (built in)", rtype="builtin",
                            resource=None, stack=stack, k8s_kind="ClusterRole", k8s_name=name, namespace=None,
                            rules=rules, summary=summary)
        return node
    return None


def service_accounts(b: "IdentityGraph", stack: str, name: Any, namespace: Any) -> list[str]:
    """The service account nodes a name names in a namespace: a reference to a service account resource (its
    `metadata[0].name`), a name written in the code or read from another resource, or, when the name cannot
    be read, one node for the expression (pods and bindings written with the same expression meet there; it is
    never dropped, so a binding of an unreadable name is still judged)."""
    found = b.reference(stack, name)
    if found is not None and found[0].type in K8S_SERVICE_ACCOUNT_TYPES and found[1].attr == ("metadata", "name"):
        return [b._add(found[0], "workload")]
    resolved = b.resolve(stack, name)
    if isinstance(resolved, str):
        return [sa_node(b, stack, namespace_of(b, stack, namespace, "default"), resolved)] if resolved else []
    out = []
    for ref in refs_in(name):
        r = b.lookup(stack, ref.address)
        if r is not None and r.type in K8S_SERVICE_ACCOUNT_TYPES:
            out.append(b._add(r, "workload"))
    if out or not isinstance(resolved, Unknown):
        return out
    return [sa_node(b, stack, namespace_of(b, stack, namespace, "default"), display(resolved))]


def namespace_of(b: "IdentityGraph", stack: str, value: Any, default: str) -> str:
    """A namespace as written or read through references; unset is `default`; an unreadable one is named by its
    expression, so that it never matches (or becomes) `default`."""
    value = b.resolve(stack, value)
    if value is None or value == "":
        return default
    return value if isinstance(value, str) else display(value)


def name_namespace(b: "IdentityGraph", stack: str, values: dict) -> tuple[Optional[str], str]:
    """(name, namespace) of a Kubernetes object's `metadata`, read through references to other resources."""
    meta = first_block(values.get("metadata"))
    name = b.resolve(stack, meta.get("name"))
    return (name if isinstance(name, str) else None), namespace_of(b, stack, meta.get("namespace"), "default")


def annotation(res: Resource, key: str) -> Any:
    annotations = first_block(res.values.get("metadata")).get("annotations")
    return annotations.get(key) if isinstance(annotations, dict) else None


# Resource type -> how it is wired, run once per resource in file order by the builder.
HANDLERS: dict[str, Callable[["IdentityGraph", Resource], None]] = {
    **{t: wire_service_account for t in K8S_SERVICE_ACCOUNT_TYPES},
    **{t: wire_pod for t in K8S_POD_SPEC},
    "kubernetes_manifest": wire_manifest,
    "helm_release": kagent.wire_release,
}
