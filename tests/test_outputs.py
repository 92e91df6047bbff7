"""Output formats: SARIF validated against the official 2.1.0 schema, GitHub workflow commands, JUnit, Markdown."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from agentlint import __version__
from agentlint.config import Config
from agentlint.engine import scan, selected_rules
from agentlint.model import Finding, Report
from agentlint.outputs import github, junit, markdown, sarif
from conftest import FIXTURES, ROOT, fast_sample, rel
from helpers import run

EXAMPLE = "fixtures/examples/bedrock-agent"
CASES = sorted(p for p in FIXTURES.glob("AL*/*/*") if p.is_dir()) + [FIXTURES / "examples" / "bedrock-agent"]
RULES = selected_rules(Config())


@pytest.fixture(scope="module")
def sarif_schema():
    # Vendored (tests/schemas/README.md) so that every clone validates SARIF, not only CI and dev.
    return json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text())


def _stable(text: str) -> str:
    return text.replace(__version__, "<version>")


@pytest.mark.parametrize("case", fast_sample(CASES), ids=[rel(c) for c in CASES])
def test_sarif_validates_against_the_official_schema(case, sarif_schema):
    import jsonschema

    report = run(rel(case))
    doc = json.loads(sarif.render(report, RULES))
    jsonschema.validate(doc, sarif_schema)
    [run_] = doc["runs"]
    assert [r["id"] for r in run_["tool"]["driver"]["rules"]] == [r.id for r in RULES]
    # Reported findings first, then the suppressed ones, each with its suppression.
    everything = report.findings + [s.finding for s in report.suppressed]
    assert len(run_["results"]) == len(everything)
    for result, finding in zip(run_["results"], everything):
        assert result["partialFingerprints"] == {"agentlint/v1": finding.fingerprint}
        assert run_["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert ("suppressions" in result) == (finding not in report.findings)
        assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
            "uri": finding.repo_path, "uriBaseId": "%SRCROOT%"}
    assert {v["uri"] for v in run_["originalUriBaseIds"].values()} == {Path(r).as_uri() + "/" for r in report.repo_roots}


def test_sarif_content(snapshot):
    # root: the repository root is this checkout's with or without a .git folder (an sdist has none).
    doc = json.loads(sarif.render(scan([EXAMPLE], Config(), root=str(ROOT)), RULES))
    rule = next(r for r in doc["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "AL201")
    assert rule["properties"]["security-severity"] == "9.5" and rule["defaultConfiguration"]["level"] == "error"
    assert rule["helpUri"].endswith("/docs/rules/AL201.md") and "## Why is this bad?" in rule["help"]["markdown"]
    admin = next(r for r in doc["runs"][0]["results"] if r["ruleId"] == "AL201")
    assert admin["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "fixtures/examples/bedrock-agent/modules/agent_role/main.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 19, "endLine": 22}}
    assert [r["message"]["text"] for r in admin["relatedLocations"]] == [
        "agent: aws_bedrockagent_agent.support", "identity: module.agent_role.aws_iam_role.this",
        "attachment: module.agent_role.aws_iam_role_policy_attachment.admin"]
    assert _stable(json.dumps(doc["runs"][0]["results"], indent=1)) == snapshot


def test_sarif_for_plan_and_errors(tmp_path, sarif_schema):
    import jsonschema

    bad = tmp_path / "bad.tf"
    bad.write_text('resource "x" "y" {\n  a = \n}\n')
    report = run("fixtures/AL201/plan/admin-agent.tfplan.json", str(bad))
    doc = json.loads(sarif.render(report, RULES))
    jsonschema.validate(doc, sarif_schema)
    invocation = doc["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}
    assert doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}


def test_github_commands(snapshot):
    assert github.render(run(EXAMPLE)) == snapshot


def test_github_escaping():
    f = Finding(rule_id="AL101", rule_name="wildcard-action", title="t", category="wildcard-scope",
                severity="medium", confidence="high", message="100% bad\nreally", path="a,b:c.tf", start_line=3,
                end_line=4, address="x.y", fix="do it", fingerprint="al1:x")
    report = Report(tool={}, findings=[f], agents=[], errors=[], summary={})
    assert github.render(report) == (
        "::warning file=a%2Cb%3Ac.tf,line=3,endLine=4,title=AL101 wildcard-action (medium)::100%25 bad%0Areally%0AFix: do it\n")


def test_junit(snapshot):
    text = junit.render(run(EXAMPLE), RULES)
    root = ET.fromstring(text.split("\n", 1)[1])
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == (str(len(RULES)), "4", "0")
    failed = {s.get("name"): int(s.get("failures")) for s in root}
    assert failed["AL201 admin-access"] == 1 and failed["AL301 long-lived-access-key"] == 0
    assert _stable(text) == snapshot


def test_markdown_without_findings():
    assert markdown.render(run("fixtures/AL201/good/scoped-agent")) == (
        "<!-- agentlint-report -->\n## agentlint: 0 findings\n\nNo findings. 1 agent(s) checked.\n")


def test_hostile_for_each_keys_cannot_break_out_of_the_comment_or_the_terminal(tmp_path):
    # Guards: a for_each key is text from the pull request; it must not make headings, links, images, HTML or
    # mentions in the Markdown comment, nor send escape sequences to the terminal.
    key = "x`\n# Pwned [click](https://evil.example) <img src=x onerror=1> @org/team \x1b]0;title\x07\x1b[31m|"
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_access_key" "k" {\n  user = ' + json.dumps(key) + '\n}\n'
        'resource "aws_iam_user_policy_attachment" "a" {\n  for_each = toset([' + json.dumps(key) + '])\n'
        '  user = "u"\n  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n')
    report = run(str(tmp_path))
    assert sorted(f.rule_id for f in report.findings) == ["AL201", "AL301"]
    assert any("[click](https://evil.example)" in f.address for f in report.findings)
    assert any("\x1b]0;" in f.message or "\x1b]0;" in str(f.trace) for f in report.findings)
    md = markdown.render(report)
    assert "\x1b" not in md and "\x07" not in md and "\n# Pwned" not in md
    import re

    assert not re.search(r"(?<!\\)<img", md) and not re.search(r"(?<!\\)\]\(https://evil", md)
    assert "@org/team" not in md and "\\<img" in md  # shown as text, escaped
    from agentlint.outputs import text as text_output

    shown = text_output.render(report, colour=True)
    assert "\x1b]0;" not in shown and "\x07" not in shown and "\x1b[31m|" not in shown
