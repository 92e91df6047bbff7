"""Every command of the README's Use block and of docs/ci.md's shell blocks and plan variants, run as written in a
workspace holding the folders and files they name (the shipped example as `infra/`, the located plan fixture as
`plan.json` / `tfplan.json`, a real binary plan as `tfplan`, a git base for `--diff-base origin/main`). None may be
a usage error (exit 2); the exit code each gives is asserted."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

# Every documented command in a child process: slow for the fast run, always in .ci/run.
# One pytest-xdist worker runs the whole module, in order: the commands share one workspace, and some need what an
# earlier one left there (`agentlint baseline ... --update` reads the baseline the command before it wrote).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("doc-commands")]

README = (ROOT / "README.md").read_text()
CI_DOC = (ROOT / "docs" / "ci.md").read_text()


def _commands(block: str) -> list[str]:
    out = []
    for line in block.strip().splitlines():
        line = re.sub(r"\s+#\s.*$", "", line).strip()  # the explanatory comment
        if line:
            out.append(line)
    return out


def readme_use_commands() -> list[str]:
    use = README.split("## Use", 1)[1]
    return _commands(re.search(r"```sh\n(.*?)```", use, re.S).group(1))


def ci_doc_commands() -> list[str]:
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", CI_DOC, re.S):
        commands += _commands(block)
    gitlab = CI_DOC.split("## GitLab CI", 1)[1].split("## pre-commit", 1)[0]
    prose = re.sub(r"\s+", " ", gitlab.split("```", 2)[2])  # the plan variants after the job
    commands += [c for c in re.findall(r"`([^`]*agentlint scan [^`]*)`", prose)]
    return commands


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("ws")
    shutil.copytree(FIXTURES / "examples" / "bedrock-agent", ws / "infra")
    (ws / "infra" / "agent").mkdir()
    shutil.copy(FIXTURES / "examples" / "bedrock-agent" / "modules" / "agent_role" / "main.tf",
                ws / "infra" / "agent" / "main.tf")
    (ws / "envs" / "prod").mkdir(parents=True)
    (ws / "envs" / "prod" / "main.tf").write_text(
        'variable "region" {}\nresource "aws_iam_role" "bot" {\n  name = "bot-${var.region}"\n'
        '  assume_role_policy = "{}"\n}\nresource "aws_iam_role_policy_attachment" "admin" {\n'
        '  role       = aws_iam_role.bot.name\n  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n')
    (ws / "prod.tfvars").write_text('region = "eu-west-1"\n')
    shutil.copy(FIXTURES / "plans" / "located" / "tfplan.json", ws / "plan.json")
    shutil.copy(FIXTURES / "plans" / "located" / "tfplan.json", ws / "tfplan.json")
    shutil.copy(FIXTURES / "plans" / "binary" / "terraform-data" / "tfplan", ws / "tfplan")
    shutil.copy(FIXTURES / "plans" / "binary" / "terraform-data" / "main.tf", ws / "main.tf")
    (ws / ".gitignore").write_text("*.sarif\n")
    _git(ws, "init", "-q", "-b", "main")
    _git(ws, "add", "-A")
    _git(ws, "commit", "-qm", "base")
    _git(ws, "update-ref", "refs/remotes/origin/main", "HEAD")
    role = ws / "infra" / "modules" / "agent_role" / "main.tf"
    role.write_text(role.read_text().replace("43200", "36000"))  # a change since origin/main
    return ws


def run(command: str, cwd: Path, **extra_env: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "AGENTLINT_CACHE_DIR": str(cwd / ".cache-for-tests"), "NO_COLOR": "1", **extra_env}
    return subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=600)


# The exit code of each command in this workspace: 1 where the inputs have findings at or above the threshold.
README_EXPECTED = {
    "agentlint scan infra/": 1,
    "agentlint scan infra/agent/main.tf": 1,
    "agentlint scan envs/prod --var region=eu-west-1": 1,  # AL201 on a role no agent uses: high
    "agentlint scan envs/prod --root .": 1,
    "agentlint scan plan.json": 1,
    "agentlint scan tfplan.json --source infra/": 1,
    "agentlint scan tfplan --terraform-show": 0,
    "agentlint scan infra/ --format json -o agentlint.json": 1,
    "agentlint scan infra/ --fail-on high": 1,
    "agentlint scan infra/ --var-file prod.tfvars": 1,
    "agentlint scan infra/ --format sarif -o agentlint.sarif": 1,
    "agentlint scan tfplan.json --changed-only": 1,
    "agentlint scan infra/ --diff-base origin/main": 1,
    "agentlint scan infra/ --diff-base origin/main --fail-on-drift sensitive": 1,  # the findings; no scope grew
    "agentlint drift --base origin/main infra/": 0,
    "agentlint drift tfplan.json": 0,
    "agentlint scan infra/ --report sarif=agentlint.sarif --report gitlab=gl-code-quality.json": 1,
    "agentlint scan infra/ -q --fail-on none": 0,
    "terraform show -json tfplan | agentlint scan -": 0,
    "agentlint scan infra/ --respect-gitignore": 1,
    "agentlint baseline infra/ -o .agentlint-baseline.json && agentlint scan infra/ --baseline "
    ".agentlint-baseline.json": 0,
    "agentlint baseline infra/ -o .agentlint-baseline.json --update": 0,
    "agentlint cache clean": 0,
    "agentlint rules": 0,
    "agentlint explain AL201": 0,
    "agentlint graph infra/ --format mermaid": 0,
    "agentlint config --schema": 0,
}


def test_readme_use_block_is_the_list_tested():
    assert readme_use_commands() == list(README_EXPECTED)


@pytest.mark.parametrize("command", list(README_EXPECTED))
def test_readme_use_commands(workspace, command):
    out = run(command, workspace)
    assert out.returncode == README_EXPECTED[command], out.stdout[-1500:] + out.stderr[-1500:]


def test_readme_commands_do_what_they_say(workspace):
    assert run("agentlint scan infra/ --report sarif=agentlint.sarif --report gitlab=gl-code-quality.json",
               workspace).returncode == 1
    assert json.loads((workspace / "agentlint.sarif").read_text())["version"] == "2.1.0"
    issues = json.loads((workspace / "gl-code-quality.json").read_text())
    assert sorted(i["location"]["path"] for i in issues) == [  # relative to the repository root
        "infra/agent/main.tf", "infra/main.tf", "infra/main.tf", "infra/modules/agent_role/main.tf",
        "infra/modules/agent_role/main.tf"]
    piped = run("terraform show -json tfplan | agentlint scan -", workspace)
    assert "No findings; 1 file" in piped.stdout and piped.stderr.count("Error") == 0
    diff = run("agentlint scan infra/ --diff-base origin/main --format json", workspace)
    assert sorted(f["rule_id"] for f in json.loads(diff.stdout)["findings"]) == ["AL201", "AL501"]


CI_EXPECTED = {
    "agentlint baseline infra -o .agentlint-baseline.json": 0,
    "agentlint scan infra --baseline .agentlint-baseline.json": 0,
    "agentlint baseline infra -o .agentlint-baseline.json --update": 0,
    "agentlint scan tfplan.json --changed-only --report gitlab=gl-code-quality.json --report junit=agentlint-junit.xml": 1,
    "terraform show -json tfplan | agentlint scan - --changed-only": 0,
}


def test_ci_doc_commands_are_the_list_tested():
    assert ci_doc_commands() == list(CI_EXPECTED)


@pytest.mark.parametrize("command", list(CI_EXPECTED))
def test_ci_doc_commands(workspace, command):
    out = run(command, workspace)
    assert out.returncode == CI_EXPECTED[command], out.stdout[-1500:] + out.stderr[-1500:]


def test_gitlab_job_scan_line(workspace):
    """The GitLab job's scan, as its `script` writes it, with the variable GitLab sets on a merge request (the
    `git fetch` and `pip install` lines need the network; the workspace has `origin/main` and this agentlint)."""
    import yaml

    gitlab = CI_DOC.split("## GitLab CI", 1)[1].split("\n## ", 1)[0]
    job = yaml.safe_load(re.search(r"```yaml\n(.*?)```", gitlab, re.S).group(1))["agentlint"]
    scans = [line for line in job["script"] if line.startswith("agentlint scan")]
    assert scans == ['agentlint scan infra --diff-base "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" '
                     '--report gitlab=gl-code-quality.json --report junit=agentlint-junit.xml']
    out = run(scans[0], workspace, CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main")
    assert out.returncode == 1, out.stdout[-1500:] + out.stderr[-1500:]  # the changed role's findings
    issues = json.loads((workspace / "gl-code-quality.json").read_text())
    assert sorted(i["check_name"] for i in issues) == ["agentlint/AL201", "agentlint/AL501"]
    assert "<testsuites" in (workspace / "agentlint-junit.xml").read_text()


def readme_checkov_block() -> list[str]:
    section = README.split("## With Checkov", 1)[1]
    return _commands(re.search(r"```sh\n(.*?)```", section, re.S).group(1))


def test_readme_checkov_block(workspace):
    """The README's Checkov block: the two installs are this test's environments (Checkov 3.3.30 in its own
    virtualenv, as tests/test_checkov_plugin.py builds it; this agentlint on PATH, the package not being published
    yet), and the two scans run as written: each fails on agentlint's checks, with no error."""
    from helpers import checkov_venv

    block = readme_checkov_block()
    assert block[:2] == ["pipx install checkov", "pipx install agentlint-iac"]
    scans = block[2:]
    assert scans == ['checkov -d infra --external-checks-dir "$(agentlint checkov-checks)"',
                     'checkov -f tfplan.json --external-checks-dir "$(agentlint checkov-checks)"']
    checkov = os.environ.get("CHECKOV_BIN") or checkov_venv("3.3.30")
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}{os.pathsep}{Path(checkov).parent}"
    for command in scans:
        # --skip-download and the update check off: no call to Checkov's platform from the test.
        out = run(f"{command} --skip-download -o json", workspace, PATH=path, CKV_SKIP_PACKAGE_UPDATE_CHECK="true")
        assert out.returncode == 1, out.stdout[-1500:] + out.stderr[-1500:]
        docs = json.loads(out.stdout)
        failed = {c["check_id"] for d in (docs if isinstance(docs, list) else [docs])
                  for c in d["results"]["failed_checks"]}
        assert {"CKV_AGENTLINT_AL201"} <= failed, sorted(failed)
        assert "agentlint" not in out.stderr.lower() or "error" not in out.stderr.lower(), out.stderr[-1500:]
