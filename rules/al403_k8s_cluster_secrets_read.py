from __future__ import annotations

from agentlint.graph.schema import Rel
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, describe_identity


class K8sClusterSecretsRead(Rule):
    """
    ## What it does
    Flags service accounts bound cluster-wide (ClusterRoleBinding) to a role that can `get`, `list` or `watch`
    Secrets, without `resource_names`. Full-access roles are AL204's when AL204 runs. A ClusterRole that can read
    every Secret and that no binding of the scanned code names is judged on its own, one level lower (as AL103
    judges an unbound wildcard role): one binding away from the finding above. An unbound role that allows every
    verb on every resource is left to AL103, whose finding says it all.

    ## Why is this bad?
    `list secrets` across the cluster returns every Secret's data: database passwords, cloud keys, other agents'
    API keys, service-account tokens. An agent that can read them can be told to print them.

    ## Example
    ```hcl
    resource "kubernetes_cluster_role_v1" "reader" {
      metadata { name = "secret-reader" }
      rule {
        api_groups = [""]
        resources  = ["secrets"]
        verbs      = ["get", "list"]
      }
    }
    ```

    ## Fix
    Bind a namespaced Role with `resource_names` listing the Secrets the agent needs, or mount those Secrets into
    its pod and grant no Secret access through the API.
    """

    id = "AL403"
    name = "k8s-cluster-secrets-read"
    title = "Kubernetes service account can read every Secret in the cluster"
    category = "data-exfiltration"
    severity = Severity.HIGH
    fix = "Bind a namespaced Role limited with resource_names to the Secrets the agent needs."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for role, res in g.k8s_roles():
            verbs = _secret_verbs(role.rules)
            # A role that allows everything says so in AL103's finding, which stands for this one there.
            if role.k8s_kind == "ClusterRole" and not role.bound and verbs and not any(r.everything for r in role.rules):
                yield ctx.finding(self, at=res, key="unbound", subject=role.id, message=(
                    f"ClusterRole {res.address} can {'/'.join(verbs)} every Secret in the cluster; no binding in "
                    "the scanned code gives it to anyone yet"))
        for edge in g.relations(Rel.K8S_BINDING):
            if edge.scope != "cluster":
                continue
            sa, role = edge.source, edge.target
            verbs = _secret_verbs(g.node(role).rules)
            if not verbs:
                continue
            binding = edge.via
            yield ctx.finding(self, at=binding, identity=sa, key=g.address_of(role), subject=role, message=(
                f"{describe_identity(g, sa)}{agents_phrase(g, sa)} can {'/'.join(verbs)} every Secret in the "
                f"cluster: {g.address_of(role)} is bound cluster-wide by {binding.address}"))


def _secret_verbs(rules) -> list[str]:
    return [v for v in ("get", "list", "watch") if any(r.allows(v, "secrets") for r in rules)]
