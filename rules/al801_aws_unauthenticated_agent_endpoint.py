from __future__ import annotations

from typing import Iterator, Optional

from agentlint.graph.schema import Rel
from agentlint.iam.escalation import METHODS, redundant
from agentlint.iam.evaluate import admin_level, allows_action, any_principal, is_conditional
from agentlint.iam.policy import parse_policy_value
from agentlint.model import Finding, Resource, Severity, TraceStep
from agentlint.rule import Ranking, Rule, RuleContext, describe_identity
from agentlint.values import Unknown, refs_in
from agentlint.rules.al8_agent_chain import chain_phrase, driven_agents, power_rank

# AgentCore resource policies (hashicorp/aws 6.x, added March 2026 by provider PR #46844; awscc from
# AWS::BedrockAgentCore::ResourcePolicy): `resource_arn` names a runtime, runtime endpoint or gateway, `policy` is JSON.
AGENTCORE_POLICY_TYPES = ("aws_bedrockagentcore_resource_policy", "awscc_bedrockagentcore_resource_policy")
AGENTCORE_INVOKE = ("bedrock-agentcore:InvokeAgentRuntime", "bedrock-agentcore:InvokeGateway")
AGENTCORE_TARGETS = ("aws_bedrockagentcore_agent_runtime", "awscc_bedrockagentcore_runtime",
                     "aws_bedrockagentcore_gateway", "awscc_bedrockagentcore_gateway")
AGENTCORE_ENDPOINTS = ("aws_bedrockagentcore_agent_runtime_endpoint", "awscc_bedrockagentcore_runtime_endpoint")

# Service principals that only narrow to the caller's resource with `source_arn` / `source_account`
# (any account can otherwise point its own API, bucket or topic at the function).
_ANY = ("*",)


