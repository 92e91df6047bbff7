"""`--format text`: findings grouped by file, worst first, with the agent -> identity -> policy path; then each rule's
fix once, with how many findings it applies to; the agent inventory only when asked (`--agents`), after the findings.

Files are shown relative to the working directory (absolute when outside it and its repository). Long lines wrap at
`width` (the CLI passes the terminal's width, COLUMNS when set; None when the output is not a terminal, so logs and
pipes keep one line per message for grep and for the viewer's own wrapping), never inside an address or a path.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from itertools import groupby
from typing import Optional

import click

from agentlint.model import Finding, Report, Severity
from agentlint.locations import for_terminal
from agentlint.values import printable

MIN_WIDTH = 60
_COLOURS = {
    Severity.CRITICAL: "magenta",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "blue",
    Severity.INFO: "white",
}


MAX_NOTICES = 10


def terminal_width(stream=None) -> Optional[int]:
    """The width to wrap at when `stream` (stdout) is a terminal: COLUMNS, else the terminal's; None otherwise (a
    log viewer or pager wraps for itself, and grep wants a message on one line)."""
    stream = stream if stream is not None else sys.stdout
    if not stream.isatty():
        return None
    return max(shutil.get_terminal_size((120, 24)).columns, MIN_WIDTH)


def _loc(path, line) -> str:
    return f"{path}:{line}" if line else str(path)


def render(report: Report, colour: bool = False, agents: bool = False, width: Optional[int] = None,
           cwd: Optional[str] = None, drift: Optional[dict] = None) -> str:
    """`agents`: list the agents found (after the findings); `width`: wrap long lines (None: never);
    `cwd`: the folder paths are shown relative to (default: the working directory); `drift`: `scan --diff-base`'s
    scope drift (agentlint.drift), a section before the errors when something drifted."""
    # Addresses, keys, paths and messages come from the scanned tree: control characters are replaced before any
    # colour of ours is added, so the terminal shows text, never escape sequences from a pull request.
    where = lambda path: printable(for_terminal(path, report.repo_roots, cwd))  # noqa: E731
    report = report.model_copy(update={
        "findings": [_clean(f, where) for f in report.findings],
        "agents": [a.model_copy(update={"address": printable(a.address), "path": where(a.path),
                                        "evidence": [e.model_copy(update={"detail": printable(e.detail)})
                                                     for e in a.evidence]}) for a in report.agents],
        "errors": [e.model_copy(update={"path": where(e.path), "message": printable(e.message)})
                   for e in report.errors],
        "notices": [e.model_copy(update={"path": where(e.path), "message": printable(e.message)})
                    for e in report.notices]})

    def s(text: str, **style) -> str:
        return click.style(text, **style) if colour else text

    def wrap(text: str, indent: int, first: str = "") -> list[str]:
        """`first` + text, continuation lines indented, at most `width` wide (an over-long word stays whole)."""
        lead = " " * indent
        if width is None:
            return [lead + first + text]
        return textwrap.wrap(first + text, width, initial_indent=lead, subsequent_indent=lead + " " * len(first),
                             break_long_words=False, break_on_hyphens=False) or [lead + first]

    out: list[str] = []
    several_roots = report.summary.get("stacks", 0) > 1  # then say which root module each agent and finding is in
    findings = sorted(report.findings, key=lambda f: (f.path, f.start_line or 0, -f.severity.rank, f.rule_id))
    for path, group in groupby(findings, key=lambda f: f.path):
        out.append(s(path, bold=True, underline=True))
        for f in group:
            out.extend(_finding(f, s, wrap, several_roots))
        out.append("")
    out.extend(_fixes(report.findings, s, wrap))
    if agents and report.agents:
        out.append(s(f"Agents ({len(report.agents)})", bold=True))
        for agent in report.agents:
            root = f"  (root {agent.stack})" if several_roots else ""
            out.append(f"  {s(agent.address, bold=True)}  {_loc(agent.path, agent.start_line)}{root}")
            for ev in agent.evidence:
                weak = f" ({ev.confidence.value} confidence)" if ev.confidence.value != "high" else ""
                out.extend(wrap(ev.detail + weak, 4, f"- {ev.kind}: "))
        out.append("")
    if drift is not None:
        from agentlint.outputs.drift_text import scan_section

        lines = scan_section(drift)
        out += [s(lines[0], bold=True)] + lines[1:] if lines else []
    if report.errors:
        out.append(s(f"Errors ({len(report.errors)})", bold=True, fg="red"))
        for e in report.errors:
            out.extend(wrap(e.message, 2, f"{_loc(e.path, e.line)}: {e.kind}: "))
        out.append("")
    if report.notices:
        # Notices (modules not followed...) can run into thousands on a monorepo: show a few, count the rest.
        out.append(s(f"Notices ({len(report.notices)})", bold=True))
        for e in report.notices[:MAX_NOTICES]:
            out.extend(wrap(e.message, 2, f"{_loc(e.path, e.line)}: "))
        if len(report.notices) > MAX_NOTICES:
            out.append(f"  ... and {len(report.notices) - MAX_NOTICES} more (all of them in --format json)")
        out.append("")
    # Wrapped as plain text, then the styled words put back (escape codes would count as width).
    plain = _summary(report, lambda text, **style: text, agents)
    summary = wrap(plain, 0)
    lead, styled = _summary_head(report, lambda text, **style: text), _summary_head(report, s)
    summary[0] = styled + summary[0][len(lead):]
    out.extend(summary)
    return "\n".join(out) + "\n"


def _clean(f: Finding, where) -> Finding:
    return f.model_copy(update={
        "message": printable(f.message), "address": printable(f.address), "path": where(f.path),
        "plan": f.plan and where(f.plan),
        "trace": [t.model_copy(update={"address": printable(t.address), "note": t.note and printable(t.note)})
                  for t in f.trace]})


def _finding(f: Finding, s, wrap, several_roots: bool = False) -> list[str]:
    sev = s(f"{f.severity.value.upper():<8}", fg=_COLOURS[f.severity], bold=f.severity.rank >= 3)
    line = f.start_line if f.start_line else "-"
    lines = [f"  {line!s:>5}  {sev}  {s(f.rule_id, bold=True)} {f.rule_name}  (confidence: {f.confidence.value})"]
    lines += wrap(f.message, 9)
    if f.trace:
        hops = [step.address + (f" [{step.note}]" if step.note else "") for step in f.trace]
        lines += wrap(" -> ".join(hops), 9, "path: ")
    if several_roots and f.roots:
        lines += wrap(", ".join(f.roots), 9, "roots: " if len(f.roots) > 1 else "root: ")
    if f.plan and f.plan != f.path:  # a plan finding located in its code
        lines += wrap(f.plan, 9, "plan: ")
    return lines


def _fixes(findings: list[Finding], s, wrap) -> list[str]:
    """Each rule's fix once (it is the same for all of a rule's findings), worst rule first, with its count."""
    if not findings:
        return []
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    out = [s("How to fix", bold=True)]
    for rule_id in sorted(by_rule, key=lambda r: (-max(f.severity.rank for f in by_rule[r]), r)):
        group = by_rule[rule_id]
        count = f"{len(group)} finding{'s' if len(group) != 1 else ''}"
        out.append(f"  {s(rule_id, bold=True)} {group[0].rule_name} ({count})")
        out += wrap(group[0].fix, 4)
    return out + [""]


def _summary_head(report: Report, s) -> str:
    n = len(report.findings)
    return s("No findings", fg="green", bold=True) if not n else s(f"{n} finding{'s' if n != 1 else ''}", bold=True)


def _summary(report: Report, s, agents_listed: bool = True) -> str:
    head = _summary_head(report, s)
    if report.findings:
        counts = ", ".join(f"{c} {sev}" for sev, c in report.summary["by_severity"].items() if c)
        affecting = report.summary["findings_affecting_agents"]
        head += f" ({counts}), {affecting} affecting agents"

    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    agents = count(report.summary['agents'], 'agent')
    if report.summary["agents"] and not agents_listed:
        agents += " (--agents lists them)"
    tail = f"; {count(report.summary['files_scanned'], 'file')}, {agents}, {count(len(report.errors), 'error')}"
    if report.summary.get("modules_not_installed"):
        tail += f", {count(report.summary['modules_not_installed'], 'module call')} not installed (terraform init)"
    if report.summary.get("modules_outside_root"):
        tail += (f", {count(report.summary['modules_outside_root'], 'module call')} leaving the repository not "
                 "followed (--root DIR names the repository)")
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
