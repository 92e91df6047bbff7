from __future__ import annotations

from typing import Any, Optional

from agentlint.graph.paths import AgentPath
from agentlint.graph.schema import Rel
from agentlint.iam.evaluate import allows_action
from agentlint.model import Confidence, Resource, Severity
from agentlint.rule import CentralLoggingOptions, Ranking, Rule, RuleContext
from agentlint.values import Unknown, blocks

# Data stores and functions whose use CloudTrail records only as data events: type -> (CloudTrail resource type,
# what it is called, the attribute that holds its name, the actions that use its data).
STORES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "aws_s3_bucket": ("AWS::S3::Object", "S3 bucket", "bucket", ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")),
    "aws_dynamodb_table": ("AWS::DynamoDB::Table", "DynamoDB table", "name",
                           ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem",
                            "dynamodb:UpdateItem", "dynamodb:DeleteItem")),
    "aws_lambda_function": ("AWS::Lambda::Function", "Lambda function", "function_name", ("lambda:InvokeFunction",)),
}
# A basic event selector value that stands for every resource of its type.
_EVERY = {"arn:aws:s3", "arn:aws:s3:::", "arn:aws:lambda", "arn:aws:dynamodb"}
SHOWN = 5


class CloudTrailAgentDataEventsExcluded(Rule):
    """
    ## What it does
    When the scanned code defines CloudTrail trails (`aws_cloudtrail`), flags the data stores and functions of its
    agents whose data events no trail records: the S3 buckets, DynamoDB tables and Lambda functions of the
    scanned code that an agent's identity (or the identity of one of its tools) may read, write or invoke by name,
    and the Lambda functions that are an agent's tools (a Bedrock action group's executor, an AgentCore gateway's
    Lambda target). One finding per root module, at its first trail, naming them.

    A trail records management events only unless its `event_selector` blocks (`data_resource` with `type`
    `AWS::S3::Object`, `AWS::Lambda::Function` or `AWS::DynamoDB::Table`, and `values` naming the resource, or
    `arn:aws:s3` / `arn:aws:lambda` / `arn:aws:dynamodb` for all of them) or `advanced_event_selector` blocks
    (`eventCategory` = `Data`, `resources.type`, and `resources.ARN` by `equals` / `starts_with`, or not at all)
    add data events. A selector that records only reads or only writes (`read_write_type`, `readOnly`) does not
    count, nor does a trail with `enable_logging = false`. No trail in the scanned code means no finding (AL701's
    territory is the account's logging); an organization trail defined elsewhere may record the events, so the
    confidence is **medium** and `central-logging = true` silences the rule. Grants on `*` are AL401's: only
    resources named in the grant count here.

    Follows the hashicorp/aws provider 5.x and 6.x schema of `aws_cloudtrail` (`event_selector.data_resource`,
    `event_selector.read_write_type`, `advanced_event_selector.field_selector` with `field`, `equals`,
    `starts_with`, `not_equals`, `not_starts_with`).

    **Opt-in**, like AL701-AL704: the rule runs only when selected (`--select AL705`) or enabled
    (`[rules.AL705] enabled = true`).

    ## Why is this bad?
    What an agent read from its bucket or table, and which tool function it invoked with what, is the record of
    what a prompt injection made it do. Management events show that a bucket was created, not that an agent
    downloaded every object in it.

    ## Example
    ```hcl
    resource "aws_cloudtrail" "main" {
      name           = "main"
      s3_bucket_name = aws_s3_bucket.trail.id
      # no event_selector: management events only
    }
    ```

    ## Fix
    Add an `advanced_event_selector` with `eventCategory` = `Data`, `resources.type` = `AWS::S3::Object` (and
    `AWS::Lambda::Function`, `AWS::DynamoDB::Table`) and `resources.ARN` `starts_with` the agents' bucket, table
    and function ARNs; or say the account logs them centrally with `central-logging = true`.
    """

    id = "AL705"
    name = "cloudtrail-agent-data-events-excluded"
    title = "CloudTrail trails leave out the data events of agents' stores and tools"
    category = "missing-audit"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    ranking = Ranking.FIXED  # every finding names the agents whose stores it is about
    enabled_by_default = False
    fix = ("Add data event selectors for the agents' buckets, tables and tool functions to a trail, or set "
           "central-logging = true when an organization trail records them.")

    Options = CentralLoggingOptions

    def check(self, ctx: RuleContext):
        if self.options.central_logging:
            return
        g = ctx.graph
        trails: dict[str, list[Resource]] = {}
        for trail in ctx.managed("aws_cloudtrail"):
            trails.setdefault(trail.stack, []).append(trail)
        for stack, stack_trails in trails.items():
            stores = _agent_stores(ctx, stack)
            missing = [(store, agents, how) for store, agents, how in stores.values()
                       if not any(_records(t, store) for t in stack_trails)]
            if not missing:
                continue
            first = min(stack_trails, key=lambda t: (t.path, t.start_line or 0))
            shown = "; ".join(f"{STORES[s.type][1]} {s.address} ({how} {', '.join(sorted(g.address_of(a) for a in agents))})"
                              for s, agents, how in missing[:SHOWN])
            more = f"; and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
            names = ", ".join(t.address for t in stack_trails)
            agents = sorted({a for _, found, _ in missing for a in found})
            yield ctx.finding(
                self, at=first, key="data-events", confidence=Confidence.MEDIUM,
                extra_agents=[AgentPath(a, [a]) for a in agents],
                message=(f"no CloudTrail trail of the scanned code ({names}) records the data events of {shown}{more}: "
                         "what the agents read, wrote or invoked there is not recorded unless an organization trail "
                         "outside this code does (declare it with `central-logging = true` if so)"))


