from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

from filelock import FileLock

from agentlint.config import Config
from agentlint.engine import scan
from agentlint.model import Report


def run(*paths: str, **config) -> Report:
    return scan(list(paths), Config(**config))


def checkout_build_lock() -> FileLock:
    """Held while a test builds this checkout (`python -m build`, `pip install <checkout>`): setuptools writes
    build/ and agentlint_iac.egg-info inside the checkout, so two builds at once (pytest-xdist workers) would
    overwrite each other's files. One lock per checkout, in the temp folder rather than the tree being built."""
    checkout = str(Path(__file__).resolve().parent.parent)
    name = f"agentlint-tests-build-{hashlib.sha256(checkout.encode()).hexdigest()[:12]}.lock"
    return FileLock(os.path.join(tempfile.gettempdir(), name), timeout=1800)


def user_cache_dir() -> Path:
    """The user's cache folder (XDG_CACHE_HOME, else ~/.cache): where tests keep what is slow to build."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "agentlint-tests"


def checkov_venv(version: str) -> str:
    """Checkov `version` in its own virtualenv, built once per machine and reused while it imports.

    Installing Checkov takes about 80 s; the folder is keyed by version, so a version bump builds a new one. The
    `.complete` marker is written only after pip succeeded: an interrupted build is removed and built again. A
    virtualenv cannot be moved (its scripts name their interpreter by absolute path), so it is built in place.
    The folder is shared by pytest-xdist's workers and by other test runs on the machine: a file lock beside it lets
    one build while the others wait, instead of one removing the folder another is installing into.
    """
    venv = user_cache_dir() / f"checkov-{version}"
    python, exe, marker = venv / "bin" / "python", venv / "bin" / "checkov", venv / ".complete"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{venv}.lock", timeout=1800):
        if marker.exists() and exe.exists() and subprocess.run(
                [str(python), "-c", "import checkov"], capture_output=True, timeout=300).returncode == 0:
            return str(exe)
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"checkov=={version}"], check=True, timeout=1800)
        marker.write_text(version + "\n")
    return str(exe)


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """A folder that `build` fills once per test run, even when pytest-xdist runs the tests needing it on several
    workers (each worker has its own session fixtures; without this each would build it, at the same time).

    Under xdist every worker's base temp folder sits in one folder of this run (`pytest-N/popen-gwK`): the first
    worker to get the lock builds there, the others wait and reuse it. The `.complete` marker is written only after
    `build` returned, so a failed build is retried (and fails) in the next worker rather than half-reused. Without
    xdist the parent folder is shared by every run on the machine, so the folder is the session's own.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent
    folder, marker = shared / name, shared / f"{name}.complete"
    with FileLock(str(shared / f"{name}.lock"), timeout=1800):
        if not marker.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            marker.touch()
    return folder
