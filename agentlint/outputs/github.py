"""`--format github`: GitHub Actions workflow commands, one annotation per finding (and per unreadable file).

Files are named relative to the repository root, as GitHub matches them against the pull request's diff, whichever
folder the scan ran from."""

from __future__ import annotations

from agentlint.model import Report, Severity
from agentlint.locations import repo_relative

COMMAND = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "notice",
           Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for f in report.findings:
        props = [f"file={_prop(f.repo_path or f.path)}"]
        if f.start_line:
            props.append(f"line={f.start_line}")
            if f.end_line and f.end_line >= f.start_line:
                props.append(f"endLine={f.end_line}")
        props.append(f"title={_prop(f'{f.rule_id} {f.rule_name} ({f.severity.value})')}")
        body = f.message + "\n" + f"Fix: {f.fix}"
        if f.trace:
            body += "\nPath: " + " -> ".join(step.address for step in f.trace)
        lines.append(f"::{COMMAND[f.severity]} {','.join(props)}::{_data(body)}")
    for e in report.errors:
        props = [f"file={_prop(repo_relative(e.path, report.repo_roots) or e.path)}"] + ([f"line={e.line}"] if e.line else [])
        props.append(f"title={_prop('agentlint could not read this file')}")
        lines.append(f"::error {','.join(props)}::{_data(e.kind + ': ' + e.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