def _agent_stores(ctx: RuleContext, stack: str) -> dict[str, tuple[Resource, set[str], str]]:
    """Store address -> (store, agents that use it, how: "used by agent" or "tool of agent"), in the order found."""
    g = ctx.graph
    out: dict[str, tuple[Resource, set[str], str]] = {}
    for agent in sorted(g.agents):
        if g.node(agent).stack != stack:
            continue
        for tool in g.edges_out(agent, Rel.TOOL):
            res = g.resource_of(tool.target)
            if res is not None and res.type == "aws_lambda_function":
                out.setdefault(res.address, (res, set(), "tool of agent"))[1].add(agent)
        identities = [e.target for e in g.edges_out(agent, Rel.RUNS_AS)]
        identities += [e.target for t in g.edges_out(agent, Rel.TOOL) for e in g.edges_out(t.target, Rel.RUNS_AS)]
        for identity in dict.fromkeys(identities):
            for store in _reached(ctx, stack, identity):
                out.setdefault(store.address, (store, set(), "used by agent"))[1].add(agent)
    return out


def _reached(ctx: RuleContext, stack: str, identity: str) -> list[Resource]:
    """The stores of the scanned code an identity's Allow statements name for one of their data actions."""
    out: list[Resource] = []
    eff = ctx.effective(identity)
    for h in eff.holdings:
        st = h.statement
        for rtype, (_, _, _, actions) in STORES.items():
            usable = [a for a in actions if allows_action(st, a) is True and not eff.denied(a)]
            if not usable:
                continue
            for item in st.resources or []:
                for store in _named(ctx, stack, item, rtype):
                    if store not in out:
                        out.append(store)
    return out


def _named(ctx: RuleContext, stack: str, item: Any, rtype: str) -> list[Resource]:
    g = ctx.graph
    if isinstance(item, Unknown):
        found = [g.lookup(stack, r.address) for r in item.refs]
        return [r for r in found if r is not None and r.type == rtype and r.mode == "managed"]
    if isinstance(item, str) and item != "*":
        return [r for r in ctx.managed(rtype) if r.stack == stack and _name_in(item, r) is True]
    return []


def _name_in(value: str, store: Resource) -> Optional[bool]:
    """Does an ARN (or ARN prefix) name this store? None when the store's name is not written in the code."""
    name = store.values.get(STORES[store.type][2])
    if not isinstance(name, str):
        return None
    if store.type == "aws_s3_bucket" and ":::" in value:
        return value.split(":::", 1)[1].split("/")[0] == name
    if store.type == "aws_lambda_function" and ":function:" in value:
        return value.split(":function:", 1)[1].split(":")[0] == name
    if store.type == "aws_dynamodb_table" and ":table/" in value:
        return value.split(":table/", 1)[1].split("/")[0] == name
    return False


def _matches(value: Any, store: Resource) -> bool:
    """Does a selector value (a basic `values` item, an advanced `equals` / `starts_with` item) cover the store?"""
    if isinstance(value, Unknown):
        return any(r.address == store.address or r.address == r.base == store.ref_address for r in value.refs)
    if not isinstance(value, str):
        return False
    return value.rstrip("/") in _EVERY or _name_in(value, store) is True


def _records(trail: Resource, store: Resource) -> bool:
    """Does the trail record every data event (reads and writes) of the store?"""
    v = trail.values
    if v.get("enable_logging") is False:
        return False
    kind = STORES[store.type][0]
    for sel in blocks(v.get("event_selector")):
        if sel.get("read_write_type") not in (None, "All"):
            continue
        for res in blocks(sel.get("data_resource")):
            values = res.get("values")
            if res.get("type") == kind and any(_matches(x, store) for x in _items(values)):
                return True
    for adv in blocks(v.get("advanced_event_selector")):
        fields = {f.get("field"): f for f in blocks(adv.get("field_selector")) if isinstance(f.get("field"), str)}
        if "Data" not in _items(fields.get("eventCategory", {}).get("equals")) or \
                kind not in _items(fields.get("resources.type", {}).get("equals")):
            continue
        if "readOnly" in fields or "eventName" in fields:
            continue  # reads only, writes only, or some calls only
        arn = fields.get("resources.ARN")
        if arn is None:
            return True
        included = _items(arn.get("equals")) + _items(arn.get("starts_with"))
        excluded = _items(arn.get("not_equals")) + _items(arn.get("not_starts_with"))
        if any(_matches(x, store) for x in excluded):
            continue
        if (not included and not arn.get("ends_with")) or any(_matches(x, store) for x in included):
            return True
    return False


def _items(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else ([value] if value is not None else [])
