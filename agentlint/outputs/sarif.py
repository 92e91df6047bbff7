"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

Every enabled rule is in `tool.driver.rules` (with its documentation as help); each result carries the rule's
level, its location, the agent -> identity -> policy path as related locations, and the fingerprint as
`partialFingerprints["agentlint/v1"]`, which code scanning uses to track a finding across commits.

URIs are relative to the repository root (`uriBaseId` `%SRCROOT%`, defined in `originalUriBaseIds`), so an alert
lands on the pull request's diff whichever folder the scan ran from. A finding suppressed by an
`# agentlint:ignore[...]` comment is a result with `suppressions` (kind `inSource`, the comment's reason as
justification), which code scanning shows as dismissed, instead of disappearing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from agentlint import __version__
from agentlint.model import Finding, Report, Severity, SuppressedFinding
from agentlint.locations import containing_root, repo_relative
from agentlint.outputs.rule_docs import help_uri, render as render_doc
from agentlint.rule import Rule, severity_without_agent

LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note",
         Severity.INFO: "note"}
# GitHub maps security-severity to its own labels: >= 9 critical, 7-8.9 high, 4-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0",
                     Severity.INFO: "1.0"}


def artifact_uri(path: str) -> str:
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path.replace(os.sep, "/"))


class _Bases:
    """The repository roots as URI base ids: `%SRCROOT%` for the one the scan ran in (or the only one), then
    `%SRCROOT2%`... when one scan reads several repositories."""

    def __init__(self, roots: list[str]):
        here = containing_root(os.getcwd(), roots)
        ordered = ([here] if here else []) + [r for r in roots if r != here]
        self.ids = {root: "%SRCROOT%" if i == 0 else f"%SRCROOT{i + 1}%" for i, root in enumerate(ordered)}

    def location(self, path: str) -> dict:
        root = containing_root(path, list(self.ids))
        if root is None:  # outside every repository: as given (absolute paths as file URIs)
            return {"uri": artifact_uri(path)}
        return {"uri": quote(repo_relative(path, [root])), "uriBaseId": self.ids[root]}

    def declared(self) -> dict:
        return {base: {"uri": Path(root).as_uri().rstrip("/") + "/",
                       "description": {"text": "The root of the repository scanned."}}
                for root, base in self.ids.items()}


def _region(start, end) -> dict:
    region = {"startLine": start or 1}
    if end and start and end >= start:
        region["endLine"] = end
    return region


def _first_paragraph(rule: type[Rule]) -> str:
    doc = rule.doc()
    body = doc.split("## What it does", 1)[-1].split("##", 1)[0].strip()
    return " ".join(body.split("\n\n")[0].split())


def rule_descriptor(rule: type[Rule]) -> dict:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": _first_paragraph(rule)},
        "help": {"text": rule.doc(), "markdown": render_doc(rule)},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": ["security", rule.category, "ai-agent-identity"],
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": {"high": "high", "medium": "medium", "low": "low"}[rule.confidence.value],
            # The level above is for an identity an agent uses; a ranked rule's other findings get this one.
            "severity-without-agent": severity_without_agent(rule).value,
        },
    }


def _result(f: Finding, index: int, bases: _Bases) -> dict:
    location = {
        "physicalLocation": {"artifactLocation": bases.location(f.path), "region": _region(f.start_line, f.end_line)},
        "logicalLocations": [{"fullyQualifiedName": f.address, "kind": "resource"}],
    }
    related = []
    for i, step in enumerate(f.trace):
        if not step.path:
            continue
        text = f"{step.role}: {step.address}" + (f" ({step.note})" if step.note else "")
        related.append({"id": i + 1, "message": {"text": text}, "physicalLocation": {
            "artifactLocation": bases.location(step.path), "region": _region(step.line, None)}})
    result = {
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "level": LEVEL[f.severity],
        "message": {"text": f"{f.message}. Fix: {f.fix}"},
        "locations": [location],
        "partialFingerprints": {"agentlint/v1": f.fingerprint},
        "properties": {"severity": f.severity.value, "confidence": f.confidence.value, "category": f.category,
                       "agents": f.agents, "identity": f.identity, "security-severity": SECURITY_SEVERITY[f.severity]},
    }
    if related:
        result["relatedLocations"] = related
    return result


def _suppressed(s: SuppressedFinding, index: int, bases: _Bases) -> dict:
    result = _result(s.finding, index, bases)
    suppression = {"kind": "inSource", "status": "accepted", "justification": s.suppression.reason,
                   "location": {"physicalLocation": {"artifactLocation": bases.location(s.suppression.path),
                                                     "region": {"startLine": s.suppression.line}}}}
    if not s.suppression.reason:  # a comment without a reason (AL002 reports it): no empty justification
        del suppression["justification"]
    result["suppressions"] = [suppression]
    return result


def render(report: Report, rules: list[type[Rule]]) -> str:
    index = {r.id: i for i, r in enumerate(rules)}
    bases = _Bases(report.repo_roots)
    notifications = [{
        "level": "error",
        "message": {"text": f"{e.kind}: {e.message}"},
        "locations": [{"physicalLocation": {"artifactLocation": bases.location(e.path),
                                            **({"region": {"startLine": e.line}} if e.line else {})}}],
    } for e in report.errors]
    run = {
        "tool": {"driver": {"name": "agentlint", "version": __version__, "semanticVersion": __version__,
                            "informationUri": "https://pypi.org/project/agentlint-iac/",
                            "rules": [rule_descriptor(r) for r in rules]}},
        "invocations": [{"executionSuccessful": not report.errors, "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule_id], bases) for f in report.findings if f.rule_id in index]
        + [_suppressed(s, index[s.finding.rule_id], bases) for s in report.suppressed if s.finding.rule_id in index],
    }
    if bases.ids:
        run["originalUriBaseIds"] = bases.declared()
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2) + "\n"
