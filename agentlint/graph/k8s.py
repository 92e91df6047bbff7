"""Kubernetes RBAC in the identity graph: Roles and ClusterRoles (their rules), and the bindings that give them to
service accounts. Pods already run as service accounts (`runs_as` edges built by the graph); this module adds
`service account -> role` edges (rel `k8s_binding`), so that rules can ask what an agent's pod may do in the
cluster.

Facts from the hashicorp/kubernetes provider schema (`kubernetes_(cluster_)role(_v1).rule[]{api_groups, resources,
verbs, resource_names}`, `kubernetes_(cluster_)role_binding(_v1).role_ref{kind, name}` and `subject[]{kind, name,
namespace}`) and the Kubernetes RBAC documentation for the default user-facing ClusterRoles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from agentlint.values import blocks, first_block

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


def manifest_workload(values: dict, pod_paths: dict) -> Optional[tuple[str, dict]]:
    """(resource type, values) for a `kubernetes_manifest` that runs pods or declares an agent, translated to the
    provider's shape (`serviceAccountName` -> `service_account_name`, `containers[].env` -> `container[].env`), so the
    graph and the rules read it like `kubernetes_deployment_v1` and friends."""
    manifest = first_block(values.get("manifest"))
    kind, api = manifest.get("kind"), manifest.get("apiVersion")
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
           "container": [{"name": c.get("name"), "image": c.get("image"),
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
