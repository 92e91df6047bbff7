from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, bound_agents_phrase


class K8sWildcardRbac(Rule):
    """
    ## What it does
    Flags Kubernetes Roles and ClusterRoles with a wildcard (`*`) in a rule's `verbs`, `resources` or `api_groups`.
    The finding names the agents whose service accounts are bound to the role; a role nothing binds is reported
    one level lower. A role that allows every verb on every resource and is bound is AL204's finding, at each
    binding, when AL204 runs. `kubernetes_manifest` Roles and ClusterRoles count too.

    ## Why is this bad?
    A wildcard grants every verb or resource the API server has today and every one added tomorrow (custom
    resources included). `verbs = ["*"]` on `secrets` is read and write of every secret; `resources = ["*"]` with
    `get` includes Secrets too.

    ## Example
    ```hcl
    rule {
      api_groups = [""]
      resources  = ["*"]
      verbs      = ["get", "list"]
    }
    ```

    ## Fix
    List the resources and verbs the agent uses: `resources = ["configmaps"]`, `verbs = ["get", "list", "watch"]`.
    """

    id = "AL103"
    name = "k8s-wildcard-rbac"
    title = "Kubernetes role with a wildcard verb, resource or API group"
    category = "wildcard-scope"
    severity = Severity.HIGH
    fix = "Name the API groups, resources and verbs the role needs instead of '*'."
    # A role that allows every verb on every resource: what it lets holders escalate (AL205) is all of it.
    supersedes = ("AL205",)

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for role, res in g.k8s_roles():
            wild = [(i, r) for i, r in enumerate(role.rules) if r.wildcards]
            if not wild:
                continue
            agents = ctx.k8s_role_agents(role.id)
            parts = "; ".join(f"rule #{i + 1}: '*' in {', '.join(r.wildcards)}" for i, r in wild)
            # Only a role that allows everything is a subject others defer to: its wildcards say all there is.
            everything = any(r.everything for _, r in wild)
            yield ctx.finding(self, at=res, key="wildcard", extra_agents=agents,
                              subject=role.id if everything else None, message=(
                f"{role.k8s_kind} {res.address} uses wildcards ({parts})"
                + bound_agents_phrase(g, agents)))
