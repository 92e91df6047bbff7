"""`--format markdown`: a pull-request comment: a summary table, the findings grouped by agent, and a Mermaid
diagram of each affected agent's identity paths (GitHub and GitLab render Mermaid in comments)."""

from __future__ import annotations

import re

from agentlint.model import Finding, Report, Severity
from agentlint.values import printable

ICON = {Severity.CRITICAL: "🟥", Severity.HIGH: "🟧", Severity.MEDIUM: "🟨", Severity.LOW: "🟦", Severity.INFO: "⬜"}


# Markdown that text from the scanned tree (addresses with for_each keys, messages quoting values) must not form:
# headings, links, images, HTML, emphasis, tables, mentions. Every such character is escaped as CommonMark allows.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")


def _cell(text: str) -> str:
    """Plain text in a table cell."""
    text = printable(text).replace("\r", " ").replace("\n", " ")
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("&", "&amp;")
    return text.replace("@", "@\u200b")  # no @mention of a user or team


def _code(text: str) -> str:
    """Text in a code span: nothing is interpreted inside it, but a backtick would end it and a pipe a table cell."""
    return "`" + printable(text).replace("`", "'").replace("|", "\\|").replace("\n", " ") + "`"


def _where(f: Finding) -> str:
    return _code(f"{f.path}:{f.start_line}") if f.start_line else f"{_code(f.path)} ({_code(f.address)})"


def _table(findings: list[Finding]) -> list[str]:
    out = ["| severity | rule | where | finding |", "|---|---|---|---|"]
    for f in findings:
        out.append(f"| {ICON[f.severity]} {f.severity.value} | `{f.rule_id}` {f.rule_name} | {_where(f)} | "
                   f"{_cell(f.message)}<br>**Fix:** {_cell(f.fix)} |")
    return out


def _mermaid(findings: list[Finding]) -> list[str]:
    ids: dict[str, str] = {}
    edges: list[tuple[str, str]] = []

    def node(address: str) -> str:
        if address not in ids:
            ids[address] = f"n{len(ids)}"
        return ids[address]

    for f in findings:
        hops = [step.address for step in f.trace]
        for a, b in zip(hops, hops[1:]):
            if (node(a), node(b)) not in edges:
                edges.append((node(a), node(b)))
    if not ids:
        return []
    lines = ["```mermaid", "flowchart LR"]
    for address, nid in ids.items():
        label = re.sub(r'["<>`#&;\\]', "'", printable(address).replace("\n", " "))
        lines.append(f'  {nid}["{label}"]')
    lines += [f"  {a} --> {b}" for a, b in edges]
    lines.append("```")
    return lines


def render(report: Report) -> str:
    findings = report.findings
    counts = report.summary["by_severity"]
    out = [f"## agentlint: {len(findings)} finding{'s' if len(findings) != 1 else ''}", ""]
    if findings or report.errors:
        out += ["| " + " | ".join(s.value for s in Severity) + " | agents | unreadable files |",
                "|" + "---|" * (len(Severity) + 2),
                "| " + " | ".join(str(counts[s.value]) for s in Severity) +
                f" | {len(report.agents)} | {len(report.errors)} |", ""]
    else:
        out += [f"No findings. {len(report.agents)} agent(s) checked.", ""]
    agent_types = {a.address: a.type for a in report.agents}
    # An agent that is only another agent's tool is shown under that agent, not in a section of its own.
    primary = {a.address for a in report.agents if any(e.kind != "tool-of" for e in a.evidence)}
    by_agent: dict[str, list[Finding]] = {}
    for f in findings:
        for agent in [a for a in f.agents if a in primary] or f.agents:
            by_agent.setdefault(agent, []).append(f)
    for agent in sorted(by_agent, key=lambda a: (-max(f.severity.rank for f in by_agent[a]), a)):
        out += [f"### Agent {_code(agent)} ({_cell(agent_types.get(agent, 'agent'))})", ""]
        out += _mermaid(by_agent[agent]) + [""]
        out += _table(by_agent[agent]) + [""]
    others = [f for f in findings if not f.agents]
    if others:
        out += ["### Identities no detected agent uses", ""] + _table(others) + [""]
    if report.errors:
        out += ["<details><summary>Files that could not be read</summary>", ""]
        out += [f"- {_code(e.path + (':' + str(e.line) if e.line else ''))}: {e.kind}: {_cell(e.message)}"
                for e in report.errors]
        out += ["", "</details>", ""]
    return "\n".join(out)
