"""`agentlint drift` as text and JSON, and the "Scope drift" section of `scan --diff-base`'s text report.

Per agent: the growth level, then what it gained and lost, actions grouped by service and access level with the
sensitive groups first (at most MAX_NAMES names a group; `--format json` lists every one). Text from the scanned tree
is passed through `printable` (no terminal escape sequences from a pull request).
"""

from __future__ import annotations

import json

from agentlint.values import printable

MAX_NAMES = 8


def to_json(drift: dict) -> str:
    return json.dumps(drift, indent=2) + "\n"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _loc(path, line) -> str:
    return printable(f"{path}:{line}" if line else str(path))


def _names(names: list[str]) -> str:
    shown = ", ".join(printable(n) for n in names[:MAX_NAMES])
    return shown + (f" (+{len(names) - MAX_NAMES} more)" if len(names) > MAX_NAMES else "")


def part_lines(part: dict, indent: str) -> list[str]:
    """What one side of a change holds: actions by group, roles, credentials, trusted principals, identities."""
    out = []
    if part.get("admin"):
        out.append(f"{indent}administrator access")
    if part["actions"]:
        sensitive = sum(g["count"] for g in part["action_groups"] if g["sensitive"])
        out.append(f"{indent}{_count(len(part['actions']), 'action')}"
                   + (f" ({sensitive} sensitive)" if sensitive else ""))
        for g in part["action_groups"]:
            kinds = f"  [{', '.join(g['sensitive'])}]" if g["sensitive"] else ""
            out.append(f"{indent}  {g['service']} {g['level']}: {_names(g['actions'])}{kinds}")
    for r in part["roles"]:
        out.append(f"{indent}role {printable(r['role'])} ({r['cloud']}) on {printable(r['identity'])}"
                   + (f" at {printable(r['scope'])}" if r["scope"] else ""))
    for c in part["credentials"]:
        out.append(f"{indent}credential {printable(c['address'])} ({c['kind']}, {printable(c['lifetime'])}; "
                   f"{printable(c['where'])})  {_loc(c['path'], c['line'])}")
    for t in part["trusted_by"]:
        out.append(f"{indent}trusted principal {printable(t['principal'])} ({t['kind']}"
                   f"{', external' if t['external'] else ''}) on {printable(t['identity'])}")
    for i in part["identities"]:
        out.append(f"{indent}identity {printable(i['address'])} ({printable(i['how'])})  {_loc(i['path'], i['line'])}")
    reach = sorted({s["kind"] for s in part["sensitive"]})
    if reach:
        out.append(f"{indent}sensitive reach: {', '.join(reach)}")
    return out


def _empty(part: dict) -> bool:
    return not part_lines(part, "")


def agent_lines(a: dict, several_roots: bool) -> list[str]:
    root = f"  (root {printable(a['stack'])})" if several_roots else ""
    growth = f"  growth: {a['level']}" if a.get("level") else ""
    out = [f"  {printable(a['address'])}  {_loc(a['path'], a['start_line'])}{root}{growth}"]
    if "gained" in a and not _empty(a["gained"]):
        out += ["    gained"] + part_lines(a["gained"], "      ")
    if "lost" in a and not _empty(a["lost"]):
        out += ["    lost" if "gained" in a else "    held"] + part_lines(a["lost"], "      ")
    for c in a.get("lifetime_changes", []):
        out.append(f"    lifetime of {printable(c['address'])}: {printable(c['before'])} -> {printable(c['after'])}")
    unknown = a.get("unknown") or {}
    if "actions" in unknown and not _empty(unknown):
        out += ["    unknown after the change (not shown by the later side, not counted as lost)"]
        out += part_lines(unknown, "      ")
    for reason in unknown.get("reasons", []):
        out.append(f"    unknown: {printable(reason)}")
    return out


def drifted(drift: dict) -> bool:
    return bool(drift["agents"] or drift["added_agents"] or drift["removed_agents"])


def section(drift: dict) -> list[str]:
    """The body shared by `agentlint drift` and the scan report's section (no trailing summary)."""
    several = len({a["stack"] for a in drift["agents"] + drift["added_agents"] + drift["removed_agents"]}) > 1
    out = []
    if drift["agents"]:
        out.append(f"Agents that changed ({len(drift['agents'])})")
        for a in drift["agents"]:
            out += agent_lines(a, several)
        out.append("")
    if drift["added_agents"]:
        out.append(f"Added agents ({len(drift['added_agents'])})")
        for a in drift["added_agents"]:
            out += agent_lines(a, several)
        out.append("")
    if drift["removed_agents"]:
        out.append(f"Removed agents ({len(drift['removed_agents'])})")
        for a in drift["removed_agents"]:
            out += agent_lines(a, several)
        out.append("")
    return out


def summary_line(drift: dict) -> str:
    s = drift["summary"]
    if not drifted(drift):
        return f"No scope drift: {_count(s['agents_after'], 'agent')} compared, nothing gained or lost."
    level = f"; highest growth: {s['level']}" if s["level"] else "; nothing gained"
    return (f"Scope drift: {_count(s['drifted'], 'agent')} changed, {s['added']} added, {s['removed']} removed; "
            f"{_count(s['gained_actions'], 'action')} gained, {s['lost_actions']} lost{level}.")


def to_text(drift: dict) -> str:
    out = [f"Scope drift: {printable(drift['base'])} -> {drift['head']}", ""]
    out += section(drift)
    for e in drift["errors"]:
        out.append(f"{_loc(e['path'], e.get('line'))}: {e['kind']}: {printable(e['message'])}")
    if drift["errors"]:
        out.append("")
    out.append(summary_line(drift))
    return "\n".join(out) + "\n"


def scan_section(drift: dict) -> list[str]:
    """The scan report's "Scope drift" section (only when something drifted)."""
    if not drifted(drift):
        return []
    return [f"Scope drift since {printable(drift['base'])}"] + section(drift) + [summary_line(drift), ""]
