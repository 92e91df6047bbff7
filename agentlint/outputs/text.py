"""`--format text`: findings grouped by file, worst first, with the agent -> identity -> policy path."""

from __future__ import annotations

from itertools import groupby

import click

from agentlint.model import Finding, Report, Severity
from agentlint.values import printable

_COLOURS = {
    Severity.CRITICAL: "magenta",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "blue",
    Severity.INFO: "white",
}


MAX_NOTICES = 10


def _loc(path, line) -> str:
    return f"{path}:{line}" if line else str(path)


def render(report: Report, colour: bool = False) -> str:
    # Addresses, keys, paths and messages come from the scanned tree: control characters are replaced before any
    # colour of ours is added, so the terminal shows text, never escape sequences from a pull request.
    report = report.model_copy(update={
        "findings": [_clean(f) for f in report.findings],
        "agents": [a.model_copy(update={"address": printable(a.address), "path": printable(a.path),
                                        "evidence": [e.model_copy(update={"detail": printable(e.detail)})
                                                     for e in a.evidence]}) for a in report.agents],
        "errors": [e.model_copy(update={"path": printable(e.path), "message": printable(e.message)})
                   for e in report.errors],
        "notices": [e.model_copy(update={"path": printable(e.path), "message": printable(e.message)})
                    for e in report.notices]})

    def s(text: str, **style) -> str:
        return click.style(text, **style) if colour else text

    out: list[str] = []
    several_roots = report.summary.get("stacks", 0) > 1  # then say which root module each agent and finding is in
    if report.agents:
        out.append(s(f"Agents ({len(report.agents)})", bold=True))
        for agent in report.agents:
            where = f"  (root {agent.stack})" if several_roots else ""
            out.append(f"  {s(agent.address, bold=True)}  {_loc(agent.path, agent.start_line)}{where}")
            for ev in agent.evidence:
                out.append(f"    - {ev.kind}: {ev.detail}")
        out.append("")
    findings = sorted(report.findings, key=lambda f: (f.path, f.start_line or 0, -f.severity.rank, f.rule_id))
    for path, group in groupby(findings, key=lambda f: f.path):
        out.append(s(path, bold=True, underline=True))
        for f in group:
            out.extend(_finding(f, s, several_roots))
        out.append("")
    if report.errors:
        out.append(s(f"Errors ({len(report.errors)})", bold=True, fg="red"))
        for e in report.errors:
            out.append(f"  {_loc(e.path, e.line)}: {e.kind}: {e.message}")
        out.append("")
    if report.notices:
        # Notices (modules not followed...) can run into thousands on a monorepo: show a few, count the rest.
        out.append(s(f"Notices ({len(report.notices)})", bold=True))
        for e in report.notices[:MAX_NOTICES]:
            out.append(f"  {_loc(e.path, e.line)}: {e.message}")
        if len(report.notices) > MAX_NOTICES:
            out.append(f"  ... and {len(report.notices) - MAX_NOTICES} more (all of them in --format json)")
        out.append("")
    out.append(_summary(report, s))
    return "\n".join(out) + "\n"


def _clean(f: Finding) -> Finding:
    return f.model_copy(update={
        "message": printable(f.message), "address": printable(f.address), "path": printable(f.path),
        "trace": [t.model_copy(update={"address": printable(t.address), "note": t.note and printable(t.note)})
                  for t in f.trace]})


def _finding(f: Finding, s, several_roots: bool = False) -> list[str]:
    sev = s(f"{f.severity.value.upper():<8}", fg=_COLOURS[f.severity], bold=f.severity.rank >= 3)
    line = f.start_line if f.start_line else "-"
    lines = [f"  {line!s:>5}  {sev}  {s(f.rule_id, bold=True)} {f.rule_name}  (confidence: {f.confidence.value})",
             f"         {f.message}"]
    if f.trace:
        hops = []
        for step in f.trace:
            label = step.address
            if step.note:
                label += f" [{step.note}]"
            hops.append(label)
        lines.append(f"         path: {' -> '.join(hops)}")
    if several_roots and f.roots:
        lines.append(f"         {'roots' if len(f.roots) > 1 else 'root'}: {', '.join(f.roots)}")
    if f.plan and f.plan != f.path:  # a plan finding located in its code
        lines.append(f"         plan: {f.plan}")
    lines.append(f"         fix:  {f.fix}")
    return lines


def _summary(report: Report, s) -> str:
    n = len(report.findings)
    if not n:
        head = s("No findings", fg="green", bold=True)
    else:
        counts = ", ".join(f"{c} {sev}" for sev, c in report.summary["by_severity"].items() if c)
        head = s(f"{n} finding{'s' if n != 1 else ''}", bold=True) + f" ({counts})"
        affecting = report.summary["findings_affecting_agents"]
        head += f", {affecting} affecting agents"
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    tail = (f"; {count(report.summary['files_scanned'], 'file')}, {count(report.summary['agents'], 'agent')}, "
            f"{count(len(report.errors), 'error')}")
    if report.summary.get("modules_not_installed"):
        tail += f", {count(report.summary['modules_not_installed'], 'module call')} not installed (terraform init)"
    hidden = []
    if report.summary.get("suppressed"):
        hidden.append(f"{report.summary['suppressed']} suppressed by comments (--no-ignore shows them)")
    if report.summary.get("baselined"):
        hidden.append(f"{report.summary['baselined']} in the baseline")
    if report.summary.get("baseline_fixed"):
        hidden.append(f"{report.summary['baseline_fixed']} baseline entries no longer found")
    if hidden:
        tail += "; " + ", ".join(hidden)
    return head + tail + "."
