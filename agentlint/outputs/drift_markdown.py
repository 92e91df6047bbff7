"""`agentlint drift --format markdown`, and the "Scope drift" section of the scan's pull-request comment: one table
row per agent (changed, added, removed) with its growth level, what it gained and what it lost. Text from the
scanned tree goes through markdown's escaping (`_cell`, `_code`): no headings, links, HTML or mentions from it."""

from __future__ import annotations

from agentlint.outputs.drift_text import drifted, summary_line
from agentlint.outputs.markdown import _cell, _code

MARKER = "<!-- agentlint-drift -->"
MAX_NAMES = 6
MAX_ROWS = 40
TABLE_HEAD = ["| agent | root | growth | gained | lost |", "|---|---|---|---|---|"]


def _names(names: list[str]) -> str:
    shown = ", ".join(_code(n) for n in names[:MAX_NAMES])
    return shown + (f" (+{len(names) - MAX_NAMES} more)" if len(names) > MAX_NAMES else "")


def _part(part: dict) -> str:
    bits = []
    if part.get("admin"):
        bits.append("**administrator access**")
    if part["actions"]:
        sensitive = [g for g in part["action_groups"] if g["sensitive"]]
        head = f"{len(part['actions'])} action{'s' if len(part['actions']) != 1 else ''}"
        if sensitive:
            head += f" ({sum(g['count'] for g in sensitive)} sensitive: {', '.join(sorted({k for g in sensitive for k in g['sensitive']}))})"
        names = [n for g in part["action_groups"] for n in g["actions"]]  # sensitive groups first
        bits.append(f"{head}: {_names(names)}")
    for r in part["roles"]:
        bits.append(f"role {_code(r['role'])} on {_code(r['identity'])}")
    for c in part["credentials"]:
        bits.append(f"{_cell(c['kind'])} {_code(c['address'])} ({_cell(c['lifetime'])})")
    for t in part["trusted_by"]:
        bits.append(f"trusted {_cell(t['kind'])} {_code(t['principal'])}{' (external)' if t['external'] else ''}")
    for i in part["identities"]:
        bits.append(f"identity {_code(i['address'])} ({_cell(i['how'])})")
    return "<br>".join(bits) or "–"


def _row(a: dict, gained: str, lost: str) -> str:
    return (f"| {_code(a['address'])} | {_code(a['stack'] or '.')} | {a.get('level') or '–'} | {gained} | {lost} |")


def rows(drift: dict) -> list[str]:
    out = []
    for a in drift["agents"]:
        lost = _part(a["lost"])
        for c in a["lifetime_changes"]:
            lost += f"<br>lifetime {_code(c['address'])}: {_cell(c['before'])} → {_cell(c['after'])}"
        if a["unknown"]["reasons"]:
            unknown = _part(a["unknown"])
            reasons = len(a["unknown"]["reasons"])
            lost += (f"<br>unknown ({reasons} part{'s' if reasons != 1 else ''} not known until apply; not counted as "
                     f"lost){': ' + unknown if unknown != '–' else ''}")
        out.append(_row(a, _part(a["gained"]), lost))
    for a in drift["added_agents"]:
        out.append(_row({**a, "address": a["address"]}, "new agent: " + _part(a["gained"]), "–"))
    for a in drift["removed_agents"]:
        out.append(_row({**a, "level": None}, "–", "removed agent: " + _part(a["lost"])))
    if len(out) > MAX_ROWS:
        out = out[:MAX_ROWS] + [f"| … | | | {len(out) - MAX_ROWS} more agents: `agentlint drift --format json` "
                                "lists them all | |"]
    return out


def section(drift: dict, level: str = "###") -> list[str]:
    """The scan comment's section (only when something drifted)."""
    if not drifted(drift):
        return []
    return [f"{level} Scope drift since {_code(drift['base'])}", "", _cell(summary_line(drift)), "",
            *TABLE_HEAD, *rows(drift), ""]


def to_markdown(drift: dict) -> str:
    out = [MARKER, f"## agentlint scope drift: {_cell(drift['base'])} → {_cell(drift['head'])}", "",
           _cell(summary_line(drift)), ""]
    if drifted(drift):
        out += TABLE_HEAD + rows(drift) + [""]
    for e in drift["errors"]:
        out.append(f"- {_code(e['path'] + (':' + str(e['line']) if e.get('line') else ''))}: {e['kind']}: "
                   f"{_cell(e['message'])}")
    return "\n".join(out) + "\n"
