"""Two sides -> the drift document (README, "Scope drift"): per agent what it gained and lost, agents added and
removed, and the level of each agent's growth for `--fail-on-drift`.

Levels, lowest first: `any` (anything gained: an action, a role, a credential, a trusted principal, an identity of
the chain, a changed credential lifetime, something that became unknown, or a new agent), `sensitive` (a gained
action or role that reaches secrets, data, identity control or code execution, a new credential, a credential that
no longer expires, a new external trusted principal), `permissions-management` (a gained action of the
Permissions management access level, or a role with identity control), `admin` (the agent becomes an
administrator). Each level includes the ones above it. Nothing lost ever counts.

Unknown is never lost: when the later side leaves part of an agent unknown (an action, a boundary or a principal
known only after apply), what the earlier side held and the later one does not show is listed under `unknown`,
with the reasons, instead of under `lost`.
"""

from __future__ import annotations

from agentlint import __version__
from agentlint.drift.records import roles
from agentlint.inventory.permissions import (CODE_EXEC_ACTIONS, DATA_SERVICES, IDENTITY_SERVICES, LEVELS,
                                             SECRET_ACTIONS)

SCHEMA_VERSION = 1
DRIFT_LEVELS = ("any", "sensitive", "permissions-management", "admin")
KINDS = ("actions", "action_groups", "roles", "sensitive", "credentials", "trusted_by", "identities")


def action_kinds(name: str, service: str, level: str) -> list[str]:
    """The sensitive reach of one action (the inventory's classification, per action)."""
    lower = name.lower()
    kinds = []
    if lower in SECRET_ACTIONS or service == "secretsmanager" and level in ("Read", "Write"):
        kinds.append("secrets")
    if service in DATA_SERVICES and level in ("Read", "Write"):
        kinds.append("data")
    if service in IDENTITY_SERVICES and level in ("Write", "Permissions management"):
        kinds.append("identity control")
    elif level == "Permissions management":  # resource policies, grants, ACLs: who else may act
        kinds.append("permissions management")
    if lower in CODE_EXEC_ACTIONS:
        kinds.append("code execution")
    return kinds


def _groups(names: set[str], actions: dict[str, tuple[str, str]]) -> list[dict]:
    """Actions by service and access level, the sensitive groups first."""
    by: dict[tuple[str, str], list[str]] = {}
    for name in names:
        by.setdefault(actions[name], []).append(name)
    out = []
    for (service, level), group in by.items():
        kinds = sorted({k for n in group for k in action_kinds(n, service, level)})
        out.append({"service": service, "level": level, "sensitive": kinds, "count": len(group),
                    "actions": sorted(group)})
    out.sort(key=lambda g: (not g["sensitive"], g["service"], LEVELS.index(g["level"])))
    return out


def _keyed(record: dict) -> dict[str, dict]:
    return {
        "roles": roles(record),
        "sensitive": {(s["kind"], s["identity"], s["what"]): s for s in record["permissions"]["sensitive"]},
        "credentials": {c["address"]: c for c in record["credentials"]},
        "trusted_by": {(t["identity"], t["kind"], t["principal"]): t for t in record["trusted_by"]},
        "identities": {i["address"]: i for i in record["identities"]},
    }


def _diff(before: dict | None, after: dict | None) -> tuple[dict, dict, list[dict]]:
    """(gained, lost, lifetime changes) between two sides of one agent (None: the agent is not on that side)."""
    empty = {"record": None, "actions": {}, "unknown": [], "admin": False}
    b, a = before or empty, after or empty
    bk = _keyed(b["record"]) if b["record"] else {k: {} for k in KINDS[2:]}
    ak = _keyed(a["record"]) if a["record"] else {k: {} for k in KINDS[2:]}
    gained_names = set(a["actions"]) - set(b["actions"])
    lost_names = set(b["actions"]) - set(a["actions"])
    gained = {"actions": sorted(gained_names), "action_groups": _groups(gained_names, a["actions"])}
    lost = {"actions": sorted(lost_names), "action_groups": _groups(lost_names, b["actions"])}
    for kind in KINDS[2:]:
        gained[kind] = [ak[kind][k] for k in sorted(set(ak[kind]) - set(bk[kind]), key=str)]
        lost[kind] = [bk[kind][k] for k in sorted(set(bk[kind]) - set(ak[kind]), key=str)]
    gained["admin"] = a["admin"] and not b["admin"]
    lost["admin"] = b["admin"] and not a["admin"]
    lifetimes = [{"address": addr, "kind": c["kind"], "before": bk["credentials"][addr]["lifetime"],
                  "after": c["lifetime"]}
                 for addr, c in sorted(ak["credentials"].items())
                 if addr in bk["credentials"] and bk["credentials"][addr]["lifetime"] != c["lifetime"]]
    return gained, lost, lifetimes


