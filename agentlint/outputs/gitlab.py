"""`--format gitlab`: a GitLab Code Quality report (`artifacts: reports: codequality:`), one issue per finding and
per unreadable file.

GitLab reads a JSON array of issues, each with `description`, `check_name`, `fingerprint`, `severity` (info, minor,
major, critical, blocker) and `location` (`path` relative to the repository root, `lines.begin`). The merge request
widget compares fingerprints between the base and the head pipeline and shows only the first issue of a fingerprint,
so each one is unique: agentlint's own fingerprint (no line numbers: a moved block stays the same issue), salted
when two issues would share it.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Optional

from agentlint.model import Report, Severity

SEVERITY = {Severity.CRITICAL: "blocker", Severity.HIGH: "critical", Severity.MEDIUM: "major", Severity.LOW: "minor",
            Severity.INFO: "info"}


def repo_path(path: str, root: Optional[str] = None) -> str:
    """`path` (as reports print it: relative to the working directory, or absolute) relative to the repository root
    that holds it, with forward slashes: GitLab resolves Code Quality paths against the repository root."""
    from agentlint.loaders.repository import find_repository_root

    absolute = os.path.abspath(path)
    base = root or find_repository_root(absolute)
    rel = os.path.relpath(absolute, base)
    return (path if rel.startswith("..") else rel).replace(os.sep, "/")


def render(report: Report, root: Optional[str] = None) -> str:
    issues: list[dict] = []
    seen: set[str] = set()

    def unique(fingerprint: str) -> str:
        salt = 0
        candidate = fingerprint
        while candidate in seen:
            salt += 1
            candidate = hashlib.sha256(f"{fingerprint}:{salt}".encode()).hexdigest()[:32]
        seen.add(candidate)
        return candidate

    for f in report.findings:
        description = f"{f.rule_id} {f.rule_name}: {f.message}. Fix: {f.fix}"
        if f.trace:
            description += " Path: " + " -> ".join(step.address for step in f.trace)
        issues.append({
            "description": description,
            "check_name": f"agentlint/{f.rule_id}",
            "fingerprint": unique(f.fingerprint),
            "severity": SEVERITY[f.severity],
            "categories": ["Security"],
            "location": {"path": repo_path(f.path, root), "lines": {"begin": f.start_line or 1}},
        })
    for e in report.errors:
        key = hashlib.sha256(f"error\0{repo_path(e.path, root)}\0{e.kind}".encode()).hexdigest()[:32]
        issues.append({
            "description": f"agentlint could not read this file ({e.kind}): {e.message}",
            "check_name": f"agentlint/{e.kind}",
            "fingerprint": unique(key),
            "severity": "major",
            "categories": ["Bug Risk"],
            "location": {"path": repo_path(e.path, root), "lines": {"begin": e.line or 1}},
        })
    return json.dumps(issues, indent=2) + "\n"
