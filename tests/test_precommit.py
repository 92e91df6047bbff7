"""The pre-commit hook, run by the real pre-commit framework (`pre-commit try-repo`).

try-repo clones this repository, installs agentlint into pre-commit's own virtualenv (from PyPI for the
dependencies) and runs the hook on the files given; the test asserts the framework's verdict on a risky module and
a clean one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}


@pytest.mark.slow
def test_pre_commit_hook_fails_on_risky_module_and_passes_on_clean(tmp_path):
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    if not os.path.exists(pre_commit):
        pytest.fail("pre-commit is a test dependency: pip install '.[test]'")
    if not (ROOT / ".git").exists():
        pytest.skip("try-repo needs this repository to be a git checkout")
    project = tmp_path / "project"
    shutil.copytree(ROOT / "fixtures" / "AL201" / "bad" / "managed-attachment", project / "risky")
    shutil.copytree(ROOT / "fixtures" / "AL201" / "good" / "scoped-agent", project / "clean")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    subprocess.run(["git", "init", "-q"], cwd=project, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=project, check=True, env=env)

    def hook(*files):
        return subprocess.run([pre_commit, "try-repo", str(ROOT), "agentlint", "--verbose", "--files", *files],
                              cwd=project, capture_output=True, text=True, env=env, timeout=900)

    risky = hook("risky/main.tf")
    assert risky.returncode == 1, risky.stdout + risky.stderr
    assert "AL201 admin-access" in risky.stdout and "Failed" in risky.stdout
    clean = hook("clean/main.tf")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout
