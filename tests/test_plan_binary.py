"""Binary plan files (`terraform plan -out`): reported with the command that makes the JSON, or read with
`--terraform-show`, which runs `<terraform> show -json <planfile>` (no shell, timeout, bounded output).

The binary plans in fixtures/plans/binary/ are real: made offline by Terraform 1.11.4 with the built-in
`terraform_data` resource (see the comments in their main.tf). CI has no terraform: the test with the real binary
skips there, and a stand-in executable (a small Python script that records how it was started and prints plan
JSON) exercises the same code path everywhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile

import pytest
from click.testing import CliRunner

from agentlint.cli import main
from agentlint.loaders import load
from agentlint.loaders.plan import PlanError
from agentlint.loaders.plan_binary import binary_plan_message, is_binary_plan, show_json
from agentlint.loaders.plan_input import PlanOptions
from conftest import ROOT

TF_DATA = "fixtures/plans/binary/terraform-data/tfplan"
MODULE_COUNT = "fixtures/plans/binary/module-count/plan.out"
MODULE_COUNT_JSON = "fixtures/plans/binary/module-count/plan.json"  # `terraform show -json plan.out`, 1.11.4
LOCATED_JSON = ROOT / "fixtures" / "plans" / "located" / "tfplan.json"


def _scan(*args: str):
    result = CliRunner().invoke(main, ["scan", *args, "--format", "json"], catch_exceptions=False)
    return result.exit_code, json.loads(result.output)


def _stand_in(tmp_path, body: str) -> str:
    """An executable that stands in for terraform (CI has none): Python, run by the interpreter of the tests."""
    script = tmp_path / "fake-terraform"
    script.write_text(f"#!{sys.executable}\nimport json, os, sys, time\n{body}\n")
    script.chmod(0o755)
    return str(script)


def test_binary_plans_are_recognised_by_content_not_name(tmp_path):
    assert is_binary_plan(TF_DATA) and is_binary_plan(MODULE_COUNT)
    renamed = tmp_path / "whatever.txt"
    shutil.copy(TF_DATA, renamed)
    assert is_binary_plan(str(renamed))
    lambda_zip = tmp_path / "function.zip"  # a zip that is not a plan (a Lambda package)
    with zipfile.ZipFile(lambda_zip, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return 1\n")
    assert not is_binary_plan(str(lambda_zip))
    assert not is_binary_plan("fixtures/plans/binary/terraform-data/main.tf")
    assert not is_binary_plan(str(tmp_path / "missing"))
    damaged = tmp_path / "damaged"
    damaged.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert not is_binary_plan(str(damaged))
    os.mkfifo(tmp_path / "pipe")  # never opened for a blocking read
    assert not is_binary_plan(str(tmp_path / "pipe"))


def test_binary_plan_named_on_the_command_line_is_an_error_with_the_command():
    code, doc = _scan(TF_DATA)
    assert code == 2
    assert doc["errors"] == [{
        "path": TF_DATA, "line": None, "kind": "binary-plan",
        "message": "binary plan file (`terraform plan -out`); agentlint reads plan JSON: run "
                   "`terraform show -json tfplan > tfplan.json` (or `tofu show -json`) in its folder and scan the "
                   "JSON, or scan with --terraform-show to let agentlint run it"}]
    assert doc["findings"] == [] and doc["summary"]["errors"] == 1
    assert binary_plan_message("x/plan.out").startswith(
        "binary plan file (`terraform plan -out`); agentlint reads plan JSON: run "
        "`terraform show -json plan.out > plan.out.json`")


def test_binary_plan_in_a_scanned_folder_is_reported_and_the_scan_goes_on(tmp_path):
    shutil.copy(TF_DATA, tmp_path / "plan.bin")
    shutil.copy(TF_DATA, tmp_path / "plan.json")  # `terraform plan -out plan.json`: still a binary plan
    with zipfile.ZipFile(tmp_path / "function.zip", "w") as archive:
        archive.writestr("index.py", "")
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", '
        'Action = "*", Resource = "*" }]\n  })\n}\n')
    code, doc = _scan(str(tmp_path))
    assert code == 2
    assert [(os.path.basename(e["path"]), e["kind"]) for e in doc["errors"]] == [
        ("plan.bin", "binary-plan"), ("plan.json", "binary-plan")]
    assert "`terraform show -json plan.bin > plan.bin.json`" in doc["errors"][0]["message"]
    assert [(f["rule_id"], os.path.basename(f["path"]), f["start_line"]) for f in doc["findings"]] == [
        ("AL201", "main.tf", 3)]  # the statement's line
    # A zip that is not a plan, named on the command line, is not an input agentlint reads.
    code, doc = _scan(str(tmp_path / "function.zip"))
    assert code == 2 and [e["kind"] for e in doc["errors"]] == ["unsupported"]


def test_binary_plan_beside_its_json_is_not_read_again(tmp_path):
    shutil.copy(TF_DATA, tmp_path / "tfplan")
    shutil.copy(LOCATED_JSON, tmp_path / "tfplan.json")
    model = load([str(tmp_path)])
    assert model.errors == []
    assert [(os.path.basename(n.path), n.kind, n.message) for n in model.notices] == [
        ("tfplan", "binary-plan", "binary plan not read: tfplan.json beside it is scanned")]
    # Named on the command line, it is read (here: reported, as --terraform-show is not given).
    assert [e.kind for e in load([str(tmp_path / "tfplan")]).errors] == ["binary-plan"]


def test_real_show_output_loads_and_is_located():
    """What `terraform show -json` printed for the binary plans (checked in beside them; no terraform needed)."""
    model = load([MODULE_COUNT_JSON, "fixtures/plans/binary/terraform-data/tfplan.json"])
    assert model.errors == []
    assert sorted((r.address, r.path, r.start_line, r.stack) for r in model.resources if r.source == "plan") == [
        ("module.agent.terraform_data.role[0]", "fixtures/plans/binary/module-count/modules/agent/main.tf", 5,
         MODULE_COUNT_JSON),
        ("module.agent.terraform_data.role[1]", "fixtures/plans/binary/module-count/modules/agent/main.tf", 5,
         MODULE_COUNT_JSON),
        ("terraform_data.agent_policy", "fixtures/plans/binary/terraform-data/main.tf", 3,
         "fixtures/plans/binary/terraform-data/tfplan.json"),
        ("terraform_data.marker", "fixtures/plans/binary/module-count/main.tf", 8, MODULE_COUNT_JSON),
    ]
    # Scanning the folder reads each JSON and skips the binary plan beside it (a notice, not an error).
    folder = load(["fixtures/plans/binary"])
    assert folder.errors == [] and len([r for r in folder.resources if r.source == "plan"]) == 4
    assert sorted((n.path, n.kind) for n in folder.notices) == [
        (MODULE_COUNT, "binary-plan"), (TF_DATA, "binary-plan")]


def test_binary_plan_without_the_flag_starts_no_process(monkeypatch, tmp_path):
    def forbidden(*args, **kwargs):
        raise AssertionError("agentlint started a process without --terraform-show")

    monkeypatch.setattr(subprocess.Popen, "__init__", forbidden)
    monkeypatch.setattr(os, "system", forbidden)
    monkeypatch.setattr(os, "execv", forbidden)
    monkeypatch.setattr(os, "posix_spawn", forbidden, raising=False)
    code, doc = _scan(TF_DATA, MODULE_COUNT, "fixtures/plans/binary")
    assert code == 2
    assert sorted({(e["path"], e["kind"]) for e in doc["errors"]}) == [
        (MODULE_COUNT, "binary-plan"), (TF_DATA, "binary-plan")]


@pytest.mark.skipif(shutil.which("terraform") is None,
                    reason="terraform is not on PATH (CI has none); the stand-in tests cover the same code path")
def test_terraform_show_with_the_real_terraform():
    code, doc = _scan(MODULE_COUNT, "--terraform-show")
    assert code == 0 and doc["errors"] == [] and doc["findings"] == []
    model = load([MODULE_COUNT], plan_options=PlanOptions(terraform_show=True))
    assert model.errors == [] and model.stacks[-1] == MODULE_COUNT
    # The code beside the plan locates its resources (module and count instances included).
    assert sorted((r.address, r.path, r.start_line, r.end_line, r.stack, r.source) for r in model.resources
                  if r.source == "plan") == [
        ("module.agent.terraform_data.role[0]", "fixtures/plans/binary/module-count/modules/agent/main.tf", 5, 12,
         MODULE_COUNT, "plan"),
        ("module.agent.terraform_data.role[1]", "fixtures/plans/binary/module-count/modules/agent/main.tf", 5, 12,
         MODULE_COUNT, "plan"),
        ("terraform_data.marker", "fixtures/plans/binary/module-count/main.tf", 8, 10, MODULE_COUNT, "plan"),
    ]
    role = next(r for r in model.resources if r.address.endswith("role[1]") and r.source == "plan")
    assert role.values["input"] == {"name": "coder", "max_session_duration": 43200}
    # The same as the checked-in `terraform show -json` output beside it.
    shown = {r.address: (r.path, r.start_line, repr(r.values)) for r in model.resources if r.source == "plan"}
    checked_in = load([MODULE_COUNT_JSON])
    assert {r.address: (r.path, r.start_line, repr(r.values)) for r in checked_in.resources
            if r.source == "plan"} == shown
    code, doc = _scan(TF_DATA, "--terraform-show", "--terraform-bin", shutil.which("terraform"))
    assert code == 0 and doc["errors"] == [] and doc["findings"] == []


def test_terraform_show_runs_the_stand_in_with_an_argument_list_and_no_shell(tmp_path, monkeypatch):
    """A stand-in for terraform (CI has no terraform): it records its argv and working directory and prints a
    plan's JSON. agentlint must start exactly `[bin, "show", "-json", <plan file>]`, without a shell, in the plan's
    folder."""
    record = tmp_path / "argv.json"
    fake = _stand_in(tmp_path, f"json.dump({{'argv': sys.argv, 'cwd': os.getcwd()}}, open({str(record)!r}, 'w'))\n"
                               f"sys.stdout.write(open({str(LOCATED_JSON)!r}).read())")
    work = tmp_path / "work"
    work.mkdir()
    plan = work / "tfplan"
    shutil.copy(TF_DATA, plan)
    started = []
    real_init = subprocess.Popen.__init__

    def spy(self, args, *rest, **kwargs):
        started.append((args, kwargs.get("shell", False)))
        return real_init(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", spy)
    code, doc = _scan(str(plan), "--terraform-show", "--terraform-bin", fake)
    assert started == [([fake, "show", "-json", str(plan)], False)]
    ran = json.loads(record.read_text())
    assert ran["argv"] == [fake, "show", "-json", str(plan)]
    assert os.path.realpath(ran["cwd"]) == os.path.realpath(work)
    assert code == 1 and doc["errors"] == []
    # No code beside this plan: the finding is on the plan file, as for plan JSON.
    assert [(f["rule_id"], f["path"], f["start_line"], f["plan"]) for f in doc["findings"]] == [
        ("AL201", str(plan), None, str(plan))]


def test_terraform_show_failures_are_errors_of_that_plan(tmp_path):
    plan = tmp_path / "tfplan"
    shutil.copy(TF_DATA, plan)
    failing = _stand_in(tmp_path, "sys.stderr.write('\\x1b[31m\\u2577\\n\\u2502 Error: Failed to load plugin "
                                  "schemas\\n\\u2502 more\\n')\nsys.exit(1)")
    code, doc = _scan(str(plan), "fixtures/plans/located/tfplan.json", "--terraform-show", "--terraform-bin", failing)
    assert code == 2
    assert doc["errors"] == [{"path": str(plan), "line": None, "kind": "terraform-show",
                              "message": "`fake-terraform show -json tfplan` failed (exit 1): Error: Failed to load "
                                         "plugin schemas"}]
    assert [f["rule_id"] for f in doc["findings"]] == ["AL201"]  # the other plan is still scanned
    garbage = _stand_in(tmp_path, "print('not json')")
    code, doc = _scan(str(plan), "--terraform-show", "--terraform-bin", garbage)
    assert code == 2 and [(e["kind"], e["line"]) for e in doc["errors"]] == [("parse-error", 1)]


def test_terraform_show_output_and_time_are_bounded(tmp_path):
    plan = tmp_path / "tfplan"
    shutil.copy(TF_DATA, plan)
    loud = _stand_in(tmp_path, "sys.stdout.write('x' * 5_000_000)")
    with pytest.raises(PlanError) as exc:
        show_json(loud, str(plan), max_bytes=1_000_000)
    assert (exc.value.kind, str(exc.value)) == (
        "limit", "`fake-terraform show -json tfplan` printed more than 1,000,000 bytes (limit max-plan-bytes); stopped")
    slow = _stand_in(tmp_path, "time.sleep(60)")
    began = time.monotonic()
    with pytest.raises(PlanError) as exc:
        show_json(slow, str(plan), max_bytes=1_000_000, timeout=1)
    assert time.monotonic() - began < 30
    assert (exc.value.kind, str(exc.value)) == (
        "terraform-show", "`fake-terraform show -json tfplan` did not finish within 1 s; stopped")


def test_terraform_show_options_on_the_command_line(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["scan", TF_DATA, "--terraform-bin", "terraform"])
    assert result.exit_code == 2 and "--terraform-bin is used only with --terraform-show" in result.output
    missing = str(tmp_path / "no-such-terraform")
    result = runner.invoke(main, ["scan", TF_DATA, "--terraform-show", "--terraform-bin", missing])
    assert result.exit_code == 2
    assert f"--terraform-show: {missing!r} is not an executable; name one with --terraform-bin PATH" in result.output
    help_text = " ".join(runner.invoke(main, ["scan", "--help"]).output.split())
    assert "starts the provider plugins installed in that folder (.terraform/), which a pull request controls" \
        in help_text


def test_terraform_show_is_not_a_configuration_key(tmp_path):
    """A pull request can change the configuration file; running terraform is a command-line decision only."""
    config = tmp_path / ".agentlint.toml"
    config.write_text("terraform-show = true\n")
    result = CliRunner().invoke(main, ["scan", TF_DATA, "--config", str(config)])
    assert result.exit_code == 2 and "terraform-show" in result.output
