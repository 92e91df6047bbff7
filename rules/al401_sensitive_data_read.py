from __future__ import annotations

from agentlint.graph.schema import NodeKind, Rel
from agentlint.iam.azure_roles import DATA as AZURE_DATA
from agentlint.iam.azure_roles import data_reads
from agentlint.iam.azure_roles import permissions as azure_permissions
from agentlint.iam.evaluate import allows_action, is_conditional
from agentlint.iam.gcp_roles import BASIC, DATA_READS, data_read_permissions
from agentlint.iam.risky import SENSITIVE_READS
from agentlint.model import Confidence, Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, describe_identity, gcp_member_phrase, scope_phrase, gcp_condition, gcp_condition_phrase


class SensitiveDataRead(Rule):
    """
    ## What it does
    Flags Allow statements that let an identity read every secret (`secretsmanager:GetSecretValue`), every SSM
    parameter (`ssm:GetParameter*`), every S3 object (`s3:GetObject`) or decrypt with every KMS key
    (`kms:Decrypt`), whether the action is written out or reached through a wildcard (`secretsmanager:*`,
    `s3:Get*`, `NotAction`), on every resource (`*` or a whole-service ARN like `arn:aws:s3:::*/*`). An
    unconditional Deny of the same action on every resource, in any policy of the identity, cancels it.
    On Google Cloud, flags predefined roles granted on a project, folder or organization whose permissions read
    every secret or dataset underneath (`secretmanager.versions.access`, `storage.objects.get`,
    `bigquery.tables.getData`, Cloud SQL login, Spanner and Datastore reads, KMS decryption), judged from
    Google's permission list for the role, which agentlint ships. On Azure, flags role assignments whose data
    actions read every Key Vault secret or every blob under a scope wider than one secret or container (Key Vault
    Secrets User/Officer/Administrator, Storage Blob Data Reader/Contributor/Owner...).

    ## Why is this bad?
    Agents read untrusted input. An agent that can read every secret can be instructed, by text it reads, to
    fetch database passwords or API keys and send them out through any of its tools. The data an agent can reach
    should be the data its task needs.

    ## Example
    ```hcl
    statement {
      actions   = ["secretsmanager:GetSecretValue"]
      resources = ["*"]
    }
    ```

    ## Fix
    Name the secrets, parameter paths, buckets and keys the agent needs:
    `arn:aws:secretsmanager:eu-west-1:111122223333:secret:agent/support-*`, `arn:aws:s3:::kb-docs/*`.
    """

    id = "AL401"
    name = "sensitive-data-read"
    title = "Identity can read every secret, parameter or object, or decrypt with any key"
    category = "data-exfiltration"
    severity = Severity.HIGH
    fix = "Restrict the read to the secret, parameter, bucket or key ARNs the identity needs."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for sg, reached in ctx.reached_on_every_resource(_candidates):
            st = sg.statement
            scopes = list(dict.fromkeys(SENSITIVE_READS[a] for a in reached))
            cond = " (under a condition)" if is_conditional(st) else ""
            yield ctx.statement_finding(self, sg, (
                f"{describe_identity(g, sg.principal)}{agents_phrase(g, sg.principal)} can read "
                f"{' and '.join(scopes)}{cond}: {', '.join(reached)} allowed by {st.label()} of "
                f"{sg.policy_address(g)}{sg.limits_phrase()}"))
        yield from _gcp_reads(self, ctx)
        yield from _azure_reads(self, ctx)


def _gcp_reads(rule: Rule, ctx: RuleContext):
    """Predefined roles granted on a project, folder or organization that read secrets or data underneath."""
    g = ctx.graph
    for binding in g.relations(Rel.GCP_BINDING):
        if binding.scope_kind not in ("project", "folder", "organization") or binding.role in BASIC:
            continue
        reads = data_read_permissions(binding.role)
        if not reads:
            continue
        via, member = binding.via, binding.source
        what = "; ".join(f"{DATA_READS[p]} ({p})" for p in reads)
        yield ctx.finding(rule, at=via, line=via.line_of("role"),
                          identity=member if g.node(member).kind == NodeKind.PRINCIPAL else None,
                          key=f"{binding.role}:{binding.member}",
                          confidence=Confidence.MEDIUM if gcp_condition(binding) else None, message=(
                              f"{gcp_member_phrase(g, binding)} can {what} in the {binding.scope_kind}: "
                              f"{binding.role} on {scope_phrase(binding.scope)} by {via.address}"
                              f"{gcp_condition_phrase(binding)}"))


def _azure_reads(rule: Rule, ctx: RuleContext):
    """Azure roles whose data actions read every secret or blob under a scope wider than one secret or container."""
    g = ctx.graph
    for edge in g.relations(Rel.AZURE_ASSIGNMENT):
        role = g.node(edge.target)
        scope = edge.scope or ""
        if any(narrow in scope.lower() for narrow in ("container", "secret", "blob")):
            continue  # one container or secret: the grant the task needs
        perms = azure_permissions(role.builtin, role.permissions)
        reads = data_reads(perms)
        if not reads:
            continue
        principal, via = edge.source, edge.via
        is_principal = g.node(principal).kind == NodeKind.PRINCIPAL
        who = (f"{describe_identity(g, principal)}{agents_phrase(g, principal)}" if is_principal
               else f"principal {g.address_of(principal)}")
        what = "; ".join(f"{AZURE_DATA[a]} ({a})" for a in reads)
        yield ctx.finding(rule, at=via, identity=principal if is_principal else None, key=f"azure:{role.address}",
                          message=f"{who} can {what}: {perms.get('name', role.address)} on {scope_phrase(edge.scope)} by {via.address}")


def _candidates(st) -> list[str]:
    return [a for a in SENSITIVE_READS if allows_action(st, a)]
