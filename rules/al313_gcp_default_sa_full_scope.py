from __future__ import annotations

from agentlint.graph.gcp import CLOUD_PLATFORM_SCOPES, DEFAULT_EMAIL, default_named
from agentlint.graph.gcp_gke import flag
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext
from agentlint.values import ProviderDefault, Unknown, first_block

# Resource type -> (block holding the identity, email attribute, scopes attribute).
HOSTS = {
    "google_compute_instance": ("service_account", "email", "scopes"),
    "google_compute_instance_template": ("service_account", "email", "scopes"),
    "google_compute_instance_from_template": ("service_account", "email", "scopes"),
    "google_container_node_pool": ("node_config", "service_account", "oauth_scopes"),
    "google_container_cluster": ("node_config", "service_account", "oauth_scopes"),
}


class GcpDefaultServiceAccountFullScope(Rule):
    """
    ## What it does
    Flags Compute Engine instances and templates, and GKE node pools and clusters' default node config, that run
    as the project's default compute service account (no `email` / `service_account`,
    `PROJECT_NUMBER-compute@developer.gserviceaccount.com`, or `data.google_compute_default_service_account`'s
    `email`) with the `cloud-platform` scope. Reported for every such
    host; ranked higher when it hosts an agent (a GKE cluster labelled as one, `resource_labels`). A cluster's
    `node_config` is not judged when no node uses it: `remove_default_node_pool = true`, or Autopilot.

    ## Why is this bad?
    The default compute service account gets the Editor role on the project unless the organization turned that
    off, and `cloud-platform` lets the instance use all of it: anything on the machine, every pod on the node
    included, can fetch an Editor token from the metadata server. An agent with an HTTP or shell tool is one
    prompt away from it.

    ## Example
    ```hcl
    service_account {
      scopes = ["cloud-platform"]
    }
    ```

    ## Fix
    Create a service account for the workload with the roles it needs and set `email` to it (GKE: use Workload
    Identity so pods do not see the node's account at all).
    """

    id = "AL313"
    name = "gcp-default-sa-full-scope"
    title = "Host runs as the default compute service account with the cloud-platform scope"
    category = "workload-identity"
    severity = Severity.HIGH
    fix = "Run the host as a dedicated service account with only the roles it needs; use GKE Workload Identity."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for res in ctx.managed(*HOSTS):
            block_name, email_attr, scopes_attr = HOSTS[res.type]
            block = first_block(res.values.get(block_name))
            if not block:
                continue
            if res.type == "google_container_cluster" and (flag(res.values.get("remove_default_node_pool")) or
                                                           flag(res.values.get("enable_autopilot"))):
                continue  # no node runs with the cluster's `node_config`: its default pool is deleted, or Autopilot
            email = block.get(email_attr)
            scopes = block.get(scopes_attr)
            scopes = scopes if isinstance(scopes, list) else []
            # Also `email = data.google_compute_default_service_account.default.email` and emails built from the
            # project number: the same account.
            default = email is None or isinstance(email, ProviderDefault) or (isinstance(email, str) and DEFAULT_EMAIL.match(email) is not None) or (
                isinstance(email, Unknown) and default_named(email, lambda a, s=res.stack: g.lookup(s, a)) == "compute")
            if not default or not any(isinstance(s, str) and s in CLOUD_PLATFORM_SCOPES for s in scopes):
                continue
            node = g.nid(res)
            agents = g.agent_paths(node) if g.has(node) else []
            who = email if isinstance(email, str) else "the default compute service account"
            yield ctx.finding(self, at=res, line=res.line_of(block_name), key="default-sa", extra_agents=agents,
                              message=(f"{res.address} runs as {who} with the cloud-platform scope: everything on "
                                       "the host can use the account's project-wide roles (Editor by default)"))
