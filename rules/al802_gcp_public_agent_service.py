from __future__ import annotations

from typing import Any, Iterator, Optional

from agentlint.graph.gcp import policy_bindings
from agentlint.graph.schema import Rel
from agentlint.model import Finding, Resource, Severity, TraceStep
from agentlint.rule import Ranking, Rule, RuleContext, describe_identity
from agentlint.values import Unknown, refs_in

# IAM resource type -> (attribute naming the service or function, the workload types it can name, form).
IAM_TYPES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "google_cloud_run_service_iam_member": ("service", ("google_cloud_run_service",), "member"),
    "google_cloud_run_service_iam_binding": ("service", ("google_cloud_run_service",), "members"),
    "google_cloud_run_service_iam_policy": ("service", ("google_cloud_run_service",), "policy_data"),
    "google_cloud_run_v2_service_iam_member": ("name", ("google_cloud_run_v2_service",), "member"),
    "google_cloud_run_v2_service_iam_binding": ("name", ("google_cloud_run_v2_service",), "members"),
    "google_cloud_run_v2_service_iam_policy": ("name", ("google_cloud_run_v2_service",), "policy_data"),
    "google_cloudfunctions_function_iam_member": ("cloud_function", ("google_cloudfunctions_function",), "member"),
    "google_cloudfunctions_function_iam_binding": ("cloud_function", ("google_cloudfunctions_function",),
                                                   "members"),
    "google_cloudfunctions_function_iam_policy": ("cloud_function", ("google_cloudfunctions_function",),
                                                  "policy_data"),
    "google_cloudfunctions2_function_iam_member": ("cloud_function", ("google_cloudfunctions2_function",), "member"),
    "google_cloudfunctions2_function_iam_binding": ("cloud_function", ("google_cloudfunctions2_function",),
                                                    "members"),
    "google_cloudfunctions2_function_iam_policy": ("cloud_function", ("google_cloudfunctions2_function",),
                                                   "policy_data"),
}
# Roles that include the permission to invoke (run.routes.invoke / cloudfunctions.functions.invoke).
INVOKER_ROLES = {"roles/run.invoker", "roles/run.servicesInvoker", "roles/run.admin", "roles/cloudfunctions.invoker",
                 "roles/cloudfunctions.admin", "roles/owner", "roles/editor"}
PUBLIC = {"allUsers": "anyone on the internet", "allAuthenticatedUsers": "anyone with a Google account"}
# Roles that make a service account an administrator of what it is granted on, or let it become other identities.
POWERFUL_ROLES = {"roles/owner": "the basic Owner role", "roles/editor": "the basic Editor role",
                  "roles/resourcemanager.projectIamAdmin": "Project IAM Admin (it can grant itself any role)",
                  "roles/resourcemanager.organizationAdmin": "Organization Administrator",
                  "roles/resourcemanager.folderAdmin": "Folder Admin",
                  "roles/iam.securityAdmin": "Security Admin (it can grant itself any role)",
                  "roles/iam.serviceAccountTokenCreator": "Service Account Token Creator (it can act as other "
                                                          "service accounts)",
                  "roles/iam.serviceAccountKeyAdmin": "Service Account Key Admin (it can mint keys for other "
                                                      "service accounts)"}


