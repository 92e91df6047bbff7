from __future__ import annotations

from typing import Optional

from agentlint.model import Resource, Severity
from agentlint.rule import Rule, RuleContext
from agentlint.values import first_block


class ClusterIdentityControlOff(Rule):
    """
    ## What it does
    Flags Kubernetes clusters whose settings switch identity control off for every workload in them:

    - AKS (`azurerm_kubernetes_cluster`) with Kubernetes RBAC disabled: `role_based_access_control_enabled = false`
      (hashicorp/azurerm 3.x and 4.x; the default is true), or `role_based_access_control { enabled = false }`
      (azurerm before 2.99, still read from old code and plans);
    - GKE (`google_container_cluster`) with legacy ABAC on: `enable_legacy_abac = true` (hashicorp/google and
      google-beta 2.x to 6.x; the default is false there, so an unset attribute is not reported, although the
      earliest releases defaulted it to true).

    A value agentlint cannot decide (a variable without a value, `try(...)` over unknown settings) is not reported.

    The finding is ranked higher when agents run in the cluster: agentlint links a cluster to the Kubernetes
    workloads (pods, Deployments, Jobs, kagent Agents...) of the same root module, since the code rarely says which
    cluster a `kubernetes` provider points at; agents in other root modules are not named. AKS local accounts
    (`local_account_disabled`) are AL315's.

    ## Why is this bad?
    Without RBAC, AKS authorizes every authenticated request: each pod's service account token can read every
    Secret and change every workload of the cluster. Legacy ABAC grants service accounts, nodes and controllers
    static permissions beyond RBAC and IAM. Every RoleBinding an agent's service account was carefully limited to
    stops mattering: a prompt-injected agent with a shell or HTTP tool has the cluster.

    ## Example
    ```hcl
    resource "google_container_cluster" "agents" {
      name               = "agents"
      location           = "europe-west1"
      enable_legacy_abac = true
    }
    ```

    ## Fix
    AKS: `role_based_access_control_enabled = true` (it needs a new cluster) with Entra ID integration
    (`azure_active_directory_role_based_access_control`). GKE: `enable_legacy_abac = false`, and grant what each
    workload needs with RBAC.
    """

    id = "AL211"
    name = "cluster-identity-control-off"
    title = "Kubernetes cluster authorizes every workload without RBAC (AKS RBAC off, GKE legacy ABAC)"
    category = "admin-access"
    severity = Severity.CRITICAL
    fix = "Turn Kubernetes RBAC on (AKS) and legacy ABAC off (GKE); grant each workload what it needs with RBAC."

    def check(self, ctx: RuleContext):
        for res in ctx.managed("azurerm_kubernetes_cluster", "google_container_cluster"):
            found = rbac_off(res) if res.type == "azurerm_kubernetes_cluster" else abac_on(res)
            if found is None:
                continue
            line, what = found
            agents = ctx.cluster_agents(res.stack)
            yield ctx.finding(self, at=res, line=line, key=res.type, extra_agents=agents, message=(
                f"{res.address} {what}: every workload in the cluster can act beyond its RBAC bindings"
                + running_phrase(ctx, agents)))


def rbac_off(res: Resource) -> Optional[tuple[Optional[int], str]]:
    if res.values.get("role_based_access_control_enabled") is False:
        return res.line_of("role_based_access_control_enabled"), "has Kubernetes RBAC disabled " \
            "(role_based_access_control_enabled = false)"
    if first_block(res.values.get("role_based_access_control")).get("enabled") is False:
        return res.line_of("role_based_access_control"), "has Kubernetes RBAC disabled " \
            "(role_based_access_control { enabled = false })"
    return None


def abac_on(res: Resource) -> Optional[tuple[Optional[int], str]]:
    if res.values.get("enable_legacy_abac") is True:
        return res.line_of("enable_legacy_abac"), "has legacy ABAC authorization on (enable_legacy_abac = true)"
    return None


def running_phrase(ctx: RuleContext, agents) -> str:
    """'; agents x, y run in it (Kubernetes workloads of the same root module)' or ''."""
    if not agents:
        return ""
    names = sorted({ctx.graph.address_of(p.agent) for p in agents})
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return (f"; agent{'s' if len(names) > 1 else ''} {shown} run{'' if len(names) > 1 else 's'} in it "
            "(Kubernetes workloads of the same root module)")
