"""agentlint's checks inside the real Checkov, installed from PyPI into its own virtualenv (the two cannot share
one: both install a module named `hcl2`), cached per Checkov version under the user cache folder (helpers.checkov_venv).
Set CHECKOV_BIN to reuse an existing Checkov install."""

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
from helpers import checkov_venv

CHECKOV_VERSION = "3.3.30"
PREFIX = "CKV_AGENTLINT_"
# Under pytest-xdist, these tests go to one worker: on a fresh machine that worker builds the virtualenv
# (helpers.checkov_venv, under a file lock that tests/test_doc_commands.py's Checkov block also waits on) while the
# others run the rest.
pytestmark = pytest.mark.xdist_group("checkov")


@pytest.fixture(scope="session")
def checkov() -> str:
    if os.environ.get("CHECKOV_BIN"):
        return os.environ["CHECKOV_BIN"]
    return checkov_venv(CHECKOV_VERSION)


def _agentlint_bin() -> str:
    exe = Path(sys.executable).with_name("agentlint")
    assert exe.exists(), "the agentlint command must be installed next to this interpreter"
    return str(exe)


def _checks_dir() -> str:
    return subprocess.run([_agentlint_bin(), "checkov-checks"], capture_output=True, text=True, check=True).stdout.strip()


def run_checkov(checkov: str, target: list[str], plugin: bool, extra: list[str] = (), agentlint: str = None,
                cwd: Path = ROOT) -> tuple[dict, str]:
    env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "AGENTLINT_BIN": agentlint or _agentlint_bin()}
    cmd = [checkov, *target, "--skip-download", "-o", "json", *extra]
    if plugin:
        cmd += ["--external-checks-dir", _checks_dir()]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=900)
    assert out.returncode in (0, 1), out.stderr[-2000:]
    doc = json.loads(out.stdout)
    return (doc[0] if isinstance(doc, list) else doc), out.stderr


def results(doc: dict, kinds=("failed_checks", "passed_checks", "skipped_checks")) -> list[tuple]:
    return sorted((kind, c["check_id"], c["resource"], c["file_path"])
                  for kind in kinds for c in doc["results"].get(kind, []))


def _is_data(address: str) -> bool:
    return address.startswith("data.") or ".data." in address


def _checked_at(f: dict) -> tuple[str, str]:
    """The resource (address, file) a finding is checked on: its own, or for a finding on a data source the
    attachment, else the policy, else the identity on its path (Checkov checks resources only)."""
    if not _is_data(f["address"]):
        return f["address"], f["path"]
    steps = {s["role"]: s for s in f["trace"] if s["path"] and not _is_data(s["address"])
             and ".inline_policy" not in s["address"]}
    step = next((steps[r] for r in ("attachment", "policy", "identity") if r in steps), None)
    return (step["address"], step["path"]) if step else (f["address"], f["path"])


