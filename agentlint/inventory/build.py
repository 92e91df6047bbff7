"""`agentlint inventory`: one record per agent, from one graph and one scan of the same inputs.

The graph is built once and handed to the scan (engine.scan(graph=...)), so an inventory costs a scan plus the
walk over each agent's chain. Records are plain dicts in the order of the JSON contract (README, "agentlint
inventory"); renderers in agentlint/outputs/inventory_*.py read them.
"""

from __future__ import annotations

import gc
from typing import Optional

from agentlint import __version__
from agentlint.config import Config
from agentlint.engine import build_graph, scan
from agentlint.graph.kagent import RELEASE_UNKNOWN
from agentlint.graph.schema import NodeKind
from agentlint.inventory.chain import chain, credentials, shared_with, trusted_by
from agentlint.inventory.permissions import permissions
from agentlint.inventory.score import blast_radius
from agentlint.model import Severity
from agentlint.rule import RuleContext

SCHEMA_VERSION = 1


def inventory(paths: list[str], config: Config, use_cache: bool = True, root: Optional[str] = None,
              variables: Optional[dict] = None, plan_options=None) -> dict:
    # As engine.scan does: the cyclic collector would walk the graph's millions of live objects again and again
    # between the graph, the scan and the records, and free nothing (the caller's setting is restored).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        graph = build_graph(paths, config, use_cache=use_cache, root=root, variables=variables,
                            plan_options=plan_options)
        report = scan(paths, config, use_cache=use_cache, root=root, variables=variables,
                      plan_options=plan_options, graph=graph)
        return from_graph(graph, report)
    finally:
        if was_enabled:
            gc.enable()


def from_graph(graph, report) -> dict:
    ctx = RuleContext(graph)
    agents = [agent_record(graph, ctx, node, report) for node in graph.agents]
    agents.sort(key=lambda a: (-a["blast_radius"]["score"], a["path"], a["start_line"] or 0, a["address"]))
    return {"tool": {"name": "agentlint", "version": __version__}, "schema_version": SCHEMA_VERSION,
            "summary": {"agents": len(agents), "stacks": len(graph.model.stacks),
                        "files_scanned": graph.model.files_scanned, "errors": len(report.errors)},
            "agents": agents, "external_principals": external_principals(agents),
            "errors": [e.model_dump(mode="json") for e in report.errors]}


def agent_record(g, ctx, node: str, report) -> dict:
    agent = g.agents[node]
    chain_ = chain(g, node)
    record = {
        "address": agent.address, "type": agent.type, "path": agent.path, "start_line": agent.start_line,
        "stack": agent.stack,
        "evidence": [e.model_dump(mode="json", exclude_none=True) for e in agent.evidence],
        "identities": [{k: v for k, v in i.items() if k != "node"} for i in chain_],
        "credentials": credentials(g, node, chain_),
        "permissions": permissions(g, ctx, chain_),
        "trusted_by": trusted_by(g, chain_),
        "shared_with": shared_with(g, node, chain_),
        "findings": finding_summary(report, agent),
    }
    if not chain_:
        record["permissions"]["unknown"].append("no identity found in the scanned code: the agent's runtime "
                                                "identity is set outside it, or it has none")
    if agent.type == "helm_release":  # a chart is more than the one workload the graph knows of it
        record["permissions"]["unknown"].append(f"{agent.address}: {RELEASE_UNKNOWN}")
    if any(g.node(i["node"]).kind == NodeKind.EXTERNAL for i in chain_):
        record["permissions"]["unknown"].append("an identity of the chain is defined outside the scanned code: "
                                                "what it holds there is not known")
    record["blast_radius"] = blast_radius(record)
    return record


def finding_summary(report, agent) -> dict:
    mine = [f for f in report.findings if agent.address in f.agents and (f.stack == agent.stack or
                                                                          agent.stack in f.roots)]
    return {"total": len(mine), "by_severity": {s.value: sum(1 for f in mine if f.severity == s) for s in Severity},
            "rule_ids": sorted({f.rule_id for f in mine})}


def external_principals(agents: list[dict]) -> list[dict]:
    """Principals outside the code that can become an agent's identity, with the agents and reach they get."""
    out: dict[str, dict] = {}
    for a in agents:
        for t in a["trusted_by"]:
            if not t["external"]:
                continue
            entry = out.setdefault(t["principal"], {"principal": t["principal"], "kind": t["kind"],
                                                    "identities": set(), "agents": set(), "sensitive": set()})
            entry["identities"].add(t["identity"])
            entry["agents"].add(a["address"])
            entry["sensitive"] |= {s["kind"] for s in a["permissions"]["sensitive"] if s["identity"] == t["identity"]}
    return [{**e, "identities": sorted(e["identities"]), "agents": sorted(e["agents"]),
             "sensitive": sorted(e["sensitive"])} for _, e in sorted(out.items())]

