from __future__ import annotations

from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext


class VaultAuthRoleWildcard(Rule):
    """
    ## What it does
    Flags Vault auth roles that accept callers they do not name:
    `vault_kubernetes_auth_backend_role` with `"*"` in `bound_service_account_names` or
    `bound_service_account_namespaces`, and `vault_jwt_auth_backend_role` (JWT/OIDC: GitHub Actions, GitLab,
    Kubernetes) with neither `bound_subject` nor `bound_claims`, or with glob `bound_claims` (`bound_claims_type =
    "glob"`) whose values are only wildcards.

    ## Why is this bad?
    Any pod of the cluster, or any workflow of the issuer, then logs in as the role and gets its token policies:
    the secrets meant for one agent go to everyone the issuer vouches for.

    ## Example
    ```hcl
    resource "vault_kubernetes_auth_backend_role" "agent" {
      role_name                        = "agent"
      bound_service_account_names      = ["*"]
      bound_service_account_namespaces = ["agents"]
    }
    ```

    ## Fix
    Name the service account and namespace; for JWT, bind `bound_subject` or exact `bound_claims`
    (`repository = "acme/agents"`).
    """

    id = "AL609"
    name = "vault-auth-role-wildcard"
    title = "Vault auth role accepts any workload of its issuer"
    category = "risky-trust"
    # Its findings are about a resource, never an identity an agent uses: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Bind the role to the exact service account, namespace, subject or claims of the agent."

    def check(self, ctx: RuleContext):
        for res in ctx.managed("vault_kubernetes_auth_backend_role", "vault_jwt_auth_backend_role"):
            v = res.values
            if res.type == "vault_kubernetes_auth_backend_role":
                wild = [a for a in ("bound_service_account_names", "bound_service_account_namespaces")
                        if isinstance(v.get(a), list) and "*" in v[a]]
                if wild:
                    what = " and ".join("any " + a.split("_")[-1].rstrip("s") for a in wild)
                    shown = ", ".join(w + ' = ["*"]' for w in wild)
                    yield ctx.finding(self, at=res, line=res.line_of(wild[0]), key="k8s",
                                      message=f"{res.address} accepts {what} ({shown})")
            elif res.type == "vault_jwt_auth_backend_role":
                claims = v.get("bound_claims")
                subject = v.get("bound_subject")
                if subject is None and not claims:
                    yield ctx.finding(self, at=res, key="jwt", message=(
                        f"{res.address} has neither bound_subject nor bound_claims: any token of the issuer with the "
                        "right audience logs in"))
                elif isinstance(claims, dict) and v.get("bound_claims_type") == "glob" and claims and all(
                        isinstance(x, str) and x.strip("*") == "" for x in claims.values()):
                    yield ctx.finding(self, at=res, line=res.line_of("bound_claims"), key="jwt-glob", message=(
                        f"{res.address} binds only wildcard claims ({', '.join(claims)})"))
