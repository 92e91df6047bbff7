from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext
from agentlint.values import first_block, is_known


class GkeStaticClusterCredential(Rule):
    """
    ## What it does
    Flags GKE clusters (`google_container_cluster`) that issue a long-lived credential for the cluster itself:
    a client certificate (`master_auth { client_certificate_config { issue_client_certificate = true } }`,
    hashicorp/google 3.x to 6.x; the default is false) or basic authentication (`master_auth { username,
    password }` with a non-empty username: hashicorp/google before 4.0, which removed both attributes, still found
    in old code and plans). Ranked higher when agents run in the cluster (the Kubernetes workloads of the same root
    module, as AL211 links them).

    ## Why is this bad?
    The client certificate and the basic-auth password do not expire with anyone's session and are not tied to an
    IAM identity: whoever reads them from the Terraform state (`master_auth[0].client_certificate` /
    `client_key`) or from a leaked kubeconfig reaches the API server with the legacy `client` / `admin` user,
    outside IAM and its audit trail. Revoking them means rotating the cluster's credentials.

    ## Example
    ```hcl
    resource "google_container_cluster" "agents" {
      name     = "agents"
      location = "europe-west1"
      master_auth {
        client_certificate_config {
          issue_client_certificate = true
        }
      }
    }
    ```

    ## Fix
    `issue_client_certificate = false` (no `username` / `password`); reach the cluster with IAM identities
    (`gcloud container clusters get-credentials`, Workload Identity for workloads).
    """

    id = "AL322"
    name = "gke-static-cluster-credential"
    title = "GKE cluster issues a client certificate or basic-auth password"
    category = "long-lived-credential"
    severity = Severity.HIGH
    fix = "Set issue_client_certificate = false and no basic-auth username; use IAM identities for the cluster."

    def check(self, ctx: RuleContext):
        from agentlint.rules.al211_cluster_identity_control_off import running_phrase

        for res in ctx.managed("google_container_cluster"):
            auth = first_block(res.values.get("master_auth"))
            if not auth:
                continue
            found = []
            if first_block(auth.get("client_certificate_config")).get("issue_client_certificate") is True:
                found.append(("client-certificate", "issues a client certificate (issue_client_certificate = true)"))
            username = auth.get("username")
            if isinstance(username, str) and username or (username is not None and not is_known(username)
                                                          and auth.get("password") not in (None, "")):
                found.append(("basic-auth", "enables basic authentication (master_auth.username and password)"))
            agents = ctx.cluster_agents(res.stack) if found else []
            for key, what in found:
                yield ctx.finding(self, at=res, line=res.line_of("master_auth"), key=key, extra_agents=agents,
                                  message=(f"{res.address} {what}: a long-lived credential for the cluster's API "
                                           "server, outside IAM, kept in the Terraform state"
                                           + running_phrase(ctx, agents)))
