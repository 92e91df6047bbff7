"""Credentials an agent's own host is given by its boot script (what AL320 and AL305 report) are credentials of the
agent in the inventory (JSON and text), never with their value, and drift sees one added to the boot script."""

from __future__ import annotations

import json
import subprocess

from click.testing import CliRunner

from agentlint.cli import main
from agentlint.config import Config
from agentlint.inventory.build import inventory
from agentlint.outputs import inventory_text

KEY = "sk-proj-Xq7vT2mR9wK4pL8nB3cF6hJ1sD5gA0eZ"
HOST = '''
variable "access_key_id" { type = string }
variable "secret_access_key" {
  type      = string
  sensitive = true
}

resource "aws_iam_instance_profile" "runner" {
  name = "runner"
  role = aws_iam_role.runner.name
}

resource "aws_iam_role" "runner" {
  name = "runner"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_instance" "runner" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.small"
  iam_instance_profile = aws_iam_instance_profile.runner.name
  tags                 = { Name = "support-runner", "agentlint:agent" = "true" }

  user_data = <<-EOT
    #!/bin/bash
    set -euo pipefail
    pip install "crewai==0.80.0"
    SETUP
    systemctl enable --now support-runner
  EOT
}
'''
CONFIGURE = ("aws configure set aws_access_key_id ${var.access_key_id}\\n"
             "    aws configure set aws_secret_access_key ${var.secret_access_key}\\n"
             f"    echo 'OPENAI_API_KEY={KEY}' >> /etc/support-runner.env")


def _write(folder, setup: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.tf").write_text(HOST.replace("SETUP", setup.replace("\\n", "\n")))


def test_boot_script_credentials_are_the_agents_in_json_and_text(tmp_path):
    _write(tmp_path, CONFIGURE)
    inv = inventory([str(tmp_path)], Config())
    [agent] = inv["agents"]
    path = str(tmp_path / "main.tf")
    assert agent["credentials"] == [
        {"address": "aws_instance.runner user_data: AWS access keys (aws configure set)", "kind": "configured at boot",
         "type": "aws_instance", "path": path, "line": 27, "belongs_to": None, "lifetime": "no expiry",
         "where": "in the host's boot script (user_data)"},
        {"address": "aws_instance.runner user_data: Anthropic / OpenAI API key",
         "kind": "key material in a boot script", "type": "aws_instance", "path": path, "line": 27,
         "belongs_to": None, "lifetime": "no expiry", "where": "in the host's boot script (user_data)"}]
    assert [i["address"] for i in agent["identities"]] == ["aws_iam_instance_profile.runner", "aws_iam_role.runner"]
    assert agent["blast_radius"]["credentials"] == 10
    text = inventory_text.to_text(inv)
    assert (f"  credentials:\n    configured at boot aws_instance.runner user_data: AWS access keys (aws configure "
            f"set) ({path}:27): no expiry\n    key material in a boot script aws_instance.runner user_data: "
            f"Anthropic / OpenAI API key ({path}:27): no expiry\n") in text
    assert KEY not in text and KEY not in inventory_text.to_json(inv)


def test_a_host_without_keys_at_boot_has_none(tmp_path):
    _write(tmp_path, "aws s3 cp s3://support-runner/config.yaml /etc/support-runner.yaml")
    [agent] = inventory([str(tmp_path)], Config())["agents"]
    assert agent["credentials"] == []


def _git(repo, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=drift@example.com", "-c", "user.name=drift", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


def test_drift_sees_a_credential_added_to_the_boot_script(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    _write(repo / "infra", "aws s3 cp s3://support-runner/config.yaml /etc/support-runner.yaml")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    _write(repo / "infra", CONFIGURE)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["drift", "--base", "HEAD", "infra", "--format", "json"])
    assert result.exit_code == 0, result.output
    [agent] = json.loads(result.output)["agents"]
    assert (agent["address"], agent["level"]) == ("aws_instance.runner", "sensitive")
    assert [(c["address"], c["kind"], c["lifetime"]) for c in agent["gained"]["credentials"]] == [
        ("aws_instance.runner user_data: AWS access keys (aws configure set)", "configured at boot", "no expiry"),
        ("aws_instance.runner user_data: Anthropic / OpenAI API key", "key material in a boot script", "no expiry")]
    assert KEY not in result.output
    code = CliRunner().invoke(main, ["drift", "--base", "HEAD", "infra", "--fail-on-drift", "sensitive"]).exit_code
    assert code == 1
