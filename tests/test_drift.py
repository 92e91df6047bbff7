"""`agentlint drift`: a git repository made in the test (a commit widens an agent's policy, adds an access key and a
trusted account, removes an agent and adds one) and a plan planned by Terraform against a prior state; exact JSON,
snapshots of the text and Markdown forms, the invocation forms, and the `--fail-on-drift` gate's exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from agentlint import __version__
from agentlint.cli import main
from agentlint.outputs import drift_markdown, drift_text
from conftest import FIXTURES

GIT_FIXTURE = FIXTURES / "drift" / "git"
PLAN = FIXTURES / "drift" / "plan" / "tfplan.json"
ADMIN = '''
resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.helper.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
'''
NEW_AGENT = '''
resource "aws_lambda_function" "notes" {
  function_name = "notes"
  role          = aws_iam_role.notes.arn
  handler       = "main.handler"
  runtime       = "python3.12"
  environment {
    variables = { ANTHROPIC_MODEL = "claude-sonnet-4" }
  }
}

resource "aws_iam_role" "notes" {
  name = "notes"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "notes" {
  name = "notes"
  role = aws_iam_role.notes.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "logs:CreateLogStream", Resource = "*" }]
  })
}
'''


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=drift@example.com", "-c", "user.name=drift", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture()
def repo(tmp_path, monkeypatch) -> Path:
    """base commit, then the change committed on top (HEAD~1 -> HEAD); the working tree is HEAD."""
    root = tmp_path / "repo"
    (root / "infra").mkdir(parents=True)
    _git(root, "init", "-q")
    shutil.copy(GIT_FIXTURE / "base" / "main.tf", root / "infra" / "main.tf")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    shutil.copy(GIT_FIXTURE / "head" / "main.tf", root / "infra" / "main.tf")
    _git(root, "commit", "-qam", "widen the researcher")
    monkeypatch.chdir(root)
    return root


def _drift(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["drift", *args])
    return result.exit_code, result.output


def _json(*args: str) -> dict:
    code, out = _drift(*args, "--format", "json")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["tool"] == {"name": "agentlint", "version": __version__}
    return {**doc, "tool": None}


def test_git_drift_is_exactly_the_recorded_contract(repo):
    expected = json.loads((GIT_FIXTURE / "expected.json").read_text())
    assert _json("--base", "HEAD~1", "infra") == expected


def test_gained_and_lost_by_kind(repo):
    doc = _json("--base", "HEAD~1", "infra")
    (agent,) = doc["agents"]
    assert (agent["address"], agent["stack"], agent["level"]) == ("aws_lambda_function.researcher", "infra",
                                                                  "permissions-management")
    assert agent["gained"]["actions"] == ["iam:PassRole", "s3:PutObject", "secretsmanager:GetSecretValue"]
    assert [(g["service"], g["level"], g["sensitive"]) for g in agent["gained"]["action_groups"]] == [
        ("iam", "Permissions management", ["code execution", "identity control"]),
        ("s3", "Write", ["data"]), ("secretsmanager", "Read", ["secrets"])]
    assert agent["lost"]["actions"] == ["s3:ListBucket"]
    assert [(c["address"], c["lifetime"]) for c in agent["gained"]["credentials"]] == [
        ("aws_iam_access_key.researcher", "no expiry")]
    assert [(t["principal"], t["external"]) for t in agent["gained"]["trusted_by"]] == [
        ("arn:aws:iam::444455556666:root", True)]
    assert [a["address"] for a in doc["added_agents"]] == ["aws_bedrockagent_agent.helper"]
    assert [a["address"] for a in doc["removed_agents"]] == ["aws_lambda_function.retired"]
    assert doc["removed_agents"][0]["lost"]["actions"] == ["logs:PutLogEvents"]


def test_invocation_forms_give_the_same_drift(repo, monkeypatch):
    def essence(doc):
        return [(a["address"], a["level"], a["gained"]["actions"], a["lost"]["actions"]) for a in doc["agents"]] + [
            (a["address"], a.get("level")) for a in doc["added_agents"] + doc["removed_agents"]]

    folder = _json("--base", "HEAD~1", "infra")
    absolute = _json("--base", "HEAD~1", str(repo / "infra"))
    assert absolute["agents"][0]["path"] == str(repo / "infra" / "main.tf")
    assert absolute["removed_agents"][0]["path"] == str(repo / "infra" / "main.tf")
    monkeypatch.chdir(repo / "infra")
    dot = _json("--base", "HEAD~1", ".")
    assert dot["agents"][0]["path"] == "main.tf" and dot["removed_agents"][0]["path"] == "main.tf"
    assert essence(folder) == essence(absolute) == essence(dot)
    assert folder["agents"][0]["path"] == "infra/main.tf"


def test_same_tree_on_both_sides_is_no_drift(repo):
    doc = _json("--base", "HEAD", "infra")
    assert (doc["agents"], doc["added_agents"], doc["removed_agents"]) == ([], [], [])
    assert doc["summary"]["level"] is None
    code, out = _drift("--base", "HEAD", "infra", "--fail-on-drift", "any")
    assert code == 0 and "No scope drift: 2 agents compared" in out


@pytest.mark.parametrize("level,code", [("any", 1), ("sensitive", 1), ("permissions-management", 1), ("admin", 0)])
def test_fail_on_drift_levels(repo, level, code):
    assert _drift("--base", "HEAD~1", "infra", "--fail-on-drift", level)[0] == code
    assert _drift("--base", "HEAD~1", "infra")[0] == 0  # without the gate, drift is a report


def test_administrator_access_reaches_every_level(repo):
    with open(repo / "infra" / "main.tf", "a") as fh:
        fh.write(ADMIN)
    doc = _json("--base", "HEAD", "infra")
    (helper,) = doc["agents"]
    assert (helper["address"], helper["level"], helper["gained"]["admin"]) == (
        "aws_bedrockagent_agent.helper", "admin", True)
    for level in ("any", "sensitive", "permissions-management", "admin"):
        assert _drift("--base", "HEAD", "infra", "--fail-on-drift", level)[0] == 1


def test_an_added_agent_alone_is_growth_of_level_any(repo):
    with open(repo / "infra" / "main.tf", "a") as fh:
        fh.write(NEW_AGENT)
    doc = _json("--base", "HEAD", "infra")
    assert (doc["agents"], doc["removed_agents"]) == ([], [])
    (added,) = doc["added_agents"]
    assert (added["address"], added["level"], added["gained"]["actions"]) == (
        "aws_lambda_function.notes", "any", ["logs:CreateLogStream"])
    assert _drift("--base", "HEAD", "infra", "--fail-on-drift", "any")[0] == 1
    assert _drift("--base", "HEAD", "infra", "--fail-on-drift", "sensitive")[0] == 0


def test_unknown_revision_and_no_repository_are_usage_errors(repo, tmp_path):
    code, out = _drift("--base", "no-such-ref", "infra")
    assert code == 2 and "git does not know the revision 'no-such-ref'" in out
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text("")
    code, out = _drift("--base", "HEAD", str(outside))
    assert code == 2 and "is not inside a git repository" in out


def test_text_snapshot(repo, snapshot):
    assert _drift("--base", "HEAD~1", "infra")[1] == snapshot


def test_markdown_snapshot(repo, snapshot):
    assert _drift("--base", "HEAD~1", "infra", "--format", "markdown")[1] == snapshot


# --- plans -----------------------------------------------------------------------------------------------------------


def test_plan_drift_is_exactly_the_recorded_contract():
    expected = json.loads((FIXTURES / "drift" / "plan" / "expected.json").read_text())
    assert _json(str(PLAN.relative_to(Path.cwd()))) == expected


def test_plan_unknown_after_apply_is_unknown_never_lost():
    doc = _json(str(PLAN))
    (agent,) = doc["agents"]
    assert agent["lost"]["actions"] == [] and agent["unknown"]["actions"] == ["s3:ListBucket"]
    assert agent["unknown"]["reasons"] == [
        "aws_iam_role.agent: aws_iam_role_policy.data: policy is computed: (known after apply)"]
    assert agent["gained"]["actions"] == ["iam:PassRole", "secretsmanager:GetSecretValue"]
    assert [c["address"] for c in agent["gained"]["credentials"]] == ["aws_iam_access_key.researcher"]
    assert [t["principal"] for t in agent["gained"]["trusted_by"]] == ["arn:aws:iam::444455556666:root"]
    assert [a["address"] for a in doc["added_agents"]] == ["aws_bedrockagent_agent.helper"]
    assert [a["address"] for a in doc["removed_agents"]] == ["aws_lambda_function.retired"]


def test_plan_text_and_markdown_snapshots(snapshot):
    plan = str(PLAN.relative_to(Path.cwd()))
    assert _drift(plan)[1] == snapshot(name="text")
    assert _drift(plan, "--format", "markdown")[1] == snapshot(name="markdown")


def test_plan_gate_and_a_folder_without_base():
    plan = str(PLAN.relative_to(Path.cwd()))
    assert _drift(plan, "--fail-on-drift", "permissions-management")[0] == 1
    assert _drift(plan, "--fail-on-drift", "admin")[0] == 0
    code, out = _drift(str(PLAN.parent))
    assert code == 2 and "without --base compares one plan JSON file" in out


def test_prior_state_from_resource_changes_when_there_is_none(tmp_path):
    doc = json.loads(PLAN.read_text())
    doc.pop("prior_state")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc))
    with_rc = _json(str(plan))
    full = _json(str(PLAN))
    assert [(a["address"], a["gained"]["actions"], a["unknown"]["actions"]) for a in with_rc["agents"]] == [
        (a["address"], a["gained"]["actions"], a["unknown"]["actions"]) for a in full["agents"]]


def test_renderers_escape_text_from_the_tree():
    doc = json.loads((GIT_FIXTURE / "expected.json").read_text())
    doc["agents"][0]["address"] = "aws_lambda_function.x[\"<img src=x> @team\"]\x1b[31m"
    doc["agents"][0]["gained"]["trusted_by"][0]["kind"] = "<b>account</b> @team"
    md = drift_markdown.to_markdown(doc)
    assert md.count("<img") == 1 and '| `aws_lambda_function.x["<img src=x> @team"]?[31m` |' in md  # a code span
    assert "trusted \\<b\\>account\\</b\\> @\u200bteam `arn:aws" in md  # plain text: escaped, no mention
    assert "\x1b" not in md and "\x1b" not in drift_text.to_text(doc)


def test_an_agent_whose_evidence_is_unknown_until_apply_is_never_removed(tmp_path):
    """Without its tag, the researcher is an agent by its environment: known in the prior state, unknown in the
    planned values (a new key's id in it makes Terraform mark the whole map unknown)."""
    doc = json.loads(PLAN.read_text())
    for res in doc["prior_state"]["values"]["root_module"]["resources"] + doc["planned_values"]["root_module"][
            "resources"]:
        res["values"].pop("tags", None)
        res["values"].pop("tags_all", None)
    for rc in doc["resource_changes"]:
        for side in ("before", "after"):
            if isinstance(rc["change"].get(side), dict):
                rc["change"][side].pop("tags", None)
                rc["change"][side].pop("tags_all", None)
    for res in doc["configuration"]["root_module"]["resources"]:
        res["expressions"].pop("tags", None)
    plan = tmp_path / "tfplan.json"
    plan.write_text(json.dumps(doc))
    result = _json(str(plan))
    assert [a["address"] for a in result["removed_agents"]] == ["aws_lambda_function.retired"]
    (agent,) = result["agents"]
    assert agent["address"] == "aws_lambda_function.researcher" and agent["level"] == "any"
    assert agent["lost"]["actions"] == [] and agent["unknown"]["actions"] == ["s3:GetObject", "s3:ListBucket"]
    assert agent["unknown"]["reasons"] == [
        "still planned, but not recognised as an agent from the planned values (what made it one is known only "
        "after apply)"]
