"""agentlint's rules as Checkov checks: `checkov -d . --external-checks-dir "$(agentlint checkov-checks)"`.

This file runs inside Checkov's process and environment, which must not hold agentlint: Checkov pins bc-python-hcl2,
which installs the same `hcl2` module as agentlint's python-hcl2. So nothing here imports agentlint. The checks are
made from `rules.manifest` (JSON) beside this file; the first resource Checkov asks about makes them run the `agentlint`
executable (`$AGENTLINT_BIN`, else `agentlint` on PATH) once, on the folders (`-d`) and files (`-f`) Checkov scans,
and every check answers from that one JSON report: FAILED when agentlint has a finding of that rule on that resource,
PASSED when it has none, UNKNOWN when agentlint could not be run (said once, on stderr).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from typing import Any, Optional

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

_HERE = os.path.dirname(os.path.abspath(__file__))
# agentlint's distribution name (agentlint/__init__.py DISTRIBUTION; not imported, see above). `agentlint` on PyPI is
# another project whose command is also `agentlint`: `agentlint --version` tells the two apart.
DISTRIBUTION = "agentlint-iac"
_INDEX = re.compile(r"\[[^\]]*\]")
_state: dict[str, Any] = {"report": None, "failed": False}


def _targets(argv: list[str]) -> list[str]:
    targets = []
    for i, arg in enumerate(argv):
        for flag in ("-d", "--directory", "-f", "--file"):
            if arg == flag and i + 1 < len(argv):
                targets.append(argv[i + 1])
            elif arg.startswith(flag + "="):
                targets.append(arg.split("=", 1)[1])
    return targets


def _say_once(message: str) -> None:
    if not _state["failed"]:
        sys.stderr.write(f"agentlint checks: {message}; their results are UNKNOWN\n")
    _state["failed"] = True


def _report() -> Optional[dict]:
    if _state["report"] is not None or _state["failed"]:
        return _state["report"]
    exe = os.environ.get("AGENTLINT_BIN") or shutil.which("agentlint")
    targets = _targets(sys.argv[1:])
    if not exe or not os.path.exists(exe):
        _say_once("the agentlint executable was not found (install it in its own environment, e.g. "
                  f"`pipx install {DISTRIBUTION}`, or set AGENTLINT_BIN)")
        return None
    problem = _not_this_tool(exe)
    if problem:
        _say_once(problem)
        return None
    if not targets:
        _say_once("could not tell which folder or file Checkov scans (-d/-f)")
        return None
    try:
        out = subprocess.run([exe, "scan", *targets, "--format", "json", "--fail-on", "info"], capture_output=True,
                             text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _say_once(f"agentlint could not be run ({exc.__class__.__name__})")
        return None
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError:
        detail = (out.stderr.strip().splitlines() or ["no output"])[-1]
        _say_once(f"agentlint failed (exit {out.returncode}): {detail}")
        return None
    _state["report"] = report
    return report


def _not_this_tool(exe: str) -> Optional[str]:
    """Why `exe` is not agentlint-iac's command (None when it is): the other `agentlint` on PyPI installs a command
    of the same name, and its `scan` would fail every check with "No such command"."""
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{exe} could not be run ({exc.__class__.__name__})"
    if out.returncode == 0 and DISTRIBUTION not in out.stdout:  # a failing one is reported when the scan fails
        said = (out.stdout.strip().splitlines() or ["no version"])[0][:120]
        return (f"{exe} is not {DISTRIBUTION}'s agentlint (it says {said!r}): the `agentlint` package on PyPI is "
                f"another tool; `pipx install {DISTRIBUTION}` or set AGENTLINT_BIN")
    return None


def _same_file(finding_path: str, entity_file: str) -> bool:
    a = os.path.normpath(finding_path).replace(os.sep, "/")
    b = os.path.normpath(entity_file.lstrip("/")).replace(os.sep, "/")
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


# Where a finding on a data source is checked: Checkov checks resources only, and agentlint reports a finding on a
# policy statement at the statement, often a `data "aws_iam_policy_document"` block. Its check is the resource that
# wires the document in: the attachment, else the policy, else the identity (where agentlint reported it up to 0.2.0).
_CARRIERS = ("attachment", "policy", "identity")


def _is_data(address: str) -> bool:
    return address.startswith("data.") or ".data." in address


def _checked_at(f: dict) -> tuple[str, str]:
    """(address, file) of the resource whose check reports finding `f`."""
    address, path = str(f.get("address", "")), str(f.get("path", ""))
    if not _is_data(address):
        return address, path
    steps = {s.get("role"): s for s in f.get("trace") or [] if isinstance(s, dict) and s.get("path")
             and not _is_data(str(s.get("address", ""))) and ".inline_policy" not in str(s.get("address", ""))}
    for role in _CARRIERS:
        if role in steps:
            return str(steps[role]["address"]), str(steps[role]["path"])
    return address, path


class AgentlintCheck(BaseResourceCheck):
    rule_id = ""

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        report = _report()
        if report is None:
            return CheckResult.UNKNOWN
        address = _INDEX.sub("", str(conf.get("__address__", "")))
        entity_file = (getattr(self, "entity_path", "") or "").split(":", 1)[0]
        # A file agentlint could not read (or read only in part) is not vouched for: UNKNOWN, never PASSED.
        if any(_same_file(e.get("path", ""), entity_file) for e in report.get("errors", []) if isinstance(e, dict)):
            return CheckResult.UNKNOWN
        hits = [f for f in report.get("findings", []) if f.get("rule_id") == self.rule_id
                and _INDEX.sub("", _checked_at(f)[0]) == address and _same_file(_checked_at(f)[1], entity_file)]
        self.details = [f["message"] for f in hits]
        return CheckResult.FAILED if hits else CheckResult.PASSED


def _register() -> list[AgentlintCheck]:
    with open(os.path.join(_HERE, "rules.manifest"), encoding="utf-8") as fh:
        rules = json.load(fh)
    checks = []
    for rule in rules:
        cls = type(f"Agentlint{rule['id']}", (AgentlintCheck,), {"rule_id": rule["id"]})
        checks.append(cls(name=f"{rule['id']} {rule['name']}: {rule['title']}", id=f"CKV_AGENTLINT_{rule['id']}",
                          categories=[CheckCategories.IAM], supported_resources=["*"]))
    return checks


checks = _register()
