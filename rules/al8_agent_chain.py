"""Multi-agent chains for the unauthenticated-endpoint rules (AL801, AL804): which agents one agent (or identity)
can drive through others, with the trace of each hop. No rule lives here.

An agent X drives an agent Y when X itself (a Bedrock agent collaborator), the identity X runs as, one of X's tools,
or the identity of one of X's tools has a `Rel.INVOKES_AGENT` edge to Y. Walked breadth first, each agent once, so
the shortest chain to each agent is the one reported.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Optional

from agentlint.graph.aws_invocations import AGENT_INVOKE_ACTIONS
from agentlint.graph.schema import Edge, NodeKind, Rel
from agentlint.model import TraceStep
from agentlint.rule import RuleContext

_POWER_RANK = (("administrator", 3), ("near-administrator", 2), ("privilege escalation", 1))


@dataclass
class Reach:
    agent: str  # node id of an agent the start can drive
    identity: Optional[str]  # the identity that agent runs as
    steps: list[TraceStep]  # from the start's side to the agent (inclusive), then its identity
    via: list[str]  # the agents in between (node ids), in order


def driven_agents(ctx: RuleContext, start: str, *, identity_only: bool = False) -> list[Reach]:
    """Every agent `start` (an agent, or with `identity_only` an identity) can drive, directly or through other
    agents, in breadth-first order; `start` itself and the agents acting as a starting identity are left out."""
    g = ctx.graph
    own = {p.agent for p in g.agent_paths(start)} | {start}
    out: list[Reach] = []
    seen = set(own)
    queue = deque([(start, [], [], identity_only)])
    while queue:
        node, steps, via, as_identity = queue.popleft()
        for source, lead in ([(node, [])] if as_identity else _drivers(ctx, node)):
            for e in g.edges_out(source, Rel.INVOKES_AGENT):
                for target in _targets(ctx, e):
                    if target in seen:
                        continue
                    seen.add(target)
                    identity = next((r.target for r in g.edges_out(target, Rel.RUNS_AS)), None)
                    hop = steps + lead + _grant_steps(ctx, e) + [_node_step(ctx, "agent", target)]
                    if identity is not None:
                        hop.append(_node_step(ctx, "identity", identity))
                    out.append(Reach(target, identity, hop, via))
                    queue.append((target, hop[:-1] if identity is not None else hop, via + [target], False))
    return out


def _targets(ctx: RuleContext, e: Edge) -> list[str]:
    """The agents an invoke edge reaches: its target, or for a grant on every agent (the external every-agent node)
    the agents of the scanned code in that stack that the action drives; the ones the code does not define have
    nothing to follow."""
    g = ctx.graph
    if g.node(e.target).kind != NodeKind.EXTERNAL:
        return [e.target]
    types = AGENT_INVOKE_ACTIONS.get(e.attr, ())
    stack = g.node(e.target).stack
    return sorted(a for a in g.agents if g.node(a).stack == stack and g.node(a).rtype in types)


def _drivers(ctx: RuleContext, agent: str) -> list[tuple[str, list[TraceStep]]]:
    """The nodes through which an agent invokes others, each with the steps from the agent to it."""
    g = ctx.graph
    out: list[tuple[str, list[TraceStep]]] = [(agent, [])]
    for e in g.edges_out(agent, Rel.RUNS_AS):
        out.append((e.target, [_node_step(ctx, "identity", e.target)]))
    for t in g.edges_out(agent, Rel.TOOL):
        tool = [_node_step(ctx, "tool", t.target)]
        out.append((t.target, tool))
        out += [(e.target, tool + [_node_step(ctx, "identity", e.target)])
                for e in g.edges_out(t.target, Rel.RUNS_AS)]
    return out


def _node_step(ctx: RuleContext, role: str, node: str) -> TraceStep:
    res = ctx.graph.resource_of(node)
    return TraceStep(role=role, address=ctx.graph.address_of(node), path=res.path if res else None,
                     line=res.start_line if res else None)


def _grant_steps(ctx: RuleContext, e: Edge) -> list[TraceStep]:
    """The hop's reason: the collaborator resource, or the policy and statement that allow the invoke action."""
    g = ctx.graph
    if e.grant is None:
        return [TraceStep(role="collaborator", address=e.via.address if e.via else g.address_of(e.source),
                          path=e.via.path if e.via else None,
                          line=e.via_line or (e.via.start_line if e.via else None))]
    node = g.node(e.grant)
    res = node.resource or node.owner
    policy = TraceStep(role="policy", address=node.address, path=res.path if res else None,
                       line=node.line or (node.resource.start_line if node.resource else None))
    where = e.via or res
    statement = TraceStep(role="statement", address=where.address if where else node.address,
                          path=where.path if where else None,
                          line=e.via_line or (where.start_line if where else None), note=e.statement)
    return [policy, statement]


def power_rank(description: str) -> int:
    """How powerful an identity is from the description `powerful()` gives (administrator first)."""
    return next((rank for prefix, rank in _POWER_RANK if description.startswith(prefix)), 0)


def chain_phrase(ctx: RuleContext, reach: Reach) -> str:
    """`agent B` or `agent B through agent A1, A2`."""
    g = ctx.graph
    text = f"agent {g.address_of(reach.agent)}"
    if reach.via:
        text += " (through " + ", ".join(f"agent {g.address_of(a)}" for a in reach.via) + ")"
    return text
