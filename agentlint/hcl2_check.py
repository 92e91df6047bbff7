"""python-hcl2 and Checkov's bc-python-hcl2 fork install the same `hcl2` package: detect the fork before a command
runs, and say how to install agentlint in its own environment."""

from __future__ import annotations

import os
import sys

import click

from agentlint import DISTRIBUTION, INSTALL_HINT


def check_hcl2() -> None:
    """python-hcl2 and Checkov's bc-python-hcl2 fork install the same `hcl2` package; detect the fork early.

    The installed package's files are read, not imported: importing the parser costs a tenth of a second that a
    run served from the parse cache does not need."""
    import importlib.util
    import re

    spec = importlib.util.find_spec("hcl2")
    if spec is None or not spec.submodule_search_locations:
        click.echo("agentlint: python-hcl2 is not installed; reinstall agentlint", err=True)
        sys.exit(2)
    folder = list(spec.submodule_search_locations)[0]
    api = _read_small(os.path.join(folder, "api.py"))
    if "def parses_to_tree" not in api:
        found = re.search(r"__version__\s*[:=][^'\"]*['\"]([^'\"]+)",
                          _read_small(os.path.join(folder, "version.py")) + _read_small(os.path.join(folder, "__init__.py")))
        version = found.group(1) if found else "unknown"
        click.echo(
            f"agentlint: the 'hcl2' module in this environment is bc-python-hcl2 {version} (installed by Checkov), "
            "not python-hcl2 8.x. The two packages share one module name and cannot live in one environment.\n"
            f"Install agentlint in its own environment: `{INSTALL_HINT}` or "
            f"`python -m venv ~/.venvs/agentlint && ~/.venvs/agentlint/bin/pip install {DISTRIBUTION}`.",
            err=True)
        sys.exit(2)


def _read_small(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read(200_000)
    except OSError:
        return ""
