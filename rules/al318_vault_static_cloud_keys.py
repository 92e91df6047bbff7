from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext


class VaultStaticCloudKeys(Rule):
    """
    ## What it does
    Flags Vault secret-engine roles that hand out long-lived cloud keys instead of short-lived credentials:
    `vault_aws_secret_backend_role` with `credential_type = "iam_user"` (a real IAM user and access key per lease)
    and `vault_gcp_secret_roleset` / `vault_gcp_secret_static_account` with `secret_type = "service_account_key"`.

    ## Why is this bad?
    The lease ends in Vault, but the key works in the cloud until Vault manages to delete it; IAM users also count
    against account limits and bypass role session policies. Assumed-role, federation-token and access-token
    credentials expire by themselves.

    ## Example
    ```hcl
    resource "vault_aws_secret_backend_role" "agent" {
      backend         = vault_aws_secret_backend.aws.path
      name            = "agent"
      credential_type = "iam_user"
      policy_arns     = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    }
    ```

    ## Fix
    `credential_type = "assumed_role"` with `role_arns` and `max_sts_ttl`; for GCP, `secret_type = "access_token"`.
    """

    id = "AL318"
    name = "vault-static-cloud-keys"
    title = "Vault role issues long-lived cloud keys"
    category = "long-lived-credential"
    # Its findings are about a resource, never an identity an agent uses: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Issue assumed-role or access-token credentials, which expire by themselves."

    def check(self, ctx: RuleContext):
        for res in ctx.managed("vault_aws_secret_backend_role", "vault_gcp_secret_roleset", "vault_gcp_secret_static_account"):
            v = res.values
            if res.type == "vault_aws_secret_backend_role" and v.get("credential_type") == "iam_user":
                yield ctx.finding(self, at=res, line=res.line_of("credential_type"), key="iam_user", message=(
                    f"{res.address} issues IAM user access keys (credential_type = \"iam_user\")"))
            elif res.type in ("vault_gcp_secret_roleset", "vault_gcp_secret_static_account") and \
                    v.get("secret_type") == "service_account_key":
                yield ctx.finding(self, at=res, line=res.line_of("secret_type"), key="sa_key", message=(
                    f"{res.address} issues Google service account keys (secret_type = \"service_account_key\")"))