def _nothing(part: dict) -> bool:
    return not any(part[k] for k in KINDS) and not part["admin"]


def level(gained: dict, lifetimes: list[dict], new_unknown: list[str], added: bool = False) -> str | None:
    """The highest drift level this growth reaches (None: no growth)."""
    if gained["admin"]:
        return "admin"
    if any(g["level"] == "Permissions management" for g in gained["action_groups"]) or any(
            s["kind"] == "identity control" for s in gained["sensitive"]):
        return "permissions-management"
    if any(g["sensitive"] for g in gained["action_groups"]) or gained["sensitive"] or gained["credentials"] \
            or any(t["external"] for t in gained["trusted_by"]) \
            or any(c["after"] == "no expiry" for c in lifetimes):
        return "sensitive"
    if added or not _nothing(gained) or lifetimes or new_unknown:
        return "any"
    return None


def _header(record: dict) -> dict:
    return {k: record[k] for k in ("address", "type", "path", "start_line", "stack")}


NOT_RECOGNISED = ("still planned, but not recognised as an agent from the planned values (what made it one is "
                  "known only after apply)")


def compare(before: dict, after: dict, base: str, head: str, errors: list[dict],
            still_planned: set | None = None) -> dict:
    """The drift document from two sides ({key: agent}, records.side). `still_planned`: for a plan, the (stack key,
    address) of every planned resource: an agent of the prior state that the plan keeps but no longer shows as an
    agent (its environment unknown until apply...) is unknown, never removed."""
    agents, added, removed = [], [], []
    agents_after = len(after)
    after = dict(after)
    for key in set(before) - set(after):
        if still_planned is not None and key in still_planned:
            record = before[key]["record"]
            after[key] = {"record": {**record, "permissions": {**record["permissions"], "aws": [], "kubernetes": [],
                                                               "gcp": [], "azure": [], "sensitive": []},
                                     "credentials": [], "trusted_by": [], "identities": []},
                          "actions": {}, "unknown": [NOT_RECOGNISED], "admin": False}
    for key in sorted(set(before) | set(after), key=str):
        b, a = before.get(key), after.get(key)
        if b is None:
            gained, _, _ = _diff(None, a)
            added.append({**_header(a["record"]), "level": level(gained, [], [], added=True), "gained": gained,
                          "unknown": {"reasons": a["unknown"]}})
            continue
        if a is None:
            _, lost, _ = _diff(b, None)
            removed.append({**_header(b["record"]), "lost": lost})
            continue
        gained, lost, lifetimes = _diff(b, a)
        new_unknown = [u for u in a["unknown"] if u not in b["unknown"]]
        unknown = {"reasons": a["unknown"], **{kind: [] for kind in KINDS}, "admin": False}
        if a["unknown"]:  # the later side is not fully known: what it does not show is unknown, never lost
            for kind in KINDS + ("admin",):
                unknown[kind] = lost[kind]
                lost[kind] = [] if kind != "admin" else False
        if _nothing(gained) and _nothing(lost) and not lifetimes and not new_unknown \
                and not any(unknown.get(k) for k in KINDS):
            continue
        agents.append({**_header(a["record"]), "level": level(gained, lifetimes, new_unknown), "gained": gained,
                       "lost": lost, "lifetime_changes": lifetimes, "unknown": unknown})
    top = max((DRIFT_LEVELS.index(x["level"]) for x in agents + added if x["level"]), default=None)
    summary = {"agents_before": len(before), "agents_after": agents_after, "drifted": len(agents),
               "added": len(added), "removed": len(removed),
               "gained_actions": sum(len(x["gained"]["actions"]) for x in agents + added),
               "lost_actions": sum(len(x["lost"]["actions"]) for x in agents + removed),
               "level": DRIFT_LEVELS[top] if top is not None else None, "errors": len(errors)}
    return {"schema_version": SCHEMA_VERSION, "tool": {"name": "agentlint", "version": __version__},
            "base": base, "head": head, "summary": summary, "agents": agents, "added_agents": added,
            "removed_agents": removed, "errors": errors}


def reaches(drift: dict, threshold: str) -> bool:
    """Whether some agent's growth is at or above `threshold` (one of DRIFT_LEVELS)."""
    want = DRIFT_LEVELS.index(threshold)
    return any(x["level"] and DRIFT_LEVELS.index(x["level"]) >= want
               for x in drift["agents"] + drift["added_agents"])
