"""The exit code of a report and its finding counts: plain functions of the report, for the CLI and the baseline."""

from __future__ import annotations

from agentlint.model import Finding, Report, Severity


def finding_counts(findings: list[Finding]) -> dict:
    """The summary's finding counts (also recomputed after a baseline removes findings)."""
    return {
        "findings": len(findings),
        "by_severity": {s.value: sum(1 for f in findings if f.severity == s) for s in Severity},
        "findings_affecting_agents": sum(1 for f in findings if f.agents),
    }


def exit_code(report: Report, fail_on: Severity) -> int:
    if report.errors:
        return 2
    if any(f.severity.rank >= fail_on.rank for f in report.findings):
        return 1
    return 0
