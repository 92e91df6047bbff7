"""action.yml and the workflows of docs/ci.md: GitHub's schemas, zizmor with no finding, pins by full commit SHA
with their sources, and the action's steps run locally as a script (the same commands) on the shipped example and a
plan fixture. zizmor and check-jsonschema come from PyPI (.ci/run installs them, pinned); without them the checks
skip with the command that installs them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from helpers import checkout_build_lock

ACTION = ROOT / "action.yml"
CI_DOC = ROOT / "docs" / "ci.md"
INSTALL = "pip install 'zizmor==1.32.0' 'check-jsonschema==0.39.0' (as .ci/run does)"
PLACEHOLDER = "agentlint/agentlint@" + "0" * 40  # no release of agentlint to pin yet (docs/ci.md says so)


def _tool(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    exe = str(found) if found.exists() else shutil.which(name)
    if not exe:
        pytest.skip(f"{name} is not installed: {INSTALL}")
    return exe


def workflows() -> list[str]:
    """The YAML blocks of docs/ci.md that are GitHub workflows (they have `jobs:` and `on:`)."""
    blocks = re.findall(r"```yaml\n(.*?)```", CI_DOC.read_text(), re.S)
    return [b for b in blocks if isinstance(yaml.safe_load(b), dict) and "jobs" in yaml.safe_load(b)
            and True in yaml.safe_load(b)]  # YAML 1.1 reads the key `on` as True


@pytest.fixture()
def workflow_files(tmp_path) -> list[Path]:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    files = []
    for i, text in enumerate(workflows(), start=1):
        path = folder / f"docs-ci-{i}.yml"
        path.write_text(text)
        files.append(path)
    return files


def test_docs_have_the_code_and_the_plan_workflows():
    names = [yaml.safe_load(w)["name"] for w in workflows()]
    assert names == ["agentlint", "agentlint-plan"]


def test_action_and_workflows_match_githubs_schemas(workflow_files):
    exe = _tool("check-jsonschema")
    out = subprocess.run([exe, "--builtin-schema", "vendor.github-actions", str(ACTION)], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    out = subprocess.run([exe, "--builtin-schema", "vendor.github-workflows", *map(str, workflow_files)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def gitlab_job() -> str:
    """The GitLab CI job of docs/ci.md (the YAML block of its GitLab section)."""
    section = CI_DOC.read_text().split("## GitLab CI", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "docs/ci.md's GitLab section holds one job"
    return blocks[0]


def test_gitlab_job_matches_gitlabs_schema(tmp_path):
    """The job, as a `.gitlab-ci.yml`, against GitLab's CI schema as check-jsonschema ships it (offline), and with
    the reports GitLab reads from it."""
    job = yaml.safe_load(gitlab_job())["agentlint"]
    assert job["artifacts"]["reports"] == {"codequality": "gl-code-quality.json", "junit": "agentlint-junit.xml"}
    assert any("--report gitlab=gl-code-quality.json --report junit=agentlint-junit.xml" in line
               for line in job["script"])
    exe = _tool("check-jsonschema")
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(gitlab_job())
    out = subprocess.run([exe, "--builtin-schema", "vendor.gitlab-ci", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    # The check can fail: a job with a misspelt keyword is refused.
    path.write_text(gitlab_job().replace("  artifacts:", "  artefacts:"))
    out = subprocess.run([exe, "--builtin-schema", "vendor.gitlab-ci", str(path)], capture_output=True, text=True)
    assert out.returncode == 1 and "artefacts" in out.stdout + out.stderr


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing(workflow_files, persona):
    exe = _tool("zizmor")
    out = subprocess.run([exe, "--offline", "--persona", persona, "--no-progress", str(ACTION),
                          *map(str, workflow_files)], capture_output=True, text=True)
    assert out.returncode == 0 and "No findings to report" in out.stdout, out.stdout + out.stderr


def test_every_action_is_pinned_by_commit_with_its_version_and_source():
    text = CI_DOC.read_text()
    rows = re.findall(r"^\| (\S+)(?: \(upload-sarif\))? \| (v[\d.]+) \| `([0-9a-f]{40})` \| "
                      r"https://github\.com/\1/releases/tag/\2 \|", text, re.M)
    table = {sha: (repo, version) for repo, version, sha in rows}
    assert len(table) == 6
    uses = [line.strip() for w in workflows() for line in w.splitlines() if line.strip().startswith(("uses:", "- uses:"))]
    assert uses
    for line in uses:
        m = re.fullmatch(r"(?:- )?uses: ([\w.-]+/[\w.-]+)(/[\w./-]+)?@([0-9a-f]{40}) # (v[\d.]+)\b.*", line)
        assert m, f"not pinned by full commit SHA with a version comment: {line}"
        repo, _, sha, version = m.groups()
        if f"{repo}@{sha}" == PLACEHOLDER:
            continue
        assert table.get(sha) == (repo, version), f"{line}: commit not in the table of sources"
    assert "uses:" not in ACTION.read_text()  # the composite action itself runs no other action


def test_the_placeholder_is_the_only_unpinned_reference_and_names_this_version():
    from agentlint import __version__

    placeholders = [line for w in workflows() for line in w.splitlines() if PLACEHOLDER in line]
    assert placeholders and all(line.strip().endswith(f"# v{__version__}: replace with the release's commit")
                                for line in placeholders)
    # Nowhere else: not in the action, not in the README, and no other spelling (a tag, a branch) of this action.
    everywhere = ACTION.read_text() + (ROOT / "README.md").read_text() + CI_DOC.read_text()
    assert everywhere.count("0" * 40) == len(placeholders)
    assert re.findall(r"agentlint/agentlint@(\S+)", everywhere) == ["0" * 40] * len(placeholders)
    assert "scripts/pin_action.py" in CI_DOC.read_text()  # the docs say how it is pinned at release


def test_pin_action_rewrites_the_placeholder_at_release(tmp_path, capsys):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import pin_action
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    from agentlint import __version__

    copy = tmp_path / "ci.md"
    copy.write_text(CI_DOC.read_text())
    assert pin_action.main(["--check", "--files", str(copy)]) == 1
    with pytest.raises(SystemExit):
        pin_action.main(["v0.2.0", "--files", str(copy)])  # a tag is not a commit
    with pytest.raises(SystemExit):
        pin_action.main(["0" * 40, "--files", str(copy)])
    commit = "1234567890abcdef1234567890abcdef12345678"
    assert pin_action.main([commit, "--files", str(copy)]) == 0
    assert pin_action.main(["--check", "--files", str(copy)]) == 0
    pinned = copy.read_text()
    assert PLACEHOLDER not in pinned and pinned.count(f"agentlint/agentlint@{commit} # v{__version__}\n") == 2
    assert pinned.replace(f"agentlint/agentlint@{commit} # v{__version__}",
                          f"{PLACEHOLDER} # v{__version__}: replace with the release's commit") == CI_DOC.read_text()
    with pytest.raises(ValueError):
        pin_action.pin(CI_DOC.read_text(), commit, "v9.9.9")


# The action's steps, run here as GitHub runs them --------------------------------------------------------------

def _action() -> dict:
    return yaml.safe_load(ACTION.read_text())


class ActionRunner:
    """Runs action.yml's `run:` scripts with bash as the runner starts it (`bash --noprofile --norc -eo pipefail`),
    their `env:` expressions resolved from the inputs given, the step outputs written to GITHUB_OUTPUT and the
    GitHub context of a pull request. Only `gh` (GitHub's API) is replaced, by a script that records its calls."""

    def __init__(self, tmp: Path, venv: Path, workdir: Path):
        self.tmp = tmp
        self.workdir = workdir
        self.temp = venv.parent  # RUNNER_TEMP: the install step made RUNNER_TEMP/agentlint-venv
        self.bin = tmp / "bin"
        self.bin.mkdir(exist_ok=True)
        gh = self.bin / "gh"
        gh.write_text('#!/usr/bin/env bash\necho "$*" >> "$GH_LOG"\n'
                      'case "$*" in\n'
                      '  *--paginate*) cat "$GH_STATE" 2>/dev/null || true ;;\n'
                      '  *"--method POST"*) echo 101 > "$GH_STATE"; f="${@: -1}"; cp "${f#body=@}" "$GH_BODY" ;;\n'
                      '  *"--method PATCH"*) f="${@: -1}"; cp "${f#body=@}" "$GH_BODY" ;;\n'
                      'esac\n')
        gh.chmod(0o755)
        event = tmp / "event.json"
        event.write_text(json.dumps({"pull_request": {"number": 7, "head": {"repo": {"full_name": "org/infra"}}}}))
        self.env = {**os.environ, "RUNNER_TEMP": str(self.temp), "GITHUB_ACTION_PATH": str(ROOT),
                    "GITHUB_EVENT_PATH": str(event), "GITHUB_REPOSITORY": "org/infra", "GITHUB_BASE_REF": "main",
                    "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}", "GH_LOG": str(tmp / "gh.log"),
                    "GH_STATE": str(tmp / "gh.state"), "GH_BODY": str(tmp / "gh.body")}

    def run(self, inputs: dict, event_name: str = "pull_request", skip_install: bool = True) -> dict:
        action = _action()
        values = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
        values.update(inputs)
        outputs: dict[str, dict] = {}
        result = {"steps": {}}
        for step in action["runs"]["steps"]:
            if skip_install and step["name"] == "Install agentlint":
                continue
            if "if" in step and not self._condition(step["if"], values, event_name):
                continue
            output_file = self.tmp / f"output-{step.get('id', 'x')}"
            output_file.write_text("")
            env = {**self.env, "GITHUB_OUTPUT": str(output_file)}
            if event_name != "pull_request":
                env["GITHUB_BASE_REF"] = ""  # set only for pull requests
            for key, expr in (step.get("env") or {}).items():
                env[key] = self._resolve(str(expr), values, outputs)
            out = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                 capture_output=True, text=True, env=env, cwd=self.workdir, timeout=600)
            result["steps"][step["name"]] = out
            if "id" in step:
                outputs[step["id"]] = dict(line.split("=", 1) for line in output_file.read_text().splitlines())
        result["outputs"] = outputs
        return result

    @staticmethod
    def _condition(expr: str, values: dict, event_name: str) -> bool:
        # the one condition action.yml uses: ${{ inputs.comment == 'true' && github.event_name == 'pull_request' }}
        assert expr == "${{ inputs.comment == 'true' && github.event_name == 'pull_request' }}", expr
        return values["comment"] == "true" and event_name == "pull_request"

    @staticmethod
    def _resolve(expr: str, values: dict, outputs: dict) -> str:
        def one(m):
            name = m.group(1)
            if name.startswith("inputs."):
                return values[name[7:]]
            if name.startswith("steps."):
                _, step, _, key = name.split(".")
                return outputs.get(step, {}).get(key, "")
            assert name == "github.token", name
            return "token-for-tests"

        return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", one, expr)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The action's install step, once: a virtual environment with agentlint installed from the action's folder."""
    temp = tmp_path_factory.mktemp("runner-temp")
    step = next(s for s in _action()["runs"]["steps"] if s["name"] == "Install agentlint")
    env = {**os.environ, "RUNNER_TEMP": str(temp), "GITHUB_ACTION_PATH": str(ROOT), "AL_PYTHON": sys.executable}
    with checkout_build_lock():  # pip builds the checkout in place, as tests/test_packaging.py does
        out = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                             capture_output=True, text=True, env=env, timeout=1800)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "(distribution agentlint-iac)" in out.stdout
    return temp / "agentlint-venv"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.mark.slow