class AwsUnauthenticatedAgentEndpoint(Rule):
    """
    ## What it does
    Flags an AWS Lambda function that is an AI agent, or an agent's tool (the executor of a Bedrock agent's action
    group, the Lambda target of an AgentCore gateway), when something lets callers reach it without
    authentication:

    - an `aws_lambda_function_url` with `authorization_type = "NONE"`;
    - an `aws_lambda_permission` for principal `"*"`, or for a service principal (`apigateway.amazonaws.com`,
      `s3.amazonaws.com`...) with neither `source_arn` nor `source_account`;
    - an API Gateway REST method (`aws_api_gateway_method` with `authorization = "NONE"`) whose
      `aws_api_gateway_integration` calls the function, or an HTTP API route (`aws_apigatewayv2_route` with no
      `authorizer_id` and `authorization_type` absent or `"NONE"`) whose target integration calls it.

    AgentCore gateways and runtimes always authenticate (`CUSTOM_JWT` or `AWS_IAM`): what is judged is who may call
    them. An `aws_bedrockagentcore_resource_policy` (or `awscc_bedrockagentcore_resource_policy`) whose
    `resource_arn` is a runtime, runtime endpoint or gateway of the scanned code, with an Allow statement for any
    principal (`"*"`, `AWS = "*"`) and no condition on `bedrock-agentcore:InvokeAgentRuntime` or
    `bedrock-agentcore:InvokeGateway`, lets every AWS account drive the agent with its own credentials.

    The finding is **high**; it is **critical** when the function's role has administrator access or can escalate
    its privileges (decided here from the role's effective permissions, whichever other rules run), and the trace
    then runs endpoint -> agent -> tool -> identity -> policy. **Multi-agent chains**: when the agent's own
    identity is not powerful but the agent can drive other agents (a Bedrock agent collaborator, its role's
    `bedrock:InvokeAgent` / `bedrock-agentcore:InvokeAgentRuntime` on their alias, runtime or `*`, its tool
    Lambda's role doing the same), the finding is critical when any agent it reaches, directly or through others,
    holds administrator access or an escalation path; the message names the chain and the trace runs endpoint ->
    agent -> identity -> grant -> agent -> ... -> the powerful identity -> its policy.

    Follows the hashicorp/aws provider 5.x and 6.x schemas (`aws_lambda_function_url`, `aws_lambda_permission`,
    `aws_api_gateway_method`, `aws_api_gateway_integration`, `aws_apigatewayv2_route`,
    `aws_apigatewayv2_integration`, `aws_bedrockagent_agent_collaborator`). `aws_bedrockagentcore_resource_policy`
    (`resource_arn`, `policy`) exists in hashicorp/aws 6.x only, added in March 2026 (provider pull request
    #46844); 5.x (checked against 5.100.0's schema) has no AgentCore resources at all. The awscc resource follows
    `AWS::BedrockAgentCore::ResourcePolicy` (`Policy`, `ResourceArn`).

    ## Why is this bad?
    Whoever can call the function drives the agent, and so everything its identity may do, with a prompt of their
    choosing and no trace of who they were. A function URL without authentication is on the public internet; a
    service principal without a source lets any AWS account's API, bucket or queue invoke it.

    ## Example
    ```hcl
    resource "aws_lambda_function_url" "agent" {
      function_name      = aws_lambda_function.agent.function_name
      authorization_type = "NONE"
    }
    ```

    ## Fix
    Use `authorization_type = "AWS_IAM"` (and sign the caller's requests), put an authorizer (Cognito, JWT,
    Lambda or IAM) on the API method or route, and give every `aws_lambda_permission` for a service a
    `source_arn` naming the one API, bucket or rule that may call the function.
    """

    id = "AL801"
    name = "aws-unauthenticated-agent-endpoint"
    title = "Agent function can be invoked without authentication"
    category = "unauthenticated-endpoint"
    severity = Severity.HIGH
    ranking = Ranking.FIXED  # every finding names an agent; critical is decided from the identity's power
    fix = ("Require authentication on the endpoint (AWS_IAM, an authorizer) and a source_arn on service "
           "permissions.")

    def check(self, ctx: RuleContext):
        for res in ctx.managed("aws_lambda_function_url"):
            if res.values.get("authorization_type") != "NONE":
                continue
            for fn in lambda_functions(ctx, res.stack, res.values.get("function_name")):
                yield from self._report(ctx, res, fn, "function URL with authorization_type NONE lets anyone on "
                                        "the internet invoke", key="function-url", line=res.line_of(
                                            "authorization_type"))
        for res in ctx.managed("aws_lambda_permission"):
            why = _open_permission(res)
            if why is None:
                continue
            for fn in lambda_functions(ctx, res.stack, res.values.get("function_name")):
                yield from self._report(ctx, res, fn, why, key="permission", line=res.line_of("principal"))
        yield from self._rest_methods(ctx)
        yield from self._http_routes(ctx)
        yield from self._agentcore_policies(ctx)

    def _agentcore_policies(self, ctx: RuleContext) -> Iterator[Finding]:
        """An AgentCore resource policy that lets any AWS principal invoke a runtime (or endpoint) or gateway,
        with no condition: every AWS account can drive the agent with its own credentials."""
        g = ctx.graph
        for res in ctx.managed(*AGENTCORE_POLICY_TYPES):
            doc = parse_policy_value(res.values.get("policy"), lambda a, stack=res.stack: g.lookup(stack, a))
            open_ = [st for st in doc.statements if st.is_allow and any_principal(st) and not st.conditions]
            actions = [a for a in AGENTCORE_INVOKE if any(allows_action(st, a) is True for st in open_)]
            if not actions:
                continue
            for target in agentcore_targets(ctx, res):
                yield from self._report(ctx, res, target, f"AgentCore resource policy lets any AWS principal ('*') "
                                        f"call {' and '.join(actions)}, with no condition, on", key="resource-policy",
                                        line=res.line_of("policy"))

    def _rest_methods(self, ctx: RuleContext) -> Iterator[Finding]:
        integrations = ctx.managed("aws_api_gateway_integration")
        for method in ctx.managed("aws_api_gateway_method"):
            if method.values.get("authorization") != "NONE":
                continue
            for integ in integrations:
                if integ.stack != method.stack or not all(
                        _same(ctx, method, integ, attr) for attr in ("rest_api_id", "resource_id", "http_method")):
                    continue
                for fn in lambda_functions(ctx, integ.stack, integ.values.get("uri")):
                    yield from self._report(ctx, method, fn, "API Gateway method with authorization NONE lets "
                                            "anyone who can reach the API invoke", key="rest-method",
                                            line=method.line_of("authorization"))

    def _http_routes(self, ctx: RuleContext) -> Iterator[Finding]:
        g = ctx.graph
        for route in ctx.managed("aws_apigatewayv2_route"):
            if route.values.get("authorizer_id") is not None or route.values.get("authorization_type") not in (
                    None, "NONE"):
                continue
            for ref in refs_in(route.values.get("target")):
                integ = g.lookup(route.stack, ref.address)
                if integ is None or integ.type != "aws_apigatewayv2_integration":
                    continue
                for fn in lambda_functions(ctx, integ.stack, integ.values.get("integration_uri")):
                    yield from self._report(ctx, route, fn, "HTTP API route with no authorizer lets anyone who "
                                            "can reach the API invoke", key="http-route")

    def _report(self, ctx: RuleContext, at: Resource, fn: Resource, how: str, *, key: str,
                line: Optional[int] = None) -> Iterator[Finding]:
        g = ctx.graph
        node = g.nid(fn)
        if node not in g.agents:
            return
        role = next((e.target for e in g.edges_out(node, Rel.RUNS_AS)), None)
        what = _what(ctx, fn)
        power = powerful(ctx, role) if role is not None else None
        message = f"{at.address}: {how} {what}"
        if role is not None:
            message += f", which runs as {describe_identity(g, role)}"
        tail = power[1] if power else None
        if power is not None:
            message += f"; that identity has {power[0]}, so anyone who can call the endpoint holds it"
        else:
            chained = _chain(ctx, node)
            if chained is not None:
                reach, far = chained
                message += f"; it can drive {chain_phrase(ctx, reach)}"
                tail = reach.steps[reach.steps[0].role == "identity":]
                if far is not None:
                    message += (f", which runs as {describe_identity(g, reach.identity)} with {far[0]}, so anyone "
                                "who can call the endpoint holds it")
                    tail += far[1]
                    power = far
        found = ctx.finding(self, at=at, line=line, message=message, identity=role, key=f"{key}:{fn.address}",
                            extra_agents=[] if role is not None else None, trace_tail=tail, subject=node)
        # The path runs through this function (the identity may be shared with other agents): endpoint ->
        # the agent that uses the function as a tool -> the function -> its identity -> what makes it powerful.
        rest = next((i for i, s in enumerate(found.trace) if s.role == "identity"), len(found.trace))
        users = [e.source for e in g.edges_in(node, Rel.TOOL)]
        head = [_step("endpoint", at, line)]
        head += [_step("agent", g.resource_of(users[0]))] if users and g.resource_of(users[0]) else []
        head.append(_step("tool" if users else "agent", fn))
        found.trace[:rest] = head
        if power is not None:
            found.severity = Severity.CRITICAL
        if not found.agents:
            found.agents = [fn.address]
        yield found


