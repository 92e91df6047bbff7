"""The distribution `agentlint-iac`: its metadata, an sdist that carries its tests and their fixtures, a wheel that
installs by file into a fresh virtual environment and scans the shipped example, every imported module declared,
and the install commands of the README and docs/ci.md run as written. The package is not published yet: the
wheel is installed by file, and docs/ci.md's `pip install agentlint-iac` finds it through PIP_FIND_LINKS."""

from __future__ import annotations

import ast
import email
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from helpers import built_once, checkout_build_lock

try:  # Python 3.11+
    import tomllib
except ImportError:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_every_imported_third_party_module_is_declared():
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    imported: set[str] = set()
    for folder in ("agentlint", "rules"):
        for path in (ROOT / folder).rglob("*.py"):
            if "integrations/checkov" in path.as_posix():
                continue  # runs inside Checkov's own environment, never agentlint's
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    imported |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imported.add(node.module.split(".")[0])
    third_party = sorted(m for m in imported if m not in sys.stdlib_module_names and m != "agentlint")
    owners = packages_distributions()
    missing = {m: owners.get(m) for m in third_party
               if not ({_name(d) for d in owners.get(m, [])} & declared) and m != "tomli"}
    assert third_party == ["click", "hcl2", "lark", "orjson", "pathspec", "pydantic", "tomli", "yaml"]
    assert missing == {}
    assert "tomli>=2.0,<3; python_version < '3.11'" in PYPROJECT["project"]["dependencies"]


def test_project_metadata():
    project = PYPROJECT["project"]
    assert project["name"] == "agentlint-iac" and project["scripts"] == {"agentlint": "agentlint.cli:main"}
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]
    assert "Apache License" in (ROOT / "LICENSE").read_text()[:200]
    assert "setuptools>=77" in PYPROJECT["build-system"]["requires"][0]  # 77: SPDX license strings
    classifiers = set(project["classifiers"])
    assert {f"Programming Language :: Python :: 3.{v}" for v in (10, 11, 12, 13)} <= classifiers
    assert {"Operating System :: POSIX :: Linux", "Operating System :: MacOS", "Topic :: Security",
            "Environment :: Console"} <= classifiers
    assert not any(c.startswith("License ::") for c in classifiers)  # superseded by the SPDX expression
    assert set(project["urls"]) >= {"Homepage", "Source", "Issues"} and project["keywords"]


def _build(out: Path) -> None:
    with checkout_build_lock():
        run = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], capture_output=True,
                             text=True, timeout=1800)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


@pytest.fixture(scope="session")
def dists(tmp_path_factory) -> dict[str, Path]:
    """`python -m build`: the sdist, then the wheel built from that sdist (so the sdist is complete enough to
    build). Built once per run however pytest-xdist spreads these tests: two builds at once would also write the
    same agentlint_iac.egg-info in the checkout."""
    out = built_once(tmp_path_factory, "dist", _build)
    return {"sdist": next(out.glob("agentlint_iac-*.tar.gz")), "wheel": next(out.glob("agentlint_iac-*.whl")),
            "dir": out}


@pytest.mark.slow
def test_sdist_carries_the_tests_and_their_fixtures(dists):
    with tarfile.open(dists["sdist"]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
        pkg_info = email.message_from_bytes(tar.extractfile(f"{tar.getnames()[0].split('/')[0]}/PKG-INFO").read())
    tracked = subprocess.run(["git", "ls-files", "fixtures", "tests", "docs", "benchmarks", "scripts"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    assert tracked and [t for t in tracked if t not in names] == []
    assert {"LICENSE", "README.md", "action.yml", "pyproject.toml", "MANIFEST.in",
            "fixtures/resolution/registry-installed/.terraform/modules/modules.json"} <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert pkg_info["Name"] == "agentlint-iac" and pkg_info["License-Expression"] == "Apache-2.0"
    assert pkg_info.get_all("License-File") == ["LICENSE"]


@pytest.mark.slow
def test_wheel_installs_by_file_into_a_fresh_virtualenv(dists, tmp_path):
    with zipfile.ZipFile(dists["wheel"]) as whl:
        files = whl.namelist()
        meta = email.message_from_bytes(whl.read(next(f for f in files if f.endswith(".dist-info/METADATA"))))
    assert any(f.endswith(".dist-info/licenses/LICENSE") for f in files)
    assert "agentlint/integrations/checkov/rules.manifest" in files and "agentlint/rules/__init__.py" in files
    assert meta["Name"] == "agentlint-iac" and meta["License-Expression"] == "Apache-2.0"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(dists["wheel"])], capture_output=True,
                         text=True, timeout=1800)
    assert pip.returncode == 0, pip.stderr[-3000:]
    assert subprocess.run([str(venv / "bin" / "pip"), "check"], capture_output=True, text=True).returncode == 0
    exe = str(venv / "bin" / "agentlint")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True)
    assert version.stdout == "agentlint, version 0.2.0 (distribution agentlint-iac)\n"
    env = {**os.environ, "AGENTLINT_CACHE_DIR": str(tmp_path / "cache")}
    scan = subprocess.run([exe, "scan", "fixtures/examples/bedrock-agent", "--format", "json"], capture_output=True,
                          text=True, cwd=ROOT, env=env)
    assert scan.returncode == 1
    assert sorted(f["rule_id"] for f in json.loads(scan.stdout)["findings"]) == ["AL101", "AL201", "AL401", "AL501"]