@pytest.mark.xdist_group("action")  # with the next test on one pytest-xdist worker: one install step for both
def test_action_steps_on_the_example_code(installed, tmp_path):
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    (repo / "infra" / "README.md").write_text("infrastructure\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")  # what fetch-depth: 0 gives the runner
    shutil.copytree(ROOT / "fixtures" / "examples" / "bedrock-agent", repo / "infra", dirs_exist_ok=True)
    runner = ActionRunner(tmp_path, installed, repo)

    result = runner.run({"paths": "infra", "fail-on": "high"})
    scan = result["steps"]["Scan"]
    assert scan.returncode == 0, scan.stderr
    assert result["outputs"]["scan"]["exit-code"] == "1"
    assert "agentlint exited 1" in scan.stdout
    annotations = [line for line in scan.stdout.splitlines() if line.startswith("::")]
    assert [a.split(" ", 1)[0] for a in annotations] == ["::error", "::error", "::error", "::warning"]
    sarif = json.loads((repo / "agentlint.sarif").read_text())
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == ["AL101", "AL201", "AL401", "AL501"]
    # the comment: created once, then updated in place (found by its marker)
    assert result["steps"]["Pull-request comment"].stdout.strip() == "Created the agentlint comment"
    body = (tmp_path / "gh.body").read_text()
    assert "<!-- agentlint-report -->" in body and "AL201" in body
    second = runner.run({"paths": "infra", "fail-on": "high"})
    assert second["steps"]["Pull-request comment"].stdout.strip() == "Updated comment 101"
    calls = (tmp_path / "gh.log").read_text().splitlines()
    assert [c.split(" ")[:4] for c in calls] == [
        ["api", "--paginate", "repos/org/infra/issues/7/comments", "--jq"],
        ["api", "--method", "POST", "repos/org/infra/issues/7/comments"],
        ["api", "--paginate", "repos/org/infra/issues/7/comments", "--jq"],
        ["api", "--method", "PATCH", "repos/org/infra/issues/comments/101"]]
    assert second["steps"]["Gate"].returncode == 1  # the job fails after the reports are out

    # the default diff base (origin/main from GITHUB_BASE_REF) hides what the base already had
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "agent")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    role = repo / "infra" / "modules" / "agent_role" / "main.tf"
    role.write_text(role.read_text().replace("43200", "36000"))
    third = runner.run({"paths": "infra", "fail-on": "high", "comment": "false"})
    assert "Pull-request comment" not in third["steps"]
    third_sarif = json.loads((repo / "agentlint.sarif").read_text())
    # the role's block changed: its own finding and the one whose path runs through it; not the tool's two
    assert sorted(r["ruleId"] for r in third_sarif["runs"][0]["results"]) == ["AL201", "AL501"]
    assert third["outputs"]["scan"]["exit-code"] == "1" and third["steps"]["Gate"].returncode == 1
    role.write_text(role.read_text().replace("36000", "43200"))
    fourth = runner.run({"paths": "infra", "fail-on": "high", "comment": "false"})
    assert json.loads((repo / "agentlint.sarif").read_text())["runs"][0]["results"] == []
    assert fourth["outputs"]["scan"]["exit-code"] == "0" and fourth["steps"]["Gate"].returncode == 0


@pytest.mark.slow
@pytest.mark.xdist_group("action")
def test_action_steps_on_a_plan_and_a_fork(installed, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(ROOT / "fixtures" / "plans" / "located", work / "infra")
    runner = ActionRunner(tmp_path, installed, work)
    (tmp_path / "event.json").write_text(json.dumps(
        {"pull_request": {"number": 8, "head": {"repo": {"full_name": "someone/fork"}}}}))
    result = runner.run({"plan": "infra/tfplan.json", "sarif-file": "plan.sarif"})
    assert result["outputs"]["scan"]["exit-code"] == "1"
    [res] = json.loads((work / "plan.sarif").read_text())["runs"][0]["results"]
    assert res["ruleId"] == "AL201"
    assert res["locations"][0]["physicalLocation"]["region"]["startLine"] == 22  # located in infra/main.tf
    comment = result["steps"]["Pull-request comment"]
    assert comment.returncode == 0 and "read-only token: no comment" in comment.stdout
    assert not (tmp_path / "gh.log").exists()
    # outside a pull request there is no diff base and no comment
    result = runner.run({"paths": "infra", "sarif-file": "code.sarif"}, event_name="push")
    assert list(result["steps"]) == ["Scan", "Gate"]
