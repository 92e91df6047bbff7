"""What users of other linters expect from the command line: NO_COLOR / FORCE_COLOR, -q, --fail-on none and
case-insensitive values, several reports in one run, configuration found in parent folders, a plan on standard
input, --respect-gitignore, `cache clean`, `baseline --update`, `--format gitlab`, and `--version` naming the
distribution."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from agentlint import DISTRIBUTION, __version__
from agentlint.cli import main
from conftest import ROOT

EXAMPLE = "fixtures/examples/bedrock-agent"
CLEAN = "fixtures/AL201/good/scoped-agent"
LOCATED = ROOT / "fixtures" / "plans" / "located"
ADMIN = ('resource "aws_iam_role" "bot" {\n  name = "bot"\n  assume_role_policy = "{}"\n}\n'
         'resource "aws_iam_role_policy_attachment" "admin" {\n  role       = aws_iam_role.bot.name\n'
         '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n')


def invoke(*args, env=None, input=None):
    result = CliRunner(env=env).invoke(main, list(args), catch_exceptions=False, input=input)
    return result.exit_code, result.output


def agentlint_exe() -> str:
    exe = Path(sys.executable).with_name("agentlint")
    assert exe.exists(), "the agentlint command must be installed next to this interpreter"
    return str(exe)


# --version and the distribution name -----------------------------------------------------------------------------

def test_version_names_the_distribution_everywhere():
    code, out = invoke("--version")
    assert code == 0 and out == f"agentlint, version {__version__} (distribution agentlint-iac)\n"
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^name = "([^"]+)"', pyproject, re.M).group(1) == DISTRIBUTION == "agentlint-iac"
    plugin = (ROOT / "agentlint" / "integrations" / "checkov" / "agentlint_checks.py").read_text()
    assert f'DISTRIBUTION = "{DISTRIBUTION}"' in plugin  # the plugin cannot import agentlint: it repeats the name
    sarif = json.loads(invoke("scan", CLEAN, "--format", "sarif")[1])
    assert sarif["runs"][0]["tool"]["driver"]["informationUri"] == f"https://pypi.org/project/{DISTRIBUTION}/"
    for doc in ("README.md", "docs/ci.md"):
        text = (ROOT / doc).read_text()
        assert not re.search(r"(pipx|pip) install agentlint(?!-iac)\b", text), doc


# colour -----------------------------------------------------------------------------------------------------------

def test_no_color_and_force_color():
    plain = {"NO_COLOR": None, "FORCE_COLOR": None}
    assert "\x1b[" not in invoke("scan", EXAMPLE, env=plain)[1]  # not a terminal
    assert "\x1b[" in invoke("scan", EXAMPLE, env={**plain, "FORCE_COLOR": "1"})[1]
    assert "\x1b[" not in invoke("scan", EXAMPLE, env={"NO_COLOR": "1", "FORCE_COLOR": "1"})[1]  # NO_COLOR wins
    assert "\x1b[" not in invoke("scan", EXAMPLE, env={**plain, "FORCE_COLOR": ""})[1]  # empty: not set
    assert "\x1b[" in invoke("scan", EXAMPLE, "--color", env={"NO_COLOR": "1", "FORCE_COLOR": None})[1]  # flag wins
    # machine formats are never coloured
    assert "\x1b[" not in invoke("scan", EXAMPLE, "--format", "json", env={**plain, "FORCE_COLOR": "1"})[1]


# -q ---------------------------------------------------------------------------------------------------------------

def test_quiet_prints_findings_and_summary_only(snapshot):
    code, out = invoke("scan", EXAMPLE, "-q")
    assert code == 1 and "Agents (" not in out and "AL201 admin-access" in out
    assert out.splitlines()[-1].startswith("4 findings (1 critical, 2 high, 1 medium)")
    assert out == snapshot
    code, out = invoke("scan", CLEAN, "--quiet")
    assert code == 0 and out == "No findings; 1 file, 1 agent (--agents lists them), 0 errors.\n"


def test_quiet_keeps_errors(tmp_path):
    (tmp_path / "bad.tf").write_text("resource {\n")
    code, out = invoke("scan", str(tmp_path), "-q")
    assert code == 2 and "Errors (1)" in out and "parse-error" in out


# --fail-on --------------------------------------------------------------------------------------------------------

def test_fail_on_none_and_case_insensitive(tmp_path):
    assert invoke("scan", EXAMPLE, "--fail-on", "none")[0] == 0
    assert invoke("scan", EXAMPLE, "--fail-on", "NONE")[0] == 0
    assert json.loads(invoke("scan", EXAMPLE, "--fail-on", "none", "--format", "json")[1])["summary"]["fail_on"] \
        == "none"
    assert invoke("scan", "fixtures/AL101/bad/later-statement", "--fail-on", "HIGH")[0] == 0  # one medium finding
    assert invoke("scan", "fixtures/AL101/bad/later-statement", "--fail-on", "Medium")[0] == 1
    assert invoke("scan", EXAMPLE, "--format", "JSON")[0] == 1
    code, out = invoke("scan", EXAMPLE, "--fail-on", "severe")
    assert code == 2 and "'none'" in out
    (tmp_path / "bad.tf").write_text("resource {\n")
    assert invoke("scan", EXAMPLE, str(tmp_path), "--fail-on", "none")[0] == 2  # errors still fail
    (tmp_path / "cfg.toml").write_text('fail-on = "CRITICAL"\n')
    assert invoke("scan", "fixtures/AL101/bad/later-statement", "--config", str(tmp_path / "cfg.toml"))[0] == 0


def test_fail_on_none_in_the_configuration_file(tmp_path):
    """`fail-on = "none"` (any case) in the file works as on the command line: findings never fail the run, the
    summary says `none`, an unreadable input still exits 2, and the command line still wins over the file."""
    cfg = tmp_path / "cfg.toml"
    cfg.write_text('fail-on = "None"\n')
    code, out = invoke("scan", EXAMPLE, "--config", str(cfg), "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["fail_on"] == "none" and json.loads(out)["findings"]
    assert invoke("scan", EXAMPLE, "--config", str(cfg), "--fail-on", "critical")[0] == 1
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "bad.tf").write_text("resource {\n")
    assert invoke("scan", EXAMPLE, str(tmp_path / "bad"), "--config", str(cfg))[0] == 2
    cfg.write_text('fail-on = "never"\n')
    code, out = invoke("scan", EXAMPLE, "--config", str(cfg))
    assert code == 2 and "fail-on" in out
    schema = json.loads(invoke("config", "--schema")[1])["properties"]["fail-on"]
    assert {"const": "none", "type": "string"} in schema["anyOf"]


# --report ---------------------------------------------------------------------------------------------------------

def test_several_reports_in_one_run(tmp_path):
    files = {fmt: tmp_path / f"out.{fmt}" for fmt in ("sarif", "gitlab", "json", "junit", "github", "markdown")}
    args = [a for fmt, path in files.items() for a in ("--report", f"{fmt}={path}")]
    code, out = invoke("scan", EXAMPLE, *args)
    assert code == 1 and "AL201 admin-access" in out  # the terminal still gets the text report
    for fmt, path in files.items():
        assert path.read_text() == invoke("scan", EXAMPLE, "--format", fmt)[1], fmt
    # beside --format / -o, which keep their meaning
    code, out = invoke("scan", EXAMPLE, "--format", "json", "-o", str(tmp_path / "a.json"),
                       "--report", f"SARIF={tmp_path / 'a.sarif'}")
    assert code == 1 and "AL201 admin-access" in out  # -o: the file gets --format, the terminal the text
    assert json.loads((tmp_path / "a.json").read_text())["summary"]["findings"] == 4
    assert json.loads((tmp_path / "a.sarif").read_text())["version"] == "2.1.0"
    code, out = invoke("scan", EXAMPLE, "--format", "github", "--report", f"json={tmp_path / 'b.json'}")
    assert code == 1 and out.startswith("::error ")  # no -o: the terminal gets --format


@pytest.mark.parametrize("bad", ["sarif", "yaml=x.yaml", "json="])
def test_bad_report_option_is_a_usage_error(bad):
    code, out = invoke("scan", EXAMPLE, "--report", bad)
    assert code == 2 and "--report" in out


def test_unwritable_report_is_exit_2(tmp_path):
    code, out = invoke("scan", CLEAN, "--report", f"json={tmp_path / 'missing' / 'x.json'}")
    assert code == 2 and "cannot write" in out


# configuration discovery ------------------------------------------------------------------------------------------

def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "envs" / "prod").mkdir(parents=True)
    (repo / "envs" / "prod" / "main.tf").write_text(ADMIN)
    return repo


def test_config_found_in_the_nearest_parent_up_to_the_repository_root(tmp_path, monkeypatch):
    repo = _repo(tmp_path)
    (tmp_path / ".agentlint.toml").write_text('fail-on = "info"\n')  # above the repository root: never read
    monkeypatch.chdir(repo / "envs" / "prod")
    code, out = invoke("config")
    assert code == 0 and out.startswith("# from (defaults)")
    (repo / "pyproject.toml").write_text('[tool.agentlint]\nignore = ["AL201"]\n')
    code, out = invoke("config")
    assert out.startswith(f"# from {repo / 'pyproject.toml'}")
    out = invoke("scan", ".", "-q")[1]
    assert "AL201" not in out and "AL202" in out  # AL201 ignored by the root's pyproject.toml (the rest still report)
    (repo / "envs" / ".agentlint.toml").write_text('fail-on = "critical"\nvar-files = ["common.tfvars"]\n')
    (repo / "envs" / "common.tfvars").write_text('region = "eu-west-1"\n')
    code, out = invoke("config")
    doc = json.loads(out.split("\n", 1)[1])
    assert out.startswith(f"# from {repo / 'envs' / '.agentlint.toml'}")  # the nearest wins, no merging
    assert doc["fail-on"] == "critical" and doc["ignore"] == []
    assert doc["var-files"] == [os.path.join("..", "common.tfvars")]  # relative to the file's folder
    code, out = invoke("scan", ".", "-q")
    assert code == 0 and "AL201" in out  # reported (not ignored), below fail-on = critical (not an agent: high)
    (repo / "envs" / "prod" / ".agentlint.toml").write_text("bogus = 1\n")
    code, out = invoke("scan", ".")
    assert code == 2 and "unknown key 'bogus'" in out


def test_config_outside_a_repository_is_the_current_folder_only(tmp_path, monkeypatch):
    (tmp_path / ".agentlint.toml").write_text('fail-on = "critical"\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert invoke("config")[1].startswith("# from (defaults)")


# a plan on standard input -----------------------------------------------------------------------------------------

def test_plan_from_standard_input(monkeypatch):
    monkeypatch.chdir(LOCATED)  # the plan's code is in the working directory: findings land on it
    code, out = invoke("scan", "-", "--format", "json", input=(LOCATED / "tfplan.json").read_bytes())
    doc = json.loads(out)
    assert code == 1
    assert [(f["rule_id"], f["path"], f["start_line"], f["plan"]) for f in doc["findings"]] == [
        ("AL201", "main.tf", 22, "<stdin>")]
    code, out = invoke("scan", "-", "--changed-only", "-q", input=(LOCATED / "tfplan.json").read_bytes())
    assert code == 1 and "plan: <stdin>" in out


def test_bad_standard_input_is_an_error_of_that_input():
    code, out = invoke("scan", "-", "--format", "json", input=b"{}")
    assert code == 2 and json.loads(out)["errors"] == [
        {"path": "<stdin>", "line": None, "kind": "not-a-plan",
         "message": "JSON file is not a Terraform/OpenTofu plan (no format_version/planned_values)"}]
    code, out = invoke("scan", "-", "--format", "json", input=b"")
    assert code == 2 and json.loads(out)["errors"][0]["kind"] == "parse-error"


def test_an_endless_stream_is_refused_at_the_limit(tmp_path):
    """`yes | agentlint scan -` must end: the read stops one byte past max-plan-bytes."""
    (tmp_path / ".agentlint.toml").write_text("[limits]\nmax-plan-bytes = 100000\n")
    producer = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
    try:
        out = subprocess.run([agentlint_exe(), "scan", "-", "--format", "json"], stdin=producer.stdout,
                             capture_output=True, text=True, cwd=tmp_path, timeout=120)
    finally:
        producer.kill()
        producer.wait()
    assert out.returncode == 2
    assert json.loads(out.stdout)["errors"] == [
        {"path": "<stdin>", "line": None, "kind": "limit", "message": "input is over the 100,000-byte limit; skipped"}]


def test_standard_input_from_a_terminal_is_refused():
    """`agentlint scan -` typed at a prompt: an error at once, not a wait for a plan nobody pipes."""
    import pty

    master, slave = pty.openpty()
    try:
        out = subprocess.run([agentlint_exe(), "scan", "-", "--format", "json"], stdin=slave, capture_output=True,
                             text=True, timeout=120)
    finally:
        os.close(master)
        os.close(slave)
    assert out.returncode == 2
    assert json.loads(out.stdout)["errors"] == [
        {"path": "<stdin>", "line": None, "kind": "unreadable", "message": "standard input is a terminal; pipe a plan "
         "JSON into it (terraform show -json tfplan | agentlint scan -)"}]


# --respect-gitignore ----------------------------------------------------------------------------------------------

def test_respect_gitignore(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".gitignore").write_text("generated/\n*.local.tf\n")
    (repo / "generated").mkdir()
    (repo / "generated" / "main.tf").write_text(ADMIN)
    (repo / "live").mkdir()
    (repo / "live" / "admin.local.tf").write_text(ADMIN)
    (repo / "kept").mkdir()
    (repo / "kept" / ".gitignore").write_text("*.tf\n!main.tf\n")  # a deeper file overrides, `!` re-includes
    (repo / "kept" / "main.tf").write_text(ADMIN)
    (repo / "kept" / "other.tf").write_text(ADMIN.replace('"bot"', '"bot2"').replace("bot.", "bot2."))

    def found(*args):
        code, out = invoke("scan", str(repo), "--format", "json", *args)
        return code, sorted((os.path.relpath(f["path"], repo), f["rule_id"]) for f in json.loads(out)["findings"])

    everything = [("generated/main.tf", "AL201"), ("kept/main.tf", "AL201"), ("kept/other.tf", "AL201"),
                  ("live/admin.local.tf", "AL201")]
    assert found() == (1, everything)  # off by default
    assert found("--respect-gitignore") == (1, [("kept/main.tf", "AL201")])
    (repo / "kept" / "main.tf").write_text("")
    assert found("--respect-gitignore") == (0, [])
    # a file named on the command line is read, ignored or not
    code, out = invoke("scan", str(repo / "generated" / "main.tf"), "--respect-gitignore", "-q")
    assert code == 1 and "AL201" in out
    (repo / ".agentlint.toml").write_text("respect-gitignore = true\n")
    code, out = invoke("scan", str(repo), "--config", str(repo / ".agentlint.toml"), "-q")
    assert code == 0


# cache clean ------------------------------------------------------------------------------------------------------

def test_cache_clean_removes_only_agentlint_entries(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("AGENTLINT_CACHE_DIR", str(cache))
    assert invoke("scan", EXAMPLE)[0] == 1
    assert any((cache).glob("parse-v*/*/*"))
    (cache / "aws-actions-3-1-2.marshal").write_bytes(b"x")  # the catalogue index (written once per process)
    (cache / "notes.txt").write_text("someone else's file\n")
    code, out = invoke("cache", "clean")
    assert code == 0 and re.fullmatch(rf"agentlint: removed \d+ cache files \([\d,]+ bytes\) from {cache}\n", out)
    assert sorted(p.name for p in cache.iterdir()) == ["notes.txt"]
    assert invoke("cache", "clean")[1] == f"agentlint: removed 0 cache files (0 bytes) from {cache}\n"
    assert invoke("scan", EXAMPLE)[0] == 1  # rebuilt


# baseline --update ------------------------------------------------------------------------------------------------

def test_baseline_update_drops_fixed_entries_only(tmp_path):
    repo = tmp_path / "infra"
    shutil.copytree(EXAMPLE, repo)
    base = tmp_path / "baseline.json"
    assert invoke("baseline", str(repo), "-o", str(base))[0] == 0
    role = repo / "modules" / "agent_role" / "main.tf"
    role.write_text(role.read_text().replace("AdministratorAccess", "ReadOnlyAccess"))  # fixes AL201
    (repo / "extra.tf").write_text(
        'resource "aws_iam_role_policy" "more" {\n  role = aws_iam_role.tool.id\n'
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = "*" }] })\n}\n')
    code, out = invoke("baseline", str(repo), "-o", str(base), "--update")
    assert code == 0 and out == f"agentlint: baseline {base} updated: 3 entries kept, 1 fixed entry dropped\n"
    assert sorted(e["rule_id"] for e in json.loads(base.read_text())["findings"]) == ["AL101", "AL401", "AL501"]
    code, out = invoke("scan", str(repo), "--baseline", str(base), "--format", "json")
    doc = json.loads(out)
    # new findings are not added: the extra policy, and ReadOnlyAccess's own reads of every secret and of
    # credential-returning actions (ec2:GetPasswordData, codeartifact:GetAuthorizationToken... in AWS's document)
    assert code == 1 and sorted((f["rule_id"], f["address"]) for f in doc["findings"]) == [
        ("AL401", "aws_iam_role_policy.more"), ("AL401", "module.agent_role.aws_iam_role_policy_attachment.admin"),
        ("AL402", "module.agent_role.aws_iam_role_policy_attachment.admin")]
    assert doc["summary"]["baseline_fixed"] == 0
    assert invoke("baseline", str(repo), "-o", str(tmp_path / "none.json"), "--update")[0] == 2


# --format gitlab --------------------------------------------------------------------------------------------------

def test_gitlab_code_quality_report(snapshot, monkeypatch):
    code, out = invoke("scan", EXAMPLE, "--format", "gitlab")
    issues = json.loads(out)
    assert code == 1 and out == snapshot
    assert [(i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"])
            for i in issues] == [
        ("agentlint/AL201", "blocker", "fixtures/examples/bedrock-agent/modules/agent_role/main.tf", 19),
        ("agentlint/AL401", "critical", "fixtures/examples/bedrock-agent/main.tf", 46),  # at their statements
        ("agentlint/AL101", "critical", "fixtures/examples/bedrock-agent/main.tf", 51),
        ("agentlint/AL501", "major", "fixtures/examples/bedrock-agent/modules/agent_role/main.tf", 7)]
    assert len({i["fingerprint"] for i in issues}) == 4
    # paths are relative to the repository root wherever agentlint runs
    monkeypatch.chdir(ROOT / "fixtures" / "examples")
    assert json.loads(invoke("scan", "bedrock-agent", "--format", "gitlab")[1]) == issues


def test_gitlab_report_lists_unreadable_files(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "bad.tf").write_text("resource {\n")
    code, out = invoke("scan", str(tmp_path), "--format", "gitlab")
    [issue] = json.loads(out)
    assert code == 2 and issue["check_name"] == "agentlint/parse-error" and issue["severity"] == "major"
    assert issue["location"] == {"path": "bad.tf", "lines": {"begin": 2}}
