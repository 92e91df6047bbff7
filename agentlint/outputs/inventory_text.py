"""`agentlint inventory` as text (sorted by blast radius), JSON, CSV and Markdown, from inventory.build records."""

from __future__ import annotations

import csv
import io
import json

from agentlint.values import printable

SENSITIVE_ORDER = ("secrets", "data", "identity control", "code execution")


def to_json(inv: dict) -> str:
    return json.dumps(inv, indent=2) + "\n"


def sensitive_kinds(agent: dict) -> list[str]:
    kinds = {s["kind"] for s in agent["permissions"]["sensitive"]}
    return [k for k in SENSITIVE_ORDER if k in kinds]


def grants(agent: dict) -> list[str]:
    """One line per group of permissions: AWS service and level, or a role with its scope."""
    p = agent["permissions"]
    out = [f"{g['identity']}: every action of {g['services']} services ({g['count']} actions"
           f"{'' if g['on_all_resources'] else ', some resources'})" if g["service"] == "*" else
           f"{g['identity']}: {g['service']} {g['level']} ({g['count']} action{'s' if g['count'] != 1 else ''}"
           f"{'' if g['on_all_resources'] else ', some resources'})" for g in p["aws"]]
    out += [f"{k['identity']}: Kubernetes {k['kind']} {k['role']} ({k['scope']})" for k in p["kubernetes"]]
    out += [f"{r['identity']}: Google Cloud {r['role']} ({r['scope']})" for r in p["gcp"]]
    out += [f"{r['identity']}: Azure {r['role']} ({r['scope']})" for r in p["azure"]]
    return out


def _where(item: dict) -> str:
    return f" ({item['path']}:{item['line']})" if item.get("path") else ""


def to_text(inv: dict) -> str:
    lines = [f"agentlint inventory: {inv['summary']['agents']} agent(s), sorted by blast radius", ""]
    for a in inv["agents"]:
        br = a["blast_radius"]
        lines.append(f"{a['address']}  blast radius {br['score']:g} (breadth {br['breadth']:g}, sensitivity "
                     f"{br['sensitivity']:g}, credentials {br['credentials']:g}, trust {br['trust']:g})")
        lines.append(f"  at {a['path']}:{a['start_line']}  stack {a['stack']}")
        lines.append("  evidence: " + "; ".join(e["detail"] for e in a["evidence"]))
        lines.append("  identities:" + ("" if a["identities"] else " none in the scanned code"))
        lines += [f"    {i['how']}: {i['address']}{_where(i)}" for i in a["identities"]]
        if a["credentials"]:
            lines.append("  credentials:")
            lines += [f"    {c['kind']} {c['address']}{_where(c)}: {c['lifetime']}" for c in a["credentials"]]
        lines.append("  permissions:" + ("" if grants(a) else " none found"))
        lines += [f"    {g}" for g in grants(a)]
        kinds = sensitive_kinds(a)
        if kinds:
            lines.append("  sensitive reach: " + ", ".join(kinds))
        lines += [f"  unknown: {u}" for u in a["permissions"]["unknown"]]
        if a["trusted_by"]:
            lines.append("  trusted by:")
            lines += [f"    {t['principal']} ({t['kind']}{', external' if t['external'] else ''}) -> {t['identity']}"
                      for t in a["trusted_by"]]
        if a["shared_with"]:
            lines.append("  shared with: " + ", ".join(f"{s['address']} ({s['kind']}, via {s['identity']})"
                                                     for s in a["shared_with"]))
        f = a["findings"]
        counts = ", ".join(f"{n} {sev}" for sev, n in f["by_severity"].items() if n)
        lines.append(f"  findings: {f['total']}" + (f" ({counts}): {', '.join(f['rule_ids'])}" if f["total"] else ""))
        lines.append("")
    if inv["external_principals"]:
        lines.append("external principals:")
        for e in inv["external_principals"]:
            reach = ", ".join(e["sensitive"]) or "no sensitive reach"
            lines.append(f"  {e['principal']} ({e['kind']}) can become {', '.join(e['identities'])}: agents "
                         f"{', '.join(e['agents'])}; {reach}")
        lines.append("")
    return printable("\n".join(lines)).rstrip("\n") + "\n"


CSV_COLUMNS = ("address", "type", "path", "start_line", "stack", "blast_radius", "identities", "credentials",
               "credentials_no_expiry", "permissions", "sensitive", "unknown", "trusted_by_external", "shared_with",
               "findings", "critical", "high", "medium", "low", "rule_ids")


def _cell(value):
    """A cell a spreadsheet will not run: text from the scanned tree starting with = + - @ is quoted with '."""
    if isinstance(value, str):
        value = printable(value)
        if value[:1] in ("=", "+", "-", "@"):
            return "'" + value
    return value


def to_csv(inv: dict) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for a in inv["agents"]:
        sev = a["findings"]["by_severity"]
        w.writerow(_cell(v) for v in [a["address"], a["type"], a["path"], a["start_line"], a["stack"], a["blast_radius"]["score"],
                    "; ".join(i["address"] for i in a["identities"]),
                    len(a["credentials"]), sum(1 for c in a["credentials"] if c["lifetime"] == "no expiry"),
                    "; ".join(grants(a)), "; ".join(sensitive_kinds(a)), len(a["permissions"]["unknown"]),
                    "; ".join(t["principal"] for t in a["trusted_by"] if t["external"]),
                    "; ".join(s["address"] for s in a["shared_with"]), a["findings"]["total"],
                    sev["critical"], sev["high"], sev["medium"], sev["low"], " ".join(a["findings"]["rule_ids"])])
    return buf.getvalue()


def _md(text) -> str:
    return printable(str(text)).replace("|", "\\|").replace("\n", " ")


def to_markdown(inv: dict) -> str:
    lines = ["# Agent access inventory", "",
             f"{inv['summary']['agents']} agent(s), sorted by blast radius.", "",
             "| Agent | Blast radius | Identities | Credentials | Sensitive reach | Findings |",
             "|---|---:|---|---:|---|---:|"]
    for a in inv["agents"]:
        lines.append(f"| `{_md(a['address'])}` ({_md(a['path'])}:{a['start_line']}) | {a['blast_radius']['score']:g} "
                     f"| {_md(', '.join(i['address'] for i in a['identities']) or 'none')} | {len(a['credentials'])} "
                     f"| {_md(', '.join(sensitive_kinds(a)) or '-')} | {a['findings']['total']} |")
    for a in inv["agents"]:
        lines += ["", f"## `{_md(a['address'])}`", ""]
        lines += [f"- {_md(i['how'])}: `{_md(i['address'])}`" for i in a["identities"]]
        lines += [f"- credential {_md(c['kind'])} `{_md(c['address'])}`: {_md(c['lifetime'])}"
                  for c in a["credentials"]]
        lines += [f"- {_md(g)}" for g in grants(a)]
        lines += [f"- unknown: {_md(u)}" for u in a["permissions"]["unknown"]]
        lines += [f"- trusted by {_md(t['principal'])} ({_md(t['kind'])})" for t in a["trusted_by"]]
        lines += [f"- shared with `{_md(s['address'])}` ({s['kind']})" for s in a["shared_with"]]
        lines.append(f"- findings: {a['findings']['total']} {_md(' '.join(a['findings']['rule_ids']))}".rstrip())
    return "\n".join(lines) + "\n"
