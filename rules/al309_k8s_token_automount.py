from __future__ import annotations

from agentlint.graph.kubernetes import K8S_POD_SPEC
from agentlint.graph.schema import Rel
from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext
from agentlint.values import follow_blocks


class K8sTokenAutomount(Rule):
    """
    ## What it does
    Flags agent pods (and deployments, jobs... whose pod template an agent runs) that mount a Kubernetes API token:
    `automount_service_account_token` is not `false` on the pod spec, nor on its service account. The provider's
    default is `true` for both.

    ## Why is this bad?
    The token in `/var/run/secrets/kubernetes.io/serviceaccount/token` lets anything that runs in the pod call the
    API server as the service account. An agent with a shell, code-interpreter or file-reading tool can be asked to
    read it; whatever RBAC gives the service account (and many clusters give `default` more than intended) is then
    the attacker's.

    ## Example
    ```hcl
    spec {
      service_account_name = "triage-agent"
      container { image = "ghcr.io/example/langgraph-agent:1.2" }
    }
    ```

    ## Fix
    `automount_service_account_token = false` on the pod spec (and on the service account); if the agent must call
    the API, mount a projected token with a short `expiration_seconds` and an audience.
    """

    id = "AL309"
    name = "k8s-token-automount"
    title = "Agent pod mounts a Kubernetes API token"
    category = "credential-exposure"
    # Reported only where an agent acts: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Set automount_service_account_token = false on the agent's pod spec and service account."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for node in sorted(g.agents):
            res = g.resource_of(node)
            if res is None or res.type not in K8S_POD_SPEC:
                continue
            spec = follow_blocks(res.values, K8S_POD_SPEC[res.type])
            pod_setting = spec.get("automount_service_account_token")
            if pod_setting is False:
                continue
            accounts = [e.target for e in g.edges_out(node, Rel.RUNS_AS)
                        if g.node(e.target).rtype.startswith("kubernetes_service_account")]
            sa_res = [g.resource_of(sa) for sa in accounts]
            if pod_setting is None and sa_res and all(
                    r is not None and r.values.get("automount_service_account_token") is False for r in sa_res):
                continue  # the service account turns it off and the pod does not turn it back on
            if pod_setting is not None and pod_setting is not True:
                continue  # computed: cannot tell
            sa_names = ", ".join(g.address_of(sa) for sa in accounts) or "its service account"
            why = "automount_service_account_token = true" if pod_setting is True else \
                "automount_service_account_token is not set (the default is true)"
            yield ctx.finding(self, at=res, identity=node, key="automount", message=(
                f"agent {res.address} mounts the API token of {sa_names}: {why}"))
