from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from agentlint.config import Config
from agentlint.engine import scan
from agentlint.model import Report


def run(*paths: str, **config) -> Report:
    return scan(list(paths), Config(**config))


def user_cache_dir() -> Path:
    """The user's cache folder (XDG_CACHE_HOME, else ~/.cache): where tests keep what is slow to build."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "agentlint-tests"


def checkov_venv(version: str) -> str:
    """Checkov `version` in its own virtualenv, built once per machine and reused while it imports.

    Installing Checkov takes about 80 s; the folder is keyed by version, so a version bump builds a new one. The
    `.complete` marker is written only after pip succeeded: an interrupted build is removed and built again. A
    virtualenv cannot be moved (its scripts name their interpreter by absolute path), so it is built in place.
    """
    venv = user_cache_dir() / f"checkov-{version}"
    python, exe, marker = venv / "bin" / "python", venv / "bin" / "checkov", venv / ".complete"
    if marker.exists() and exe.exists() and subprocess.run(
            [str(python), "-c", "import checkov"], capture_output=True, timeout=300).returncode == 0:
        return str(exe)
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", f"checkov=={version}"], check=True, timeout=1800)
    marker.write_text(version + "\n")
    return str(exe)