def _strip(address: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", address)


@pytest.mark.slow
def test_every_finding_is_a_failed_check_and_checkov_is_unchanged(checkov):
    with_plugin, _ = run_checkov(checkov, ["-d", "fixtures", "--framework", "terraform"], plugin=True)
    without, _ = run_checkov(checkov, ["-d", "fixtures", "--framework", "terraform"], plugin=False)
    ours = {(c[1][len(PREFIX):], _strip(c[2]), c[3].lstrip("/")) for c in results(with_plugin, ("failed_checks",))
            if c[1].startswith(PREFIX)}
    report = json.loads(subprocess.run([_agentlint_bin(), "scan", "fixtures", "--format", "json"],
                                       capture_output=True, text=True, cwd=ROOT).stdout)
    # Checkov does not read modules installed under .terraform/ (hidden folders) and drops a configuration whose
    # module calls form a cycle: agentlint's findings there have no Checkov resource to attach to.
    # A finding on a data source (a policy document's statement) is checked on the resource that wires it in.
    checked = [(f["rule_id"], *_checked_at(f)) for f in report["findings"]]
    expected = {(rule, _strip(address), os.path.relpath(path, "fixtures")) for rule, address, path in checked
                if path.endswith(".tf") and address != path and not _is_data(address)
                and "/.terraform/" not in path and "resolution/module-cycle/" not in path}
    assert expected and ours == expected
    # Checkov's own checks give the same results with and without agentlint's.
    assert [r for r in results(with_plugin) if not r[1].startswith(PREFIX)] == results(without)


@pytest.mark.slow
def test_plan_file(checkov):
    doc, _ = run_checkov(checkov, ["-f", "fixtures/AL201/plan/admin-agent.tfplan.json", "--framework",
                                   "terraform_plan"], plugin=True)
    assert [r[1:] for r in results(doc, ("failed_checks",)) if r[1].startswith(PREFIX)] == [
        ("CKV_AGENTLINT_AL201", "module.agent_role.aws_iam_role_policy_attachment.admin", "/admin-agent.tfplan.json")]


@pytest.mark.slow
def test_checkov_skips_apply(checkov, tmp_path):
    work = tmp_path / "case"
    shutil.copytree(FIXTURES / "AL201" / "bad" / "managed-attachment", work)
    args = ["-d", str(work), "--framework", "terraform"]
    doc, _ = run_checkov(checkov, args + ["--skip-check", "CKV_AGENTLINT_AL201"], plugin=True)
    assert not [r for r in results(doc) if r[1] == "CKV_AGENTLINT_AL201"]
    main = work / "main.tf"
    main.write_text(main.read_text().replace(
        'resource "aws_iam_role_policy_attachment" "admin" {',
        'resource "aws_iam_role_policy_attachment" "admin" {\n  #checkov:skip=CKV_AGENTLINT_AL201:break-glass role'))
    doc, _ = run_checkov(checkov, args, plugin=True)
    assert [r[:3] for r in results(doc) if r[1] == "CKV_AGENTLINT_AL201" and "admin" in r[2]] == [
        ("skipped_checks", "CKV_AGENTLINT_AL201", "aws_iam_role_policy_attachment.admin")]


@pytest.mark.slow
def test_missing_agentlint_is_unknown_and_said_once(checkov):
    doc, err = run_checkov(checkov, ["-d", "fixtures/examples/bedrock-agent", "--framework", "terraform"],
                           plugin=True, agentlint="/nonexistent/agentlint")
    assert not [r for r in results(doc) if r[1].startswith(PREFIX)]
    assert err.count("agentlint checks: the agentlint executable was not found") == 1


@pytest.mark.slow
def test_failing_agentlint_is_unknown_and_said_once(checkov, tmp_path):
    broken = tmp_path / "agentlint"
    broken.write_text("#!/bin/sh\necho 'Traceback: boom' >&2\nexit 3\n")
    broken.chmod(0o755)
    doc, err = run_checkov(checkov, ["-d", "fixtures/examples/bedrock-agent", "--framework", "terraform"],
                           plugin=True, agentlint=str(broken))
    assert not [r for r in results(doc) if r[1].startswith(PREFIX)]
    assert err.count("agentlint checks: agentlint failed (exit 3): Traceback: boom") == 1


@pytest.mark.slow
def test_another_tool_named_agentlint_is_refused_and_said_once(checkov, tmp_path):
    """`agentlint` on PyPI is another project with a command of the same name: its `--version` does not name
    agentlint-iac, so the checks are UNKNOWN with that explanation rather than failures of `scan`."""
    other = tmp_path / "agentlint"
    other.write_text('#!/bin/sh\nif [ "$1" = --version ]; then echo "agentlint 2.10.1"; exit 0; fi\n'
                     'echo "Error: No such command \'scan\'." >&2\nexit 2\n')
    other.chmod(0o755)
    doc, err = run_checkov(checkov, ["-d", "fixtures/examples/bedrock-agent", "--framework", "terraform"],
                           plugin=True, agentlint=str(other))
    assert not [r for r in results(doc) if r[1].startswith(PREFIX)]
    assert err.count(f"agentlint checks: {other} is not agentlint-iac's agentlint (it says 'agentlint 2.10.1')") == 1
    assert "pipx install agentlint-iac" in err


@pytest.mark.slow
def test_resources_of_a_file_agentlint_could_not_read_are_unknown(checkov, tmp_path):
    # Guards the README's promise: a file agentlint reported in `errors` is never PASSED by its checks.
    work = tmp_path / "case"
    shutil.copytree(FIXTURES / "AL201" / "bad" / "managed-attachment", work)
    (work / "big.tf").write_text('resource "aws_iam_role" "other" {\n  name = "other"\n  description = "'
                                 + "x" * 2000 + '"\n  assume_role_policy = "{}"\n}\n')
    (tmp_path / ".agentlint.toml").write_text("[limits]\nmax-config-bytes = 1500\n")  # big.tf is over the limit
    doc, _ = run_checkov(checkov, ["-d", str(work), "--framework", "terraform"], plugin=True, cwd=tmp_path)
    ours = [r for r in results(doc) if r[1].startswith(PREFIX)]
    assert ours and not [r for r in ours if r[3].endswith("big.tf")]
    assert ("failed_checks", "CKV_AGENTLINT_AL201", "aws_iam_role_policy_attachment.admin", "/main.tf") in ours
