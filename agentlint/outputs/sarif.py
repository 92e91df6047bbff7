"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

Every enabled rule is in `tool.driver.rules` (with its documentation as help); each result carries the rule's
level, its location, the agent -> identity -> policy path as related locations, and the fingerprint as
`partialFingerprints["agentlint/v1"]`, which code scanning uses to track a finding across commits.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from agentlint import __version__
from agentlint.model import Finding, Report, Severity
from agentlint.outputs.rule_docs import help_uri, render as render_doc
from agentlint.rule import Rule

LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note",
         Severity.INFO: "note"}
# GitHub maps security-severity to its own labels: >= 9 critical, 7-8.9 high, 4-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0",
                     Severity.INFO: "1.0"}


def artifact_uri(path: str) -> str:
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path.replace(os.sep, "/"))


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
        },
    }


def _result(f: Finding, index: int) -> dict:
    location = {
        "physicalLocation": {"artifactLocation": {"uri": artifact_uri(f.path)}, "region": _region(f.start_line, f.end_line)},
        "logicalLocations": [{"fullyQualifiedName": f.address, "kind": "resource"}],
    }
    related = []
    for i, step in enumerate(f.trace):
        if not step.path:
            continue
        text = f"{step.role}: {step.address}" + (f" ({step.note})" if step.note else "")
        related.append({"id": i + 1, "message": {"text": text}, "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(step.path)}, "region": _region(step.line, None)}})
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


def render(report: Report, rules: list[type[Rule]]) -> str:
    index = {r.id: i for i, r in enumerate(rules)}
    notifications = [{
        "level": "error",
        "message": {"text": f"{e.kind}: {e.message}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(e.path)},
                                            **({"region": {"startLine": e.line}} if e.line else {})}}],
    } for e in report.errors]
    run = {
        "tool": {"driver": {"name": "agentlint", "version": __version__, "semanticVersion": __version__,
                            "informationUri": "https://pypi.org/project/agentlint-iac/",
                            "rules": [rule_descriptor(r) for r in rules]}},
        "invocations": [{"executionSuccessful": not report.errors, "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index.get(f.rule_id, -1)) for f in report.findings if f.rule_id in index],
    }
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2) + "\n"
