"""One side of a drift comparison: the inventory record of every agent, with the full set of actions it holds.

The inventory (agentlint.inventory) keeps the first few action names of each group for a reader; drift compares
every name, so it reads the groups the inventory expanded (inventory.permissions.held_actions) for each identity of
the agent's chain. Agents are keyed by their root module relative to the repository root (or the plan file) and
their address: the same key on both sides is the same agent.
"""

from __future__ import annotations

import os

from agentlint.inventory.build import agent_record
from agentlint.inventory.chain import chain
from agentlint.inventory.permissions import held_actions
from agentlint.inventory.score import PRIMITIVE_ROLES
from agentlint.rule import RuleContext

# Roles that make their holder an administrator (a Kubernetes `edit` is primitive but does not administer).
ADMIN_ROLES = PRIMITIVE_ROLES - {"edit"}
UNKNOWN_MARK = "known after apply"


def side(graph, report, key_of) -> dict:
    """{key: agent} for one point in time; `key_of(stack)` names a root module the same way on both sides."""
    ctx = RuleContext(graph)
    agents = {}
    for node in graph.agents:
        record = agent_record(graph, ctx, node, report)
        actions: dict[str, tuple[str, str]] = {}
        unknown = list(record["permissions"]["unknown"])
        for ident in chain(graph, node):
            for (service, level), grp in held_actions(ctx, ident["node"]).items():
                for name in grp["names"]:
                    actions[name] = (service, level)
            # A policy whose document is unknown (until apply, or from a variable) grants what cannot be listed.
            for grant in graph.grants(ident["node"]):
                doc = graph.document(grant.policy)
                if not doc.known:
                    unknown.append(f"{ident['address']}: {graph.address_of(grant.policy)}: {doc.reason}")
        unknown += [f"{t['identity']}: a trust principal is unknown until apply" for t in record["trusted_by"]
                    if UNKNOWN_MARK in t["principal"]]
        unknown += [f"{c['address']}: lifetime unknown until apply" for c in record["credentials"]
                    if UNKNOWN_MARK in c["lifetime"] or "unknown until apply" in c["lifetime"]]
        agents[(key_of(record["stack"]), record["address"])] = {
            "record": record, "actions": actions, "unknown": sorted(set(unknown)), "admin": is_admin(record)}
    return agents


def is_admin(record: dict) -> bool:
    """Every action of more than 20 services (the inventory's `*` entry), or an administrator role."""
    perms = record["permissions"]
    return any(p["service"] == "*" for p in perms["aws"]) or any(
        p["role"].lower() in ADMIN_ROLES for p in perms["kubernetes"] + perms["gcp"] + perms["azure"])


def roles(record: dict) -> dict[tuple, dict]:
    """Kubernetes, Google Cloud and Azure roles granted to the chain, keyed for comparison."""
    out = {}
    for cloud in ("kubernetes", "gcp", "azure"):
        for p in record["permissions"][cloud]:
            entry = {"cloud": cloud, "identity": p["identity"], "role": p["role"], "scope": p["scope"]}
            out[(cloud, p["identity"], p["role"], p["scope"])] = entry
    return out


def relative_key(roots: dict[str, str]):
    """A stack as a key: its path relative to its repository root (model.roots), else as shown."""
    def key_of(stack: str) -> str:
        return roots.get(stack, stack.replace(os.sep, "/"))
    return key_of
