from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from agentlint.model import Confidence, Severity
from agentlint.rule import Ranking, Rule, RuleContext
from agentlint.values import Unknown

TYPES = {
    "azuread_application_password": "client secret", "azuread_service_principal_password": "client secret",
    "azuread_application_certificate": "certificate credential",
    "azuread_service_principal_certificate": "certificate credential",
}
_HOURS = re.compile(r"^\s*(\d+(?:\.\d+)?)h\s*$")


class AzureSecretLifetime(Rule):
    """
    ## What it does
    Flags Entra ID application and service principal credentials (`azuread_application_password`,
    `azuread_service_principal_password`, `azuread_application_certificate`,
    `azuread_service_principal_certificate`) without an `end_date` (or `end_date_relative`), and those whose
    lifetime (from `start_date`, or the relative duration) exceeds `[rules.AL314.options] max-days` (default 90).

    ## Why is this bad?
    Without an end date, Microsoft Graph picks one, typically two years ahead. A client secret is a password for
    the application: copied into an agent's configuration or a CI variable it keeps working for its whole life,
    from anywhere. Workload identity federation needs no secret at all.

    ## Example
    ```hcl
    resource "azuread_application_password" "agent" {
      application_id = azuread_application.agent.id
    }
    ```

    ## Fix
    Prefer a managed identity or a federated identity credential; if a secret is unavoidable, set
    `end_date = timeadd(time_rotating.agent.rfc3339, "720h")` with `rotate_when_changed`.
    """

    id = "AL314"
    name = "azure-secret-lifetime"
    title = "Entra ID client secret or certificate without a short end date"
    category = "long-lived-credential"
    # Its findings are about a resource, never an identity an agent uses: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.MEDIUM
    fix = "Use a managed identity or federated credential; otherwise set end_date within max-days and rotate."

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)
        max_days: int = Field(90, alias="max-days", ge=1, le=3650)

    def check(self, ctx: RuleContext):
        limit = self.options.max_days
        for res in ctx.managed(*TYPES):
            kind = TYPES[res.type]
            end, relative, start = (res.values.get(k) for k in ("end_date", "end_date_relative", "start_date"))
            days = None
            if isinstance(relative, str) and _HOURS.match(relative):
                days = float(_HOURS.match(relative).group(1)) / 24
            elif isinstance(end, str) and isinstance(start, str):
                days = _days_between(start, end)
            if end is None and relative is None:
                yield ctx.finding(self, at=res, key="no-end", message=(
                    f"{res.address} is a {kind} with no end_date: Microsoft Graph makes it valid for about two years"))
            elif isinstance(end, Unknown) or isinstance(relative, Unknown):
                continue  # computed (timeadd of a rotating time): cannot tell, and usually deliberate
            elif days is not None and days > limit:
                line = res.line_of("end_date_relative" if relative is not None else "end_date")
                yield ctx.finding(self, at=res, line=line, key="long", confidence=Confidence.HIGH, message=(
                    f"{res.address} is a {kind} valid for {days:.0f} days (limit {limit})"))


def _days_between(start: str, end: str):
    try:
        a = datetime.fromisoformat(start.replace("Z", "+00:00"))
        b = datetime.fromisoformat(end.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (b - a).total_seconds() / 86400