def agentcore_targets(ctx: RuleContext, res: Resource) -> list[Resource]:
    """The AgentCore runtimes and gateways of the scanned code a resource policy's `resource_arn` names (a runtime
    endpoint stands for its runtime)."""
    g = ctx.graph
    out: list[Resource] = []
    for ref in refs_in(res.values.get("resource_arn")):
        target = g.lookup(res.stack, ref.address)
        if target is not None and target.type in AGENTCORE_ENDPOINTS:
            target = next((g.lookup(res.stack, r.address) for r in refs_in(target.values.get("agent_runtime_id"))),
                          None)
        if target is not None and target.mode == "managed" and target.type in AGENTCORE_TARGETS and target not in out:
            out.append(target)
    return out


def _chain(ctx: RuleContext, agent: str):
    """(the agent this one drives whose identity is the most powerful, that power) when one of them is powerful;
    else (the first agent it drives, None); None when it drives no other agent of the scanned code."""
    reached = driven_agents(ctx, agent)
    best = None
    for reach in reached:
        power = powerful(ctx, reach.identity) if reach.identity is not None else None
        if power is not None and (best is None or power_rank(power[0]) > power_rank(best[1][0])):
            best = (reach, power)
    return best or ((reached[0], None) if reached else None)


def lambda_functions(ctx: RuleContext, stack: str, value) -> list[Resource]:
    """The Lambda functions of the scanned code a value names: by reference (its name, ARN or invoke ARN), or by
    the literal name or ARN of a function whose `function_name` is written in the code."""
    g = ctx.graph
    out: list[Resource] = []
    for ref in refs_in(value):
        res = g.lookup(stack, ref.address)
        if res is not None and res.type == "aws_lambda_function" and res.mode == "managed" and res not in out:
            out.append(res)
    if isinstance(value, str) and not isinstance(value, Unknown):
        name = value.split(":function:", 1)[1].split(":")[0].split("/")[0] if ":function:" in value else value
        out += [f for f in ctx.managed("aws_lambda_function")
                if f.stack == stack and f.values.get("function_name") == name and f not in out]
    return out


