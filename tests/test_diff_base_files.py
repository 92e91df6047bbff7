"""`scan --diff-base REF` when a pull request edits only a file that Terraform code reads with file() or
templatefile(): a policy document kept as JSON beside the module is part of what the module grants, so the findings
of that module are the change's (a silent pass in the merge gate otherwise)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from agentlint.cli import main

ROOT_TF = '''module "agent" {
  source = "../../modules/agent"
  name   = "support"
}

# Unrelated to the agent and to the documents: its finding stays hidden whatever they say.
resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}
'''

MODULE_TF = '''variable "name" {
  type = string
}

locals {
  tools = jsondecode(templatefile("${path.module}/policies/tools.json.tpl", { table = var.name }))
}

resource "aws_iam_role" "agent" {
  name = var.name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "bedrock.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } }
    }]
  })
}

resource "aws_bedrockagent_agent" "this" {
  agent_name              = var.name
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"
}

resource "aws_iam_role_policy" "documents" {
  name   = "documents"
  role   = aws_iam_role.agent.id
  policy = file("${path.module}/policies/agent.json")
}

resource "aws_iam_role_policy" "tools" {
  name   = "tools"
  role   = aws_iam_role.agent.id
  policy = jsonencode(local.tools)
}
'''

AGENT_JSON = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Docs", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::support-docs/*"}]}
TOOLS_TPL = '''{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Table", "Effect": "Allow", "Action": "dynamodb:GetItem",
     "Resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/${table}"}
  ]
}
'''


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture()
def repo(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "repo"
    (root / "live" / "prod").mkdir(parents=True)
    (root / "modules" / "agent" / "policies").mkdir(parents=True)
    (root / "live" / "prod" / "main.tf").write_text(ROOT_TF)
    (root / "modules" / "agent" / "main.tf").write_text(MODULE_TF)
    (root / "modules" / "agent" / "policies" / "agent.json").write_text(json.dumps(AGENT_JSON, indent=2))
    (root / "modules" / "agent" / "policies" / "tools.json.tpl").write_text(TOOLS_TPL)
    (root / "modules" / "agent" / "README.md").write_text("# agent\n")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    monkeypatch.chdir(root)
    return root


def _findings(*paths: str) -> tuple[int, list[tuple[str, str, int]], dict]:
    result = CliRunner().invoke(main, ["scan", *paths, "--diff-base", "HEAD", "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    doc = json.loads(result.stdout)
    return result.exit_code, [(f["rule_id"], f["repo_path"], f["start_line"]) for f in doc["findings"]], doc["summary"]


FORMS = [("live/prod",), (".",), ("ABSOLUTE",)]


@pytest.mark.parametrize("form", FORMS, ids=["folder", "scan-dot", "absolute"])
def test_an_edit_to_a_policy_file_read_by_file_reports_what_it_grants(repo, form):
    paths = [str(repo / "live" / "prod") if p == "ABSOLUTE" else p for p in form]
    assert _findings(*paths)[:2] == (0, [])  # nothing changed: the access key's finding is hidden
    doc = dict(AGENT_JSON, Statement=AGENT_JSON["Statement"] + [
        {"Sid": "Config", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}])
    (repo / "modules" / "agent" / "policies" / "agent.json").write_text(json.dumps(doc, indent=2))
    code, findings, summary = _findings(*paths)
    assert (code, findings) == (1, [("AL401", "modules/agent/main.tf", 31)])
    assert summary["unchanged_hidden"] == 1  # the CI user's access key, in a block and folder nothing changed


def test_an_edit_to_a_template_read_through_a_local_reports_what_it_grants(repo):
    tpl = repo / "modules" / "agent" / "policies" / "tools.json.tpl"
    tpl.write_text(TOOLS_TPL.replace('"dynamodb:GetItem"', '"dynamodb:*"').replace("table/${table}", "table/*"))
    code, findings, _ = _findings("live/prod")
    assert (code, findings) == (1, [("AL101", "modules/agent/main.tf", 37)])


def test_an_edit_to_a_file_no_expression_reads_changes_nothing(repo):
    (repo / "modules" / "agent" / "README.md").write_text("# agent\n\nNow with secrets.\n")
    (repo / "modules" / "agent" / "policies" / "unused.json").write_text('{"Statement": []}\n')
    assert _findings("live/prod")[:2] == (0, [])


def test_a_policy_file_that_is_new_since_the_base_is_a_change(repo):
    module = repo / "modules" / "agent" / "main.tf"
    _git(repo, "rm", "-q", "--cached", "modules/agent/policies/agent.json")
    _git(repo, "commit", "-qm", "drop the document from git")
    os.utime(module)  # the module itself is unchanged since the base
    code, findings, _ = _findings("live/prod")
    assert findings == [] and code == 0  # the document grants nothing the rules report
    (repo / "modules" / "agent" / "policies" / "agent.json").write_text(json.dumps(
        dict(AGENT_JSON, Statement=[{"Effect": "Allow", "Action": "*", "Resource": "*"}])))
    code, findings, _ = _findings("live/prod")
    assert (code, findings) == (1, [("AL201", "modules/agent/main.tf", 31)])


def test_a_file_read_from_a_folder_that_does_not_exist_is_neither_an_error_nor_a_change(repo):
    # Generated at plan time in real code (a build step writes dist/policy.json): missing at REF and now alike.
    module = repo / "modules" / "agent" / "main.tf"
    module.write_text(MODULE_TF + '''
resource "aws_iam_role_policy" "generated" {
  name   = "generated"
  role   = aws_iam_role.agent.id
  policy = file("${path.module}/dist/policy.json")
}
''')
    _git(repo, "commit", "-qam", "a generated policy")
    result = CliRunner().invoke(main, ["scan", "live/prod", "--diff-base", "HEAD", "--format", "json"])
    doc = json.loads(result.stdout)
    assert (result.exit_code, doc["findings"], doc["errors"]) == (0, [], [])
    assert "git" not in result.stderr
