from __future__ import annotations

from agentlint.graph.kubernetes import TOKEN_SECRET_TYPE
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, agents_phrase
from agentlint.values import first_block

SECRET_TYPES = ("kubernetes_secret", "kubernetes_secret_v1")
SA_ANNOTATION = "kubernetes.io/service-account.name"


class K8sLegacyTokenSecret(Rule):
    """
    ## What it does
    Flags `kubernetes_secret(_v1)` resources of type `kubernetes.io/service-account-token`: a service-account token
    stored as a Secret, which never expires. The service account comes from the
    `kubernetes.io/service-account.name` annotation; the finding names the agents that run as it.

    ## Why is this bad?
    Since Kubernetes 1.24 pods get short-lived projected tokens; a token Secret is the old, long-lived kind. It
    stays valid until the Secret is deleted, is readable by anyone who can read Secrets in the namespace, and is
    easy to copy into an agent's configuration or a CI variable.

    ## Example
    ```hcl
    resource "kubernetes_secret_v1" "agent_token" {
      metadata {
        name        = "triage-agent-token"
        annotations = { "kubernetes.io/service-account.name" = "triage-agent" }
      }
      type = "kubernetes.io/service-account-token"
    }
    ```

    ## Fix
    Delete the Secret; give workloads projected tokens (`service_account_token` volume projection with
    `expiration_seconds`), or `kubectl create token` with a duration for humans.
    """

    id = "AL310"
    name = "k8s-legacy-token-secret"
    title = "Long-lived Kubernetes service-account token Secret"
    category = "long-lived-credential"
    severity = Severity.HIGH
    fix = "Delete the token Secret; use projected service-account tokens with an expiration."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for res in ctx.managed(*SECRET_TYPES):
            if res.values.get("type") != TOKEN_SECRET_TYPE:
                continue
            meta = first_block(res.values.get("metadata"))
            annotations = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
            sa_name = annotations.get(SA_ANNOTATION)
            namespace = meta.get("namespace") if isinstance(meta.get("namespace"), str) else "default"
            sa = g.k8s_service_account(res.stack, namespace, sa_name) if isinstance(sa_name, str) else None
            owner = (f"service account {g.address_of(sa)}{agents_phrase(g, sa)}" if sa
                     else f"service account {namespace}/{sa_name}" if isinstance(sa_name, str) else "a service account")
            yield ctx.finding(self, at=res, line=res.line_of("type"), identity=sa, key="token-secret", message=(
                f"{res.address} stores a non-expiring API token for {owner}"))
