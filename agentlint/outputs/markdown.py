"""`--format markdown`: a pull-request comment. A hidden marker first (CI finds its own comment and edits it in
place), a summary table, then the findings grouped by root module and, within a root module, by agent: a Mermaid
diagram of that agent's paths to its findings (GitHub and GitLab render Mermaid in comments) and a table.

An agent is its root module and its address: a dev and a prod agent of the same name are two sections, never one.
A finding of a module that several root modules call is reported once (see engine.merge_roots) under a heading
naming all of them. The comment stays under GitHub's 65,536-character limit: sections are kept by severity, the
diagrams go first when space runs out, then whole sections, and a closing note says what was left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentlint.model import Finding, Report, Severity
from agentlint.outputs.agent_diagram import Diagram
from agentlint.locations import repo_relative
from agentlint.values import printable

MARKER = "<!-- agentlint-report -->"
LIMIT = 65_000  # GitHub refuses a comment over 65,536 characters; the margin is for CI's own additions
MAX_ERRORS = 20
ICON = {Severity.CRITICAL: "🟥", Severity.HIGH: "🟧", Severity.MEDIUM: "🟨", Severity.LOW: "🟦", Severity.INFO: "⬜"}


# Markdown that text from the scanned tree (addresses with for_each keys, messages quoting values) must not form:
# headings, links, images, HTML, emphasis, tables, mentions. Every such character is escaped as CommonMark allows.
# An underscore between two letters or digits can neither open nor close emphasis (CommonMark's flanking rules), so
# `aws_iam_role` stays as it is; any other underscore is escaped.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>#|~!]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def _cell(text: str) -> str:
    """Plain text in a table cell."""
    text = printable(text).replace("\r", " ").replace("\n", " ")
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("&", "&amp;")
    return text.replace("@", "@\u200b")  # no @mention of a user or team


def _code(text: str) -> str:
    """Text in a code span: nothing is interpreted inside it, but a backtick would end it and a pipe a table cell."""
    return "`" + printable(text).replace("`", "'").replace("|", "\\|").replace("\n", " ") + "`"


def _where(f: Finding) -> str:
    path = f.repo_path or f.path
    return _code(f"{path}:{f.start_line}") if f.start_line else f"{_code(path)} ({_code(f.address)})"


def _rows(findings: list[Finding]) -> list[str]:
    return [f"| {ICON[f.severity]} {f.severity.value} | `{f.rule_id}` {f.rule_name} | {_where(f)} | {_cell(f.message)} |"
            for f in findings]


def _fixes(findings: list[Finding]) -> list[str]:
    """Each rule's fix once, with how many findings it applies to (a rule's fix is the same for all of them)."""
    if not findings:
        return []
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    out = ["### How to fix", "", "| rule | findings | fix |", "|---|---|---|"]
    for rule_id in sorted(by_rule, key=lambda r: (-max(f.severity.rank for f in by_rule[r]), r)):
        first = by_rule[rule_id][0]
        out.append(f"| `{rule_id}` {first.rule_name} | {len(by_rule[rule_id])} | {_cell(first.fix)} |")
    return out + [""]


TABLE_HEAD = ["| severity | rule | where | finding |", "|---|---|---|---|"]


@dataclass
class _Section:
    """One agent of one group of root modules (agent None: identities no detected agent uses)."""

    roots: tuple[str, ...]
    agent: str | None
    heading: str
    findings: list[Finding]

    @property
    def rank(self) -> int:
        return max(f.severity.rank for f in self.findings)

    def diagram(self) -> list[str]:
        if self.agent is None:
            return []
        d = Diagram(self.agent)
        for f in self.findings:
            d.add(f)
        return d.render() + [""]


def _roots_of(f: Finding, report: Report) -> tuple[str, ...]:
    return tuple(f.roots) or (report.stack_roots.get(f.stack, f.stack),)


def _sections(report: Report) -> list[_Section]:
    root_of = lambda stack: report.stack_roots.get(stack, stack)  # noqa: E731
    by_key: dict[tuple[str, str], list] = {}  # (root, address) -> the agents of that root with that address
    for a in report.agents:
        by_key.setdefault((root_of(a.stack), a.address), []).append(a)

    def agents_in(roots: tuple[str, ...], address: str) -> list:
        return [a for r in roots for a in by_key.get((r, address), [])]

    def primary(roots: tuple[str, ...], address: str) -> bool:
        # An agent that is only another agent's tool is shown under that agent, not in a section of its own.
        return any(e.kind != "tool-of" for a in agents_in(roots, address) for e in a.evidence)

    grouped: dict[tuple[tuple[str, ...], str | None], list[Finding]] = {}
    for f in report.findings:
        roots = _roots_of(f, report)
        shown = [a for a in f.agents if primary(roots, a)] or f.agents
        for agent in shown or [None]:
            grouped.setdefault((roots, agent), []).append(f)
    sections = []
    for (roots, agent), findings in grouped.items():
        if agent is None:
            heading = "Identities no detected agent uses"
        else:
            found = agents_in(roots, agent)
            heading = f"Agent {_code(agent)} ({_cell(found[0].type if found else 'agent')})"
        sections.append(_Section(roots, agent, heading, findings))
    return sorted(sections, key=lambda s: (s.roots, s.agent is None, -s.rank, s.agent or ""))


def _root_heading(roots: tuple[str, ...]) -> str:
    if len(roots) == 1:
        return f"### Root module {_code(roots[0] or '.')}"
    return f"### Root modules {', '.join(_code(r or '.') for r in roots)} (the same code in each)"


def render(report: Report, limit: int = LIMIT, drift: dict | None = None) -> str:
    """`drift`: `scan --diff-base`'s scope drift (agentlint.drift), shown after the counts when something drifted."""
    findings = report.findings
    counts = report.summary["by_severity"]
    head = [MARKER, f"## agentlint: {len(findings)} finding{'s' if len(findings) != 1 else ''}", ""]
    if findings or report.errors:
        head += ["| " + " | ".join(s.value for s in Severity) + " | agents | unreadable files |",
                 "|" + "---|" * (len(Severity) + 2),
                 "| " + " | ".join(str(counts[s.value]) for s in Severity) +
                 f" | {len(report.agents)} | {len(report.errors)} |", ""]
    else:
        head += [f"No findings. {len(report.agents)} agent(s) checked.", ""]
    if drift is not None:
        from agentlint.outputs.drift_markdown import section

        head += section(drift)
    fixes, errors = _fixes(findings), _errors(report)
    # The fix table is bounded too: under a small limit the least severe rules' rows give way to the findings.
    dropped_fixes = 0
    while len(fixes) > 5 and _size(head) + _size(fixes) + _size(errors) + 600 > limit // 2:
        fixes.pop(-2)  # the last row (the table ends with a blank line)
        dropped_fixes += 1
    if dropped_fixes:
        fixes[-1:] = [f"| … | | {dropped_fixes} more rule{'s' if dropped_fixes != 1 else ''}: `--format json` "
                      "gives every fix |", ""]
    tail = fixes + errors
    sections = _sections(report)
    several = len({s.roots for s in sections}) > 1
    level = "####" if several else "###"
    budget = limit - _size(head) - _size(tail) - 600  # the closing note
    budget -= sum(_size([_root_heading(r), ""]) for r in {s.roots for s in sections}) if several else 0
    # What fits, most severe first: for each severity in turn, its rows in every section (a section's heading and
    # table head are paid with its first row), then the diagrams of the sections whose worst finding has it. Once a
    # row does not fit, nothing less severe is shown: a comment never shows a low finding and hides a critical one.
    rows = [list(zip(s.findings, _rows(s.findings))) for s in sections]
    picked: dict[int, set[int]] = {}
    diagrams: dict[int, list[str]] = {}
    shown: set[int] = set()  # ids of the findings shown somewhere
    full = False
    for severity in Severity:
        for i, s in enumerate(sections):
            for f, row in rows[i]:
                if f.severity != severity:
                    continue
                cost = _size([row]) + (0 if i in picked else _size([f"{level} {s.heading}", "", *TABLE_HEAD, ""]))
                if cost > budget:
                    full = True
                    continue
                picked.setdefault(i, set()).add(id(f))
                shown.add(id(f))
                budget -= cost
        for i, s in enumerate(sections):
            if s.rank == severity.rank and i in picked and s.agent is not None:
                diagram = s.diagram()
                if _size(diagram) <= budget:
                    diagrams[i] = diagram
                    budget -= _size(diagram)
        if full:
            break
    tables = {i: [f"{level} {sections[i].heading}", ""] + TABLE_HEAD
              + [row for f, row in rows[i] if id(f) in picked[i]] + [""] for i in picked}
    body: list[str] = []
    current = None
    for i, s in enumerate(sections):
        if i not in tables:
            continue
        if several and s.roots != current:
            body += [_root_heading(s.roots), ""]
            current = s.roots
        body += tables[i][:2] + diagrams.get(i, []) + tables[i][2:]
    no_diagram = sum(1 for i in tables if sections[i].agent is not None and i not in diagrams)
    no_diagram += sum(1 for i, s in enumerate(sections) if i not in tables and s.agent is not None)
    chosen = tables
    missing = [f for f in findings if id(f) not in shown]
    note = _left_out(missing, len(sections) - len(chosen), no_diagram)
    return "\n".join(head + body + tail + note)


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _left_out(missing: list[Finding], dropped: int, no_diagram: int) -> list[str]:
    if not missing and not no_diagram:
        return []
    parts = []
    if missing:
        parts.append(f"{len(missing)} finding{'s' if len(missing) != 1 else ''} "
                     f"({', '.join(f'{n} {s.value}' for s in Severity if (n := sum(f.severity == s for f in missing)))})")
    if dropped:
        parts.append(f"{dropped} section{'s' if dropped != 1 else ''}")
    if no_diagram:
        parts.append(f"{no_diagram} diagram{'s' if no_diagram != 1 else ''}")
    return ["---", "", f"**Not shown:** {', '.join(parts)}, to keep this comment under GitHub's size limit "
            "(the most severe findings come first). The full report: `agentlint scan --format sarif` for code "
            "scanning, or `--format json`.", ""]


def _errors(report: Report) -> list[str]:
    if not report.errors:
        return []
    out = ["<details><summary>Files that could not be read</summary>", ""]
    out += [f"- {_code((repo_relative(e.path, report.repo_roots) or e.path) + (':' + str(e.line) if e.line else ''))}: "
            f"{e.kind}: {_cell(e.message)}"
            for e in report.errors[:MAX_ERRORS]]
    if len(report.errors) > MAX_ERRORS:
        out.append(f"- ... and {len(report.errors) - MAX_ERRORS} more (all of them in `--format json`)")
    return out + ["", "</details>", ""]
