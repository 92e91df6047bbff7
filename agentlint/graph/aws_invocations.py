"""AWS multi-agent wiring: which agent may drive which (Rel.INVOKES_AGENT). A Bedrock agent collaborator makes its
supervisor drive the collaborating agent; a role whose policies allow `bedrock:InvokeAgent` or
`bedrock-agentcore:InvokeAgentRuntime` on an agent (its alias or runtime endpoint, a wildcard ARN, or `*`) drives
that agent, and so does every workload that runs as the role (an agent, or an agent's tool Lambda).

Follows the hashicorp/aws provider 5.x and 6.x schemas (`aws_bedrockagent_agent_collaborator` with
`agent_descriptor.alias_arn`, `aws_bedrockagent_agent_alias.agent_id`,
`aws_bedrockagentcore_agent_runtime_endpoint.agent_runtime_id`) and the awscc equivalents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentlint.model import Resource
from agentlint.values import first_block, refs_in

if TYPE_CHECKING:
    from agentlint.graph.build import IdentityGraph

# The actions that make an agent do work, and the agent types each one drives.
AGENT_INVOKE_ACTIONS = {
    "bedrock:InvokeAgent": ("aws_bedrockagent_agent", "awscc_bedrock_agent"),
    "bedrock-agentcore:InvokeAgentRuntime": ("aws_bedrockagentcore_agent_runtime", "awscc_bedrockagentcore_runtime"),
}
# What a grant or a collaborator names instead of the agent itself: type -> the attribute that names the agent.
AGENT_HANDLES = {"aws_bedrockagent_agent_alias": "agent_id", "awscc_bedrock_agent_alias": "agent_id",
                 "aws_bedrockagentcore_agent_runtime_endpoint": "agent_runtime_id",
                 "awscc_bedrockagentcore_runtime_endpoint": "agent_runtime_id"}
_AGENT_ARN = {"bedrock": ("agent-alias/AGENT/ALIAS", "agent/AGENT"), "bedrock-agentcore": ("runtime/AGENT",)}


def agents_named(b: "IdentityGraph", stack: str, value: Any, types: tuple[str, ...], _depth: int = 0) -> list[str]:
    """The agent nodes of the scanned code a value names by reference: the agent (or runtime) itself, or an alias
    or runtime endpoint of it."""
    out: list[str] = []
    for ref in refs_in(value):
        res = b.lookup(stack, ref.address)
        if res is None or res.mode != "managed":
            continue
        if res.type in types:
            out.append(b._add(res, "workload"))
        elif res.type in AGENT_HANDLES and _depth < 3:
            out += agents_named(b, stack, res.values.get(AGENT_HANDLES[res.type]), types, _depth + 1)
    return list(dict.fromkeys(out))


def collaborator(b: "IdentityGraph", res: Resource) -> None:
    """A Bedrock agent collaborator: the supervisor (`agent_id`) drives the agent behind
    `agent_descriptor.alias_arn`."""
    alias = first_block(res.values.get("agent_descriptor")).get("alias_arn")
    driven = agents_named(b, res.stack, alias, AGENT_INVOKE_ACTIONS["bedrock:InvokeAgent"])
    for supervisor, resolved in b.targets(res.stack, res.values.get("agent_id"), "agent"):
        for agent in driven:
            if resolved and agent != supervisor:
                b.store.add_edge(supervisor, agent, rel="invokes_agent", attr="agent_descriptor.alias_arn", via=res,
                                 via_line=res.line_of("agent_descriptor"))


def _every_agent(pattern: str, service: str) -> bool:
    """Does a resource pattern of an invoke grant cover every agent of the account (`*`, `arn:aws:bedrock:*:*:*`,
    `arn:aws:bedrock:us-east-1:111122223333:agent-alias/*`)?"""
    import fnmatch

    if pattern == "*":
        return True
    parts = pattern.split(":", 5)
    if len(parts) != 6 or not fnmatch.fnmatchcase("aws", parts[1]) or not fnmatch.fnmatchcase(service, parts[2]):
        return False
    return any(fnmatch.fnmatchcase(sample, parts[5]) for sample in _AGENT_ARN[service])


def _every_agent_node(b: "IdentityGraph", stack: str, action: str) -> str:
    """The node standing for every agent of the account (`every_agent`, external): those the scanned code defines, of
    the types `action` drives in this stack (walkers list them with `AGENT_INVOKE_ACTIONS`), and those it does not."""
    node = f"{stack}::every-agent:{action}"
    if node not in b.store:
        b.store.add_node(node, kind="external", target_kind="agent", address=f"every agent of the account ({action})",
                         rtype="every_agent", resource=None, stack=stack)
    return node


def agent_invocations(b: "IdentityGraph") -> None:
    """principal -> agent for each agent of the scanned code a principal's policies let it invoke by reference (the
    agent, its alias or runtime endpoint), and principal -> the every-agent node for a grant on `*` or a wildcard
    ARN (it stands for every agent of the account, those of the code included). A Deny on every resource or a
    permissions boundary that leaves the action out takes the edge away. Runs once the IAM wiring is done."""
    from agentlint.iam.effective import EffectivePermissions, Holding
    from agentlint.iam.evaluate import allows_action

    for node, data in list(b.store.nodes(data=True)):
        if data.get("kind") != "principal" or data.get("resource") is None:
            continue
        policies = [(v, d) for _, v, d in b.store.out_edges(node, data=True) if d.get("rel") == "policy"]
        for _, group, d in list(b.store.out_edges(node, data=True)):
            if d.get("rel") == "member_of":
                policies += [(v, d2) for _, v, d2 in b.store.out_edges(group, data=True) if d2.get("rel") == "policy"]
        holdings = [Holding(None, p, st) for p, _ in policies for st in b.document(p).statements]
        boundary = next((v for _, v, d in b.store.out_edges(node, data=True) if d.get("rel") == "boundary"), None)
        eff = EffectivePermissions(holdings, b.document(boundary) if boundary is not None else None)
        seen: set[str] = set()
        for action, types in AGENT_INVOKE_ACTIONS.items():
            if not any(allows_action(h.statement, action) is True for h in holdings):
                continue
            if eff.denied(action) or not eff.within_boundary(action):
                continue
            service = action.split(":")[0]
            for h in holdings:
                st = h.statement
                if allows_action(st, action) is not True:
                    continue
                every = st.not_resources is not None or any(
                    isinstance(r, str) and _every_agent(r, service) for r in st.resources or [])
                # A grant on every agent is one edge to the node standing for all of them (the agents of the code
                # among them are found when a chain is walked): one edge per defined agent made 400,000 edges and
                # 600 MB for 200 administrator roles and 2,000 agents.
                targets = [_every_agent_node(b, data["stack"], action)] if every else agents_named(
                    b, data["stack"], st.resources, types)
                pdata = b.store.nodes[h.policy]
                where = st.origin or pdata.get("resource") or pdata.get("owner")
                for agent in targets:
                    if agent in seen:
                        continue
                    seen.add(agent)
                    b.store.add_edge(node, agent, rel="invokes_agent", attr=action, via=where,
                                     via_line=st.origin_line or pdata.get("line"), scope="*" if every else None,
                                     grant=h.policy, statement=st.label(), conditioned=bool(st.conditions))