def _first_sh_block(text: str) -> str:
    return re.search(r"```sh\n(.*?)```", text, re.S).group(1).strip()


@pytest.mark.slow
def test_readme_first_command_in_the_unpacked_sdist(dists, tmp_path):
    """A fresh virtualenv, `pip install .` and the README's first command, from the sdist a user downloads."""
    with tarfile.open(dists["sdist"]) as tar:
        tar.extractall(tmp_path, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(tmp_path)
    folder = next(tmp_path.glob("agentlint_iac-*"))
    command = _first_sh_block((folder / "README.md").read_text())
    assert command.startswith("python3 -m venv .venv") and "pip install ." in command
    out = subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, text=True, timeout=1800,
                         env={**os.environ, "AGENTLINT_CACHE_DIR": str(tmp_path / "cache"), "VIRTUAL_ENV": ""})
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "4 findings (1 critical, 2 high, 1 medium)" in out.stdout


def _gitlab_job() -> dict:
    text = (ROOT / "docs" / "ci.md").read_text()
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        doc = yaml.safe_load(block)
        if isinstance(doc, dict) and "agentlint" in doc and "script" in doc["agentlint"]:
            return doc["agentlint"]
    raise AssertionError("no GitLab job in docs/ci.md")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True)


@pytest.mark.slow
def test_gitlab_job_commands(dists, tmp_path):
    """docs/ci.md's GitLab job, line by line as its runner would (`set -e`), in a merge request's checkout."""
    origin = tmp_path / "origin.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    repo = tmp_path / "project"
    _git(tmp_path, "clone", "-q", str(origin), str(repo))
    (repo / "infra").mkdir()
    (repo / "infra" / "README.md").write_text("infrastructure\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    _git(repo, "push", "-q", "origin", "HEAD:main")
    _git(repo, "checkout", "-q", "-b", "feature")
    import shutil

    shutil.copytree(ROOT / "fixtures" / "examples" / "bedrock-agent", repo / "infra", dirs_exist_ok=True)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "an agent")
    job = _gitlab_job()
    assert job["artifacts"]["reports"] == {"codequality": "gl-code-quality.json", "junit": "agentlint-junit.xml"}
    script = "set -e\n" + "\n".join(job["script"])
    env = {**os.environ, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "PIP_FIND_LINKS": str(dists["dir"]),
           "AGENTLINT_CACHE_DIR": str(tmp_path / "cache"), "VIRTUAL_ENV": ""}
    out = subprocess.run(["bash", "-c", script], cwd=repo, capture_output=True, text=True, env=env, timeout=1800)
    assert out.returncode == 1, out.stdout[-2000:] + out.stderr[-2000:]  # findings fail the job: the gate
    issues = json.loads((repo / "gl-code-quality.json").read_text())
    assert sorted((i["check_name"], i["location"]["path"]) for i in issues) == [
        ("agentlint/AL101", "infra/main.tf"), ("agentlint/AL201", "infra/modules/agent_role/main.tf"),
        ("agentlint/AL401", "infra/main.tf"), ("agentlint/AL501", "infra/modules/agent_role/main.tf")]
    assert (repo / "agentlint-junit.xml").read_text().count("<failure ") == 4
