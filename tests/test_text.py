"""The text report at scale: wrapped to the terminal (never inside an address, not at all when piped), paths relative
to the working directory, each rule's fix once with a count, the agent list only with --agents and after the
findings."""

from __future__ import annotations

import io
import re

from click.testing import CliRunner

from agentlint.cli import main
from agentlint.config import Config
from agentlint.engine import scan
from agentlint.outputs.text import render, terminal_width
from conftest import ROOT

EXAMPLE = "fixtures/examples/bedrock-agent"


def _example():
    return scan([EXAMPLE], Config(), root=str(ROOT))


def test_wrapped_at_80_columns(snapshot):
    text = render(_example(), width=80)
    for line in text.splitlines():
        # Only a single word longer than the width (an address) may pass it.
        assert len(line) <= 80 or " " not in line.strip(), line
    assert "Agents (" not in text and "2 agents\n(--agents lists them)" in text
    assert text == snapshot


def test_not_wrapped_without_a_width():
    text = render(_example())
    [message] = [line for line in text.splitlines() if "has full administrator access" in line]
    assert message.endswith("is attached") and len(message) > 200


def test_agents_listed_after_the_findings_when_asked(snapshot):
    text = render(_example(), agents=True, width=100)
    assert text.index("How to fix") < text.index("Agents (2)") < text.index("4 findings (")
    assert "--agents lists them" not in text
    assert text == snapshot


def test_each_fix_once_with_its_count():
    report = scan(["fixtures"], Config(), root=str(ROOT))
    text = render(report)
    admin = sum(1 for f in report.findings if f.rule_id == "AL201")
    assert admin > 10
    assert text.count("Remove the administrator grant") == 1
    assert f"  AL201 admin-access ({admin} findings)\n    Remove the administrator grant" in text
    assert "fix:" not in text
    # The inventory of 100+ agents is not printed before (or after) the findings unless asked for.
    assert "Agents (" not in text and text.startswith("fixtures/")


def test_paths_relative_to_the_working_directory(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "infra").mkdir()
    (repo / "modules" / "key").mkdir(parents=True)
    (repo / "infra" / "main.tf").write_text('module "key" {\n  source = "../modules/key"\n}\n')
    (repo / "modules" / "key" / "main.tf").write_text(
        'resource "aws_iam_user" "bot" {\n  name = "bot"\n}\n'
        'resource "aws_iam_access_key" "bot" {\n  user = aws_iam_user.bot.name\n}\n')
    monkeypatch.chdir(repo / "infra")
    report = scan(["."], Config())
    assert render(report).startswith("../modules/key/main.tf\n      4  MEDIUM    AL301")
    # Named by its absolute path from the repository root: shown from the working directory all the same.
    assert render(scan([str(repo / "infra")], Config())).startswith("../modules/key/main.tf\n")
    # From outside the repository: absolute, not a climb of ../../..
    monkeypatch.chdir(tmp_path.parent)
    outside = render(scan([str(repo / "infra")], Config()), cwd=str(ROOT))
    assert outside.startswith(str(repo / "modules" / "key" / "main.tf") + "\n")


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_terminal_width(monkeypatch):
    assert terminal_width(io.StringIO()) is None  # a pipe or a file: never wrapped
    monkeypatch.setenv("COLUMNS", "100")
    assert terminal_width(io.StringIO()) is None
    assert terminal_width(_Tty()) == 100
    monkeypatch.setenv("COLUMNS", "20")
    assert terminal_width(_Tty()) == 60  # no narrower than 60


def test_cli_agents_option():
    runner = CliRunner()
    plain = runner.invoke(main, ["scan", EXAMPLE, "--no-cache"])
    listed = runner.invoke(main, ["scan", EXAMPLE, "--no-cache", "--agents"])
    assert plain.exit_code == listed.exit_code == 1
    assert "Agents (" not in plain.output and "(--agents lists them)" in plain.output
    assert re.search(r"How to fix\n.*\nAgents \(2\)\n  aws_bedrockagent_agent.support  "
                     r"fixtures/examples/bedrock-agent/main.tf:9\n", listed.output, re.S)
