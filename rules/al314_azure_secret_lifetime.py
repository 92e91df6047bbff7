from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

from agentlint.model import Confidence, Severity
from agentlint.rule import Ranking, Rule, RuleContext
from agentlint.loaders.fn_time import go_duration_seconds, parse_rfc3339
from agentlint.values import Unknown, refs_in

TYPES = {
    "azuread_application_password": "client secret", "azuread_service_principal_password": "client secret",
    "azuread_application_certificate": "certificate credential",
    "azuread_service_principal_certificate": "certificate credential",
}


class AzureSecretLifetime(Rule):
    """
    ## What it does
    Flags Entra ID application and service principal credentials (`azuread_application_password`,
    `azuread_service_principal_password`, `azuread_application_certificate`,
    `azuread_service_principal_certificate`) that live longer than `[rules.AL314.options] max-days` (default 90):
    - no `end_date` (nor `end_date_relative`): Microsoft Graph's default is two years from the start (the azuread
      provider 3.x sends no end date of its own), unless `rotate_when_changed` names a `time_rotating` whose
      period is within the limit (the credential is replaced, and the old one deleted, that often);
    - `end_date_relative` (a Go duration: `8760h`, `2400h30m`; deprecated in azuread 3.x) longer than the limit;
    - `end_date` more than the limit after `start_date`, or, without `start_date` (the apply's time), more than
      the limit from today: `end_date = "2099-01-01T00:00:00Z"`. `timeadd()` of a date written in the code is
      computed; `timeadd(timestamp(), ...)` or of a `time_rotating` is decided at apply and is not reported.

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
            if end is None and relative is None:
                yield from self._no_end(ctx, res, kind, limit)
            elif isinstance(end, Unknown) or isinstance(relative, Unknown):
                continue  # computed (timeadd of a rotating time): cannot tell, and usually deliberate
            elif isinstance(relative, str) and go_duration_seconds(relative) is not None:
                days = go_duration_seconds(relative) / 86400
                if days > limit:
                    yield ctx.finding(self, at=res, line=res.line_of("end_date_relative"), key="long",
                                      message=f"{res.address} is a {kind} valid for {days:.0f} days (limit {limit})")
            elif isinstance(end, str) and parse_rfc3339(end) is not None:
                if isinstance(start, str) and parse_rfc3339(start) is not None:
                    days = (parse_rfc3339(end) - parse_rfc3339(start)).total_seconds() / 86400
                    if days > limit:
                        yield ctx.finding(self, at=res, line=res.line_of("end_date"), key="long", message=(
                            f"{res.address} is a {kind} valid for {days:.0f} days (limit {limit})"))
                elif start is None and parse_rfc3339(end) > datetime.now(timezone.utc) + timedelta(days=limit):
                    # Valid from the apply (Graph's default start is "now") until a date more than the limit ahead:
                    # no day count in the message, which would change every day.
                    yield ctx.finding(self, at=res, line=res.line_of("end_date"), key="long-fixed", message=(
                        f"{res.address} is a {kind} valid until {end.strip()}, more than {limit} days from now "
                        f"(limit {limit})"))

    def _no_end(self, ctx: RuleContext, res, kind: str, limit: int):
        """No end date: Microsoft Graph's addPassword / addKey default is start + 2 years. Recreated when
        `rotate_when_changed` changes: a `time_rotating` keeper within the limit bounds each secret's life."""
        rotation = rotation_days(ctx, res)
        if rotation is not None and rotation <= limit:
            return
        if rotation is not None:
            yield ctx.finding(self, at=res, key="no-end", message=(
                f"{res.address} is a {kind} with no end_date, replaced every {rotation:.0f} days (limit {limit}): "
                "Microsoft Graph makes each one valid for two years"))
        elif res.values.get("rotate_when_changed") not in (None, {}):
            yield ctx.finding(self, at=res, key="no-end", confidence=Confidence.MEDIUM, message=(
                f"{res.address} is a {kind} with no end_date: Microsoft Graph makes it valid for two years, "
                "unless rotate_when_changed replaces it sooner (its keeper could not be read)"))
        else:
            yield ctx.finding(self, at=res, key="no-end", message=(
                f"{res.address} is a {kind} with no end_date: Microsoft Graph makes it valid for about two years"))


_ROTATION_DAYS = {"rotation_minutes": 1 / 1440, "rotation_hours": 1 / 24, "rotation_days": 1, "rotation_months": 31,
                  "rotation_years": 366}


def rotation_days(ctx: RuleContext, res) -> Optional[float]:
    """The rotation period (days) of the `time_rotating` resource the credential's `rotate_when_changed` names."""
    keepers = res.values.get("rotate_when_changed")
    for ref in refs_in(keepers):
        if not ref.base.split(".")[-2:-1] == ["time_rotating"]:
            continue
        rotating = ctx.graph.lookup(res.stack, ref.address)
        if rotating is None:
            continue
        periods = [float(v) * _ROTATION_DAYS[k] for k, v in rotating.values.items()
                   if k in _ROTATION_DAYS and isinstance(v, (int, float)) and not isinstance(v, bool)]
        if periods:
            return min(periods)
    return None
