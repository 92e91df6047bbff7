from __future__ import annotations

import re

from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext

_MATCHES = re.compile(r"claims\[['\"]sub['\"]\]\s+matches\s+['\"]([^'\"]*)['\"]", re.IGNORECASE)


class AzureFlexibleFederationWildcard(Rule):
    """
    ## What it does
    Flags Entra ID flexible federated identity credentials
    (`azuread_application_flexible_federated_identity_credential`) whose `claims_matching_expression` matches the
    subject with a wildcard in the organization or repository part (`claims['sub'] matches 'repo:acme/*'`,
    `'repo:*'`). Ordinary federated credentials (`azurerm_federated_identity_credential`,
    `azuread_application_federated_identity_credential`) compare the subject exactly and are not reported.

    ## Why is this bad?
    Every repository the pattern covers (every repository of the organization, including new ones any member
    creates) can sign in as the application, with all its Azure role assignments and Graph permissions.

    ## Example
    ```hcl
    claims_matching_expression = "claims['sub'] matches 'repo:acme/*'"
    ```

    ## Fix
    Match the exact repository and branch or environment: `claims['sub'] matches 'repo:acme/agents:environment:*'`.
    """

    id = "AL610"
    name = "azure-flexible-federation-wildcard"
    title = "Entra ID flexible federated credential matches many repositories"
    category = "risky-trust"
    # Its findings are about a resource, never an identity an agent uses: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Match the exact organization/repository in claims_matching_expression."

    def check(self, ctx: RuleContext):
        for res in ctx.managed("azuread_application_flexible_federated_identity_credential"):
            expression = res.values.get("claims_matching_expression")
            if not isinstance(expression, str):
                continue
            for pattern in _MATCHES.findall(expression):
                repo = pattern.split(":", 2)[1] if pattern.startswith("repo:") and pattern.count(":") >= 1 else pattern
                if "*" in repo or "/" not in repo:
                    yield ctx.finding(self, at=res, line=res.line_of("claims_matching_expression"), key=pattern,
                                      message=(f"{res.address} lets any subject matching {pattern!r} sign in as the "
                                               "application: the pattern does not pin one repository"))
                    break
