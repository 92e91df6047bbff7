from __future__ import annotations

from agentlint.graph.schema import Rel
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, describe_identity

ADMIN_BUILTINS = ("cluster-admin", "admin", "edit")


class K8sAdminBinding(Rule):
    """
    ## What it does
    Flags Kubernetes RoleBindings and ClusterRoleBindings that give a service account `cluster-admin`, `admin` or
    `edit` (the built-in ClusterRoles), or any Role / ClusterRole with a rule that allows every verb on every
    resource (`verbs = ["*"]`, `resources = ["*"]`). A pod without `service_account_name` runs as its namespace's `default` service account, so
    a binding to `default` reaches every such pod. The finding names the agents whose pods run as the service
    account, and the scope (the whole cluster or one namespace).

    ## Why is this bad?
    `cluster-admin` can read every Secret, run any pod and rewrite RBAC itself; `admin` and `edit` can read the
    namespace's Secrets and run pods as any of its service accounts (and so take on their cloud identities through
    IRSA or Workload Identity). An agent that is steered by its input acts with all of that.

    ## Example
    ```hcl
    resource "kubernetes_cluster_role_binding_v1" "agent" {
      metadata { name = "agent-admin" }
      role_ref {
        api_group = "rbac.authorization.k8s.io"
        kind      = "ClusterRole"
        name      = "cluster-admin"
      }
      subject {
        kind      = "ServiceAccount"
        name      = "triage-agent"
        namespace = "agents"
      }
    }
    ```

    ## Fix
    Write a Role with the verbs and resources the agent needs in its own namespace, and bind that.
    """

    id = "AL204"
    name = "k8s-admin-binding"
    title = "Kubernetes service account bound to cluster-admin, admin or edit"
    category = "admin-access"
    severity = Severity.CRITICAL
    fix = "Bind a namespaced Role with only the verbs and resources the agent needs."
    # A bound role that allows everything: its wildcards (AL103), escalation verbs (AL205) and cluster-wide Secret
    # reads (AL403) are part of what this finding says.
    supersedes = ("AL103", "AL205", "AL403")

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for edge in g.relations(Rel.K8S_BINDING):
            sa, role = edge.source, g.node(edge.target)
            name = role.k8s_name
            builtin = role.rtype == "builtin" and name in ADMIN_BUILTINS
            full = any(r.everything for r in role.rules)
            if not (builtin or full):
                continue
            binding = edge.via
            what = (f"built-in ClusterRole {name} ({role.summary})" if builtin
                    else f"{role.k8s_kind} {name} ({role.address}), which allows every verb on every resource")
            scope = "the whole cluster" if edge.scope == "cluster" else edge.scope
            yield ctx.finding(self, at=binding, identity=sa, key=f"{role.address}", subject=role.id, trace_tail=(
                ctx.grant_steps(binding, role.address, g.resource_of(role.id), scope, "k8s_role")), message=(
                f"{describe_identity(g, sa)}{agents_phrase(g, sa)} is bound to {what} in "
                f"{'the whole cluster' if edge.scope == 'cluster' else edge.scope} by {binding.address}"))