class GcpPublicAgentService(Rule):
    """
    ## What it does
    Flags Cloud Run services and Cloud Functions that run AI agents (or an agent's tools) when their IAM policy
    lets `allUsers` or `allAuthenticatedUsers` invoke them: `roles/run.invoker` (or
    `roles/cloudfunctions.invoker`, or a role that includes invoking) granted through the `_iam_member`,
    `_iam_binding` or `_iam_policy` resources of Cloud Run v1 (`google_cloud_run_service_iam_*`, `service`),
    Cloud Run v2 (`google_cloud_run_v2_service_iam_*`, `name`) and Cloud Functions 1st and 2nd gen
    (`google_cloudfunctions_function_iam_*`, `google_cloudfunctions2_function_iam_*`, `cloud_function`).

    The finding is **high**; it is **critical** when the service account the agent runs as holds a basic Owner or
    Editor role, or an IAM-administration or impersonation role, anywhere in the scanned code (the path then runs
    endpoint -> agent -> service account -> role grant).

    Follows the hashicorp/google provider 5.x and 6.x schemas.

    ## Why is this bad?
    `allUsers` makes the agent's URL callable by anyone on the internet, `allAuthenticatedUsers` by anyone with a
    Google account (not only your organisation's). Whoever calls the agent steers it, and everything its service
    account may do, with no identity to audit.

    ## Example
    ```hcl
    resource "google_cloud_run_v2_service_iam_member" "public" {
      name     = google_cloud_run_v2_service.agent.name
      location = google_cloud_run_v2_service.agent.location
      role     = "roles/run.invoker"
      member   = "allUsers"
    }
    ```

    ## Fix
    Grant `roles/run.invoker` to the service accounts or groups that call the agent, and put a load balancer with
    Identity-Aware Proxy in front of it when people must reach it from a browser.
    """

    id = "AL802"
    name = "gcp-public-agent-service"
    title = "Agent on Cloud Run or Cloud Functions invocable by allUsers"
    category = "unauthenticated-endpoint"
    severity = Severity.HIGH
    ranking = Ranking.FIXED  # every finding names an agent; critical is decided from the service account's roles
    fix = "Grant the invoker role to the callers' service accounts or groups, not allUsers/allAuthenticatedUsers."

    def check(self, ctx: RuleContext):
        for res in ctx.managed(*IAM_TYPES):
            attr, types, form = IAM_TYPES[res.type]
            for role, member in _grants(ctx, res, form):
                if not isinstance(role, str) or not isinstance(member, str) or role not in INVOKER_ROLES or \
                        member not in PUBLIC:
                    continue
                for workload in _named(ctx, res.stack, res.values.get(attr), types):
                    yield from self._report(ctx, res, workload, role, member)

    def _report(self, ctx: RuleContext, at: Resource, workload: Resource, role: str,
                member: str) -> Iterator[Finding]:
        g = ctx.graph
        node = g.nid(workload)
        if node not in g.agents:
            return
        account = next((e.target for e in g.edges_out(node, Rel.RUNS_AS)), None)
        unauthenticated = " without authentication" if member == "allUsers" else ", not only your organisation"
        message = (f"{at.address} grants {role} to {member}: {PUBLIC[member]} can invoke agent {workload.address}"
                   f"{unauthenticated}")
        power = _powerful(g, account) if account is not None else None
        if account is not None:
            message += f", which runs as {describe_identity(g, account)}"
        if power is not None:
            message += f"; that service account holds {power[0]}, so every caller holds it"
        line = at.line_of("member" if "member" in at.values else "members" if "members" in at.values else
                          "policy_data")
        found = ctx.finding(self, at=at, line=line, message=message, identity=account,
                            key=f"{member}:{role}:{workload.address}", trace_tail=power[1] if power else None,
                            subject=node)
        rest = next((i for i, s in enumerate(found.trace) if s.role == "identity"), len(found.trace))
        found.trace[:rest] = [_step("endpoint", at, line), _step("agent", workload)]
        if power is not None:
            found.severity = Severity.CRITICAL
        if not found.agents:
            found.agents = [workload.address]
        yield found


def _grants(ctx: RuleContext, res: Resource, form: str) -> list[tuple[Any, Any]]:
    role = res.values.get("role")
    if form == "member":
        return [(role, res.values.get("member"))]
    if form == "members":
        members = res.values.get("members")
        return [(role, m) for m in members] if isinstance(members, list) else []
    pairs = policy_bindings(res.values.get("policy_data"), lambda a: ctx.graph.lookup(res.stack, a))
    return [(r, m) for r, members in pairs for m in (members if isinstance(members, list) else [])]


def _named(ctx: RuleContext, stack: str, value, types: tuple[str, ...]) -> list[Resource]:
    """The services or functions of the scanned code a value names: by reference, or by literal name (or
    `projects/P/locations/L/services/NAME` path)."""
    g = ctx.graph
    out: list[Resource] = []
    for ref in refs_in(value):
        res = g.lookup(stack, ref.address)
        if res is not None and res.type in types and res.mode == "managed" and res not in out:
            out.append(res)
    if isinstance(value, str) and not isinstance(value, Unknown):
        name = value.rsplit("/", 1)[-1]
        out += [r for r in ctx.managed(*types) if r.stack == stack and r.values.get("name") == name and r not in out]
    return out


def _powerful(g, account: str) -> Optional[tuple[str, list[TraceStep]]]:
    for e in g.edges_out(account, Rel.GCP_BINDING):
        if e.role in POWERFUL_ROLES:
            via = e.via
            step = TraceStep(role="grant", address=via.address if via else e.role, path=via.path if via else None,
                             line=via.start_line if via else None, note=f"{e.role} on {e.scope}")
            return f"{POWERFUL_ROLES[e.role]} on {e.scope}", [step]
    return None


def _step(role: str, res: Resource, line: Optional[int] = None) -> TraceStep:
    return TraceStep(role=role, address=res.address, path=res.path, line=line or res.start_line)
