"""`--format junit`: JUnit XML; one test suite per rule (a failing test case per finding, a passing one when the
rule found nothing), and an `inputs` suite with an error per file that could not be read."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from agentlint.model import Report
from agentlint.rule import Rule


def render(report: Report, rules: list[type[Rule]]) -> str:
    root = ET.Element("testsuites", name="agentlint")
    total = failures = 0
    for rule in rules:
        found = [f for f in report.findings if f.rule_id == rule.id]
        suite = ET.SubElement(root, "testsuite", name=f"{rule.id} {rule.name}", tests=str(max(len(found), 1)),
                              failures=str(len(found)), errors="0", skipped="0")
        if not found:
            ET.SubElement(suite, "testcase", classname=rule.id, name=f"{rule.id}: no findings")
        for f in found:
            where = f"{f.path}:{f.start_line}" if f.start_line else f.path
            case = ET.SubElement(suite, "testcase", classname=f"{rule.id}.{rule.name}", name=f"{f.address} ({where})",
                                 file=f.path, **({"line": str(f.start_line)} if f.start_line else {}))
            failure = ET.SubElement(case, "failure", message=f.message, type=f.severity.value)
            details = [f.message, f"Severity: {f.severity.value}, confidence: {f.confidence.value}",
                       f"Agents: {', '.join(f.agents) or 'none'}"]
            if f.trace:
                details.append("Path: " + " -> ".join(step.address for step in f.trace))
            details.append(f"Fix: {f.fix}")
            failure.text = "\n".join(details)
        total += max(len(found), 1)
        failures += len(found)
    if report.errors:
        suite = ET.SubElement(root, "testsuite", name="inputs", tests=str(len(report.errors)), failures="0",
                              errors=str(len(report.errors)), skipped="0")
        for e in report.errors:
            case = ET.SubElement(suite, "testcase", classname="inputs", name=e.path)
            ET.SubElement(case, "error", message=e.message, type=e.kind).text = (
                f"{e.path}:{e.line}: {e.message}" if e.line else f"{e.path}: {e.message}")
    root.set("tests", str(total + len(report.errors)))
    root.set("failures", str(failures))
    root.set("errors", str(len(report.errors)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
