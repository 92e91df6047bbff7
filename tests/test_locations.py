"""Locations for code hosts: SARIF URIs and annotations relative to the repository root whichever folder the scan ran
from, `repo_path` in the JSON report, suppressed findings kept in SARIF with their suppression."""

from __future__ import annotations

import json

import pytest

from agentlint.config import Config
from agentlint.engine import scan, selected_rules
from agentlint.outputs import github, json_report, sarif
from helpers import run

RULES = selected_rules(Config())

INFRA = '''resource "aws_bedrockagent_agent" "support" {
  agent_name              = "support"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
}

resource "aws_iam_role" "agent" {
  name               = "support-agent"
  assume_role_policy = "{}"
}

# agentlint:ignore[AL201] sandbox account without data, SEC-42
resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.agent.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

module "helper" {
  source = "../modules/helper"
}
'''

HELPER = '''resource "aws_iam_user" "bot" {
  name = "helper-bot"
}

resource "aws_iam_access_key" "bot" {
  user = aws_iam_user.bot.name
}
'''


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository (a `.git` marker is what makes a folder one) scanned as `cd infra && agentlint scan .`."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "infra").mkdir()
    (root / "modules" / "helper").mkdir(parents=True)
    (root / "infra" / "main.tf").write_text(INFRA)
    (root / "modules" / "helper" / "main.tf").write_text(HELPER)
    monkeypatch.chdir(root / "infra")
    return root


def _sarif(report, root) -> dict:
    return json.loads(sarif.render(report, RULES).replace(root.as_uri(), "file:///REPO"))


def test_sarif_uris_are_relative_to_the_repository_root_from_a_subfolder(repo, snapshot):
    report = run(".")
    assert [(f.rule_id, f.path, f.repo_path) for f in report.findings] == [
        ("AL301", "../modules/helper/main.tf", "modules/helper/main.tf")]
    doc = _sarif(report, repo)
    [run_] = doc["runs"]
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {
        "uri": "file:///REPO/", "description": {"text": "The root of the repository scanned."}}}
    uris = {json.dumps(loc["artifactLocation"], sort_keys=True) for result in run_["results"]
            for loc in [result["locations"][0]["physicalLocation"]]
            + [r["physicalLocation"] for r in result.get("relatedLocations", [])]}
    assert uris == {'{"uri": "infra/main.tf", "uriBaseId": "%SRCROOT%"}',
                    '{"uri": "modules/helper/main.tf", "uriBaseId": "%SRCROOT%"}'}
    # ruleIndex left out: it moves whenever a rule is added (test_outputs checks it points at the right rule).
    assert [{k: v for k, v in r.items() if k != "ruleIndex"} for r in run_["results"]] == snapshot


def test_suppressed_findings_are_in_sarif_with_their_suppression(repo, sarif_schema):
    import jsonschema

    report = run(".")
    doc = _sarif(report, repo)
    jsonschema.validate(doc, sarif_schema)
    [suppressed] = [r for r in doc["runs"][0]["results"] if "suppressions" in r]
    assert suppressed["ruleId"] == "AL201"
    assert suppressed["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "infra/main.tf", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 13, "endLine": 16}}
    assert suppressed["suppressions"] == [{
        "kind": "inSource", "status": "accepted", "justification": "sandbox account without data, SEC-42",
        "location": {"physicalLocation": {"artifactLocation": {"uri": "infra/main.tf", "uriBaseId": "%SRCROOT%"},
                                          "region": {"startLine": 12}}}}]
    # --no-ignore: the same finding is an ordinary result.
    doc = _sarif(scan(["."], Config(), no_ignore=True), repo)
    assert not any("suppressions" in r for r in doc["runs"][0]["results"])
    assert "AL201" in [r["ruleId"] for r in doc["runs"][0]["results"]]


def test_a_suppression_without_a_reason_has_no_justification(sarif_schema):
    import jsonschema

    doc = json.loads(sarif.render(run("fixtures/AL002/bad/no-reason"), RULES))
    jsonschema.validate(doc, sarif_schema)
    [suppressed] = [r for r in doc["runs"][0]["results"] if "suppressions" in r]
    assert suppressed["ruleId"] == "AL201"
    assert suppressed["suppressions"] == [{"kind": "inSource", "status": "accepted", "location": {"physicalLocation": {
        "artifactLocation": {"uri": run("fixtures/AL002/bad/no-reason").suppressed[0].finding.repo_path,
                             "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 14}}}}]


def test_json_keeps_path_and_adds_repo_path(repo):
    doc = json.loads(json_report.render(run(".")))
    [finding] = doc["findings"]
    assert (finding["path"], finding["repo_path"]) == ("../modules/helper/main.tf", "modules/helper/main.tf")
    [suppressed] = doc["suppressed"]
    assert (suppressed["finding"]["path"], suppressed["finding"]["repo_path"]) == ("main.tf", "infra/main.tf")
    assert "repo_roots" not in doc and "stack_roots" not in doc  # renderers' context, not the contract


def test_github_annotations_name_files_from_the_repository_root(repo):
    assert github.render(run(".")).startswith("::warning file=modules/helper/main.tf,line=5,endLine=7,")


@pytest.fixture(scope="module")
def sarif_schema():
    from conftest import CORPUS

    path = CORPUS.parent / "schemas" / "sarif-schema-2.1.0.json"
    if not path.exists():
        pytest.skip(f"{path} is not available (the shared folder sits beside the repository only in CI and dev)")
    return json.loads(path.read_text())


def test_cli_sarif_from_a_subfolder(repo):
    from click.testing import CliRunner

    from agentlint.cli import main

    result = CliRunner().invoke(main, ["scan", ".", "--format", "sarif", "--no-cache"])
    assert result.exit_code == 1
    [run_] = json.loads(result.output)["runs"]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.as_uri() + "/"
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "suppressions" in r)
            for r in run_["results"]] == [("AL301", "modules/helper/main.tf", False), ("AL201", "infra/main.tf", True)]
