from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, bound_agents_phrase

# (verb, resource, what it lets the holder do). Kubernetes RBAC documentation, "Privilege escalation prevention
# and bootstrapping" and "Restrictions on role creation or update" / "impersonation".
ESCALATIONS = (
    ("escalate", "roles", "grant themselves permissions they do not have (escalate on roles)"),
    ("escalate", "clusterroles", "grant themselves permissions they do not have (escalate on clusterroles)"),
    ("bind", "roles", "bind roles they do not hold (bind)"),
    ("bind", "clusterroles", "bind any ClusterRole, cluster-admin included (bind)"),
    ("impersonate", "users", "act as any user (impersonate)"),
    ("impersonate", "groups", "act as any group, system:masters included (impersonate)"),
    ("impersonate", "serviceaccounts", "act as any service account (impersonate)"),
    ("create", "serviceaccounts/token", "mint tokens for any service account"),
    ("create", "pods/exec", "run commands in any pod, with that pod's identity"),
    ("create", "pods", "start pods as any service account of the namespace"),
    ("create", "rolebindings", "bind roles to themselves (with bind or the role's permissions)"),
    ("create", "clusterrolebindings", "bind ClusterRoles to themselves (with bind or the role's permissions)"),
)


class K8sRbacEscalation(Rule):
    """
    ## What it does
    Flags Kubernetes Roles and ClusterRoles that allow the verbs and resources Kubernetes documents as privilege
    escalation paths: `escalate` or `bind` on roles, `impersonate` on users, groups or service accounts, creating
    service-account tokens, `pods/exec`, pods, or role bindings. Rules limited to `resource_names` are not
    reported. A role that allows everything is reported by AL204 (at each binding) and AL103 instead, when they run.

    ## Why is this bad?
    Each of these lets the holder become someone more powerful: run a pod as the namespace's most privileged
    service account, exec into a pod that carries cloud credentials, or bind `cluster-admin` to itself. For an
    agent, a prompt injection away.

    ## Example
    ```hcl
    rule {
      api_groups = [""]
      resources  = ["pods", "pods/exec"]
      verbs      = ["create", "get"]
    }
    ```

    ## Fix
    Remove the verb, or limit the rule with `resource_names` to the objects the agent must touch; run workloads
    through a controller the agent asks, not by creating pods itself.
    """

    id = "AL205"
    name = "k8s-rbac-escalation"
    title = "Kubernetes role allows privilege escalation (escalate, bind, impersonate, exec, pod or token creation)"
    category = "privilege-escalation"
    severity = Severity.HIGH
    fix = "Drop escalate/bind/impersonate and pod, exec and token creation, or limit them with resource_names."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for role, res in g.k8s_roles():
            rules = role.rules
            found = [what for verb, resource, what in ESCALATIONS if any(r.allows(verb, resource) for r in rules)]
            if not found:
                continue
            agents = ctx.k8s_role_agents(role.id)
            yield ctx.finding(self, at=res, key="escalation", extra_agents=agents, subject=role.id, message=(
                f"{role.k8s_kind} {res.address} lets its holders {'; '.join(found)}"
                + bound_agents_phrase(g, agents)))
