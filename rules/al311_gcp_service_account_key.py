from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, describe_identity
from agentlint.values import refs_in


class GcpServiceAccountKey(Rule):
    """
    ## What it does
    Flags `google_service_account_key` resources: a private key for a service account, created by Terraform. The
    key has no expiry you can set (`valid_before` is computed) and its private half (`private_key`) is stored in
    Terraform state. Worse when an agent runs as the service account.

    ## Why is this bad?
    A service account key is a long-lived password for the identity: it works from anywhere, until someone deletes
    it, and it is the most common way Google Cloud credentials leak (state files, CI variables, agent
    configuration). Workloads on Google Cloud get short-lived tokens from the metadata server; workloads elsewhere
    can use workload identity federation.

    ## Example
    ```hcl
    resource "google_service_account_key" "agent" {
      service_account_id = google_service_account.agent.name
    }
    ```

    ## Fix
    Delete the key. Run the agent on Google Cloud with the service account attached, or federate its outside
    identity (GitHub, AWS, Kubernetes) through a workload identity pool with an `attribute_condition`.
    """

    id = "AL311"
    name = "gcp-service-account-key"
    title = "Long-lived Google Cloud service account key"
    category = "long-lived-credential"
    severity = Severity.HIGH
    fix = "Delete the key; attach the service account to the workload or use workload identity federation."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for res in ctx.managed("google_service_account_key"):
            account = None
            for ref in refs_in(res.values.get("service_account_id")):
                target = g.lookup(res.stack, ref.address)
                if target is not None and target.type == "google_service_account" and g.has(g.nid(target)):
                    account = g.nid(target)
            owner = f"{describe_identity(g, account)}{agents_phrase(g, account)}" if account else "a service account"
            yield ctx.finding(self, at=res, identity=account, key="key", message=(
                f"{res.address} is a long-lived private key for {owner}; it never expires and its private part is "
                "stored in Terraform state"))

