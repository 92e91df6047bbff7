from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext
from agentlint.values import refs_in

# Attributes that hold a credential's secret part.
SECRET_ATTRS = {
    "aws_iam_access_key": {"secret", "ses_smtp_password_v4", "encrypted_secret", "encrypted_ses_smtp_password_v4"},
    "aws_iam_service_specific_credential": {"service_password", "service_credential_secret"},
}
# Where a copy ends up, for the message.
DESTINATIONS = {
    "github_actions_secret": "a GitHub Actions secret",
    "github_actions_environment_secret": "a GitHub Actions environment secret",
    "github_actions_organization_secret": "a GitHub Actions organization secret",
    "github_dependabot_secret": "a GitHub Dependabot secret",
    "gitlab_project_variable": "a GitLab CI variable",
    "gitlab_group_variable": "a GitLab CI group variable",
    "tfe_variable": "an HCP Terraform variable",
    "vault_generic_secret": "a Vault secret",
    "vault_kv_secret_v2": "a Vault secret",
    "kubernetes_secret": "a Kubernetes secret",
    "kubernetes_secret_v1": "a Kubernetes secret",
    "aws_secretsmanager_secret_version": "a Secrets Manager secret",
    "aws_ssm_parameter": "an SSM parameter",
    "local_file": "a file on the machine that runs Terraform",
    "local_sensitive_file": "a file on the machine that runs Terraform",
}


class CredentialCopied(Rule):
    """
    ## What it does
    Flags resources that receive the secret part of a long-lived AWS credential: an access key's `secret` (or SES
    SMTP password), a service-specific credential's `service_password` / `service_credential_secret` (Bedrock and
    CodeCommit keys). Typical destinations are GitHub Actions or GitLab CI secrets, Kubernetes secrets, SSM
    parameters, local files and workload environment variables; the message names the destination.

    ## Why is this bad?
    The key now lives in two places and outlives both: it is in Terraform state and in the destination, readable by
    every workflow of the repository (or every pod with access to the secret), and it never expires. For CI, GitHub
    and GitLab OIDC federation gives short-lived credentials with no secret to copy; for workloads, a role does.

    ## Example
    ```hcl
    resource "github_actions_secret" "aws" {
      repository      = "agents"
      secret_name     = "AWS_SECRET_ACCESS_KEY"
      plaintext_value = aws_iam_access_key.ci.secret
    }
    ```

    ## Fix
    Replace the key with OIDC federation (an IAM role trusted by `token.actions.githubusercontent.com` with a
    `sub` condition) or a workload role, and delete the access key.
    """

    id = "AL304"
    name = "credential-copied"
    title = "Long-lived credential secret copied into another resource"
    category = "long-lived-credential"
    severity = Severity.HIGH
    fix = "Use OIDC federation or a workload role instead of copying the key; delete the access key."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        # References resolve within a stack, so only stacks that define a credential can copy one: the other
        # resources' values are never read (nor evaluated).
        stacks = {r.stack for r in ctx.managed(*SECRET_ATTRS)}
        for res in g.model.resources:
            if res.stack not in stacks or res.mode != "managed" or res.type in SECRET_ATTRS:
                continue
            copied = []
            for ref in refs_in(res.values):
                source = g.lookup(res.stack, ref.address)
                if source is not None and ref.attr in SECRET_ATTRS.get(source.type, ()):
                    copied.append((source, ref))
            if not copied:
                continue
            source, ref = copied[0]
            node = g.nid(source)
            users = g.credential_users(node) if g.has(node) else []
            where = DESTINATIONS.get(res.type, "its configuration")
            sources = ", ".join(sorted({str(r) for _, r in copied}))
            yield ctx.finding(self, at=res, identity=users[0] if users else None, key=sources, message=(
                f"{res.address} receives {sources}, the secret of a long-lived credential, into {where}; the key "
                "never expires and now lives outside IAM as well as in Terraform state"))
