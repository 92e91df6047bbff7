"""Where a file is, said two ways: relative to its repository root for code hosts (SARIF, annotations, the pull-request
comment, which must match the paths of a diff however the scan was invoked), and relative to the working directory
for the person at the terminal.

A finding's `path` stays as the loaders give it (relative to the working directory, or absolute when the input was
named so): it is part of the JSON contract. `repo_path` is added beside it.
"""

from __future__ import annotations

import os
from typing import Optional

from agentlint.model import Report


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def containing_root(path: str, roots: list[str]) -> Optional[str]:
    """The repository root that holds a file (the longest, for nested repositories), or None."""
    full = os.path.abspath(path)
    return next((r for r in sorted(roots, key=len, reverse=True) if _inside(full, r)), None)


def repo_relative(path: str, roots: list[str]) -> Optional[str]:
    """A file's path relative to its repository root, with `/` separators; None when no root holds it."""
    root = containing_root(path, roots)
    if root is None:
        return None
    return os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")


def locate(report: Report, model) -> Report:
    """Give the report its repository roots and root modules, and each finding (reported or suppressed) its
    `repo_path`. `model` is the ScanModel the findings came from."""
    roots = set(model.repo_roots.values()) | ({os.path.abspath(model.scan_root)} if model.scan_root != "." else set())
    roots = sorted(roots)
    report.repo_roots = roots
    report.stack_roots = dict(model.roots)
    for f in report.findings + [s.finding for s in report.suppressed]:
        f.repo_path = repo_relative(f.path, roots) or f.path
    return report


def for_terminal(path: str, roots: list[str], cwd: Optional[str] = None) -> str:
    """A path to show at the terminal: relative to the working directory when the file is under it or in the same
    repository (`../modules/agent/main.tf` from `envs/dev`), else absolute (a `../../../tmp/x` is no help)."""
    cwd = os.path.abspath(cwd or os.getcwd())
    full = os.path.abspath(path)
    cwd_root = containing_root(cwd, roots)
    if _inside(full, cwd) or (cwd_root is not None and _inside(full, cwd_root)):
        return os.path.relpath(full, cwd)
    return full