def powerful(ctx: RuleContext, principal: str) -> Optional[tuple[str, list[TraceStep]]]:
    """Administrator access or a privilege-escalation method in the principal's effective permissions, with the
    trace to the policy that grants it; None when it has neither."""
    g = ctx.graph
    for grant in g.grants(principal):
        managed = g.node(grant.policy).managed
        if managed is not None and managed.tier in ("admin", "near-admin"):
            level = "administrator" if managed.tier == "admin" else "near-administrator"
            return (f"{level} access (AWS managed policy {managed.name})",
                    ctx.policy_trace(grant, grant.policy, None))
    eff = ctx.effective(principal)
    for h in eff.holdings:
        level = admin_level(h.statement)
        if level is not None and not is_conditional(h.statement) and not ctx.denied(principal, "iam:CreateUser"):
            what = "administrator" if level == "admin" else "near-administrator"
            return (f"{what} access ({h.statement.label()} of {g.address_of(h.policy)})",
                    ctx.policy_trace(h.grant, h.policy, h.statement))
    found = []
    for m in METHODS:
        allowed = [eff.unconstrained(a, m.passes_to if a == "iam:PassRole" else None) for a in m.actions]
        if all(a is not None and not a.conditional for a in allowed):
            found.append((m, allowed))
    methods = [m for m, _ in found if not redundant(m, [x for x, _ in found])]
    if not methods:
        return None
    m, allowed = next((m, a) for m, a in found if m is methods[0])
    by = allowed[0].by
    return (f"privilege escalation ({m.name}: {' + '.join(m.actions)})",
            ctx.policy_trace(by.grant, by.policy, by.statement))


def _open_permission(res: Resource) -> Optional[str]:
    action = res.values.get("action")
    if isinstance(action, str) and action not in ("lambda:InvokeFunction", "lambda:InvokeFunctionUrl", "lambda:*"):
        return None
    principal = res.values.get("principal")
    if principal in _ANY:
        return "Lambda permission for principal '*' lets any AWS account (or, with a function URL, anyone) invoke"
    if isinstance(principal, str) and principal.endswith(".amazonaws.com") and res.values.get(
            "source_arn") is None and res.values.get("source_account") is None and res.values.get(
            "principal_org_id") is None:
        return (f"Lambda permission for service {principal} without source_arn or source_account lets that "
                "service invoke, on behalf of any AWS account,")
    return None


def _same(ctx: RuleContext, a: Resource, b: Resource, attr: str) -> bool:
    """Does the integration `b` name the same API, resource or HTTP method as the method `a`? Equal values, the
    same reference, or a reference to the method itself (`http_method = aws_api_gateway_method.m.http_method`)."""
    va, vb = a.values.get(attr), b.values.get(attr)
    if any(r.base == a.ref_address for r in refs_in(vb)):
        return True
    if isinstance(va, Unknown) or isinstance(vb, Unknown):
        ra = {r.address for r in refs_in(va)}
        return bool(ra) and ra == {r.address for r in refs_in(vb)} and getattr(va, "text", None) == getattr(
            vb, "text", None)
    return va == vb


def _what(ctx: RuleContext, fn: Resource) -> str:
    g = ctx.graph
    node = g.nid(fn)
    users = sorted(g.address_of(e.source) for e in g.edges_in(node, Rel.TOOL))
    if users:
        return f"{fn.address}, a tool of agent {', '.join(users)}"
    return f"agent {fn.address}"


def _step(role: str, res: Resource, line: Optional[int] = None) -> TraceStep:
    return TraceStep(role=role, address=res.address, path=res.path, line=line or res.start_line)
