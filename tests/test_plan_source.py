"""Plan findings point at code: when the code a plan was made from is beside the plan (or named with --source),
plan resources take the file and lines of their blocks, and the finding keeps the plan file in `plan`.

fixtures/plans/located/tfplan.json was written by hand in the shape `terraform show -json` 1.9 prints (format
1.2) for main.tf beside it: the attachment's `for_each` takes a variable without default that the pipeline sets, so
the plan knows AdministratorAccess is attached and the code alone does not (the code scan reports AL001 there, the
plan AL201).

A plan named on the command line also has the code of its folder loaded (the repository loader evaluates the root
modules that hold a named file); only the plan's own findings are reported, so the tests look at plan resources.
"""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from agentlint.cli import main
from agentlint.loaders import load
from agentlint.loaders.plan_input import PlanOptions
from agentlint.outputs.github import render as render_github
from agentlint.outputs.json_report import render as render_json
from agentlint.outputs.text import render as render_text
from conftest import FIXTURES
from helpers import run

LOCATED = "fixtures/plans/located"
PLAN = f"{LOCATED}/tfplan.json"
CODE = f"{LOCATED}/main.tf"
ADMIN_PLAN = "fixtures/AL201/plan/admin-agent.tfplan.json"
ADMIN_CODE = "fixtures/AL201/bad/local-module"
ADMIN_ATTACHMENT = 'aws_iam_role_policy_attachment.managed["arn:aws:iam::aws:policy/AdministratorAccess"]'


def _scan(*args: str):
    result = CliRunner().invoke(main, ["scan", *args, "--format", "json"], catch_exceptions=False)
    return result.exit_code, json.loads(result.output)


def test_plan_resources_take_the_lines_of_their_blocks():
    model = load([PLAN])
    assert model.errors == []
    assert sorted((r.address, r.path, r.start_line, r.end_line, r.stack, r.source) for r in model.resources
                  if r.source == "plan") == [
        ("aws_iam_role.agent", CODE, 14, 20, PLAN, "plan"),
        ("aws_iam_role_policy.secrets", CODE, 35, 39, PLAN, "plan"),
        (ADMIN_ATTACHMENT, CODE, 22, 26, PLAN, "plan"),
        ("aws_lambda_function.planner", CODE, 3, 12, PLAN, "plan"),
        ("data.aws_iam_policy_document.secrets", CODE, 28, 33, PLAN, "plan"),
    ]
    attachment = next(r for r in model.resources if r.address == ADMIN_ATTACHMENT and r.source == "plan")
    assert attachment.values["policy_arn"] == "arn:aws:iam::aws:policy/AdministratorAccess"  # the plan's value
    assert attachment.attr_lines["policy_arn"] == 25


def test_plan_finding_points_at_the_code_beside_the_plan():
    code, doc = _scan(PLAN)
    assert code == 1 and doc["errors"] == []
    assert [(f["rule_id"], f["severity"], f["path"], f["start_line"], f["end_line"], f["plan"], f["address"])
            for f in doc["findings"]] == [
        ("AL201", "critical", CODE, 22, 26, PLAN, ADMIN_ATTACHMENT)]
    [finding] = doc["findings"]
    assert [(s["role"], s["address"], s["path"], s["line"]) for s in finding["trace"]] == [
        ("agent", "aws_lambda_function.planner", CODE, 3),
        ("identity", "aws_iam_role.agent", CODE, 14),
        ("attachment", ADMIN_ATTACHMENT, CODE, 22),
        ("policy", "arn:aws:iam::aws:policy/AdministratorAccess", None, None),
    ]
    assert [(a["address"], a["path"], a["start_line"], a["stack"]) for a in doc["agents"] if a["stack"] == PLAN] == [
        ("aws_lambda_function.planner", CODE, 3, PLAN)]


def test_without_the_code_nothing_changes_and_the_fingerprint_is_the_same(tmp_path):
    (tmp_path / "alone").mkdir()
    (tmp_path / "beside").mkdir()
    shutil.copy(PLAN, tmp_path / "alone" / "tfplan.json")
    shutil.copy(PLAN, tmp_path / "beside" / "tfplan.json")
    shutil.copy(CODE, tmp_path / "beside" / "main.tf")
    alone = run(str(tmp_path / "alone" / "tfplan.json"))
    beside = run(str(tmp_path / "beside" / "tfplan.json"))
    plan = str(tmp_path / "alone" / "tfplan.json")
    assert [(f.rule_id, f.path, f.start_line, f.end_line, f.plan) for f in alone.findings] == [
        ("AL201", plan, None, None, plan)]
    assert [(f.rule_id, f.path, f.start_line) for f in beside.findings] == [
        ("AL201", str(tmp_path / "beside" / "main.tf"), 22)]
    assert [f.fingerprint for f in alone.findings] == [f.fingerprint for f in beside.findings]
    assert [(s.path, s.line) for s in alone.findings[0].trace] == [(plan, None)] * 3 + [(None, None)]


def test_source_option_names_the_code_of_a_plan_kept_elsewhere():
    code, doc = _scan(ADMIN_PLAN, "--source", ADMIN_CODE)
    assert code == 1 and doc["errors"] == []
    assert [(f["rule_id"], f["path"], f["start_line"], f["end_line"], f["plan"], f["address"])
            for f in doc["findings"]] == [
        ("AL201", f"{ADMIN_CODE}/modules/role/main.tf", 11, 14, ADMIN_PLAN,
         "module.agent_role.aws_iam_role_policy_attachment.admin")]
    assert [(s["role"], s["path"], s["line"]) for s in doc["findings"][0]["trace"]] == [
        ("agent", f"{ADMIN_CODE}/main.tf", 6), ("identity", f"{ADMIN_CODE}/modules/role/main.tf", 5),
        ("attachment", f"{ADMIN_CODE}/modules/role/main.tf", 11), ("policy", None, None)]
    # The code read for locations is not scanned: only the plan's findings, once.
    assert doc["summary"]["files_scanned"] == 1 and doc["summary"]["stacks"] == 1
    # Same finding, same fingerprint as without --source.
    _, plain = _scan(ADMIN_PLAN)
    assert [f["fingerprint"] for f in plain["findings"]] == [f["fingerprint"] for f in doc["findings"]]
    assert plain["findings"][0]["path"] == ADMIN_PLAN and plain["findings"][0]["start_line"] is None


def test_code_of_another_plan_is_not_used():
    code, doc = _scan(ADMIN_PLAN, "--source", LOCATED)
    assert code == 1
    assert [(f["path"], f["start_line"]) for f in doc["findings"]] == [(ADMIN_PLAN, None)]
    # Of several --source folders, the one that holds the plan's resources is used.
    code, doc = _scan(ADMIN_PLAN, "--source", LOCATED, "--source", ADMIN_CODE)
    assert [(f["path"], f["start_line"]) for f in doc["findings"]] == [(f"{ADMIN_CODE}/modules/role/main.tf", 11)]


def test_a_resource_the_configuration_does_not_have_is_not_located(tmp_path):
    doc = json.loads(open(PLAN).read())
    doc["configuration"]["root_module"]["resources"] = [
        r for r in doc["configuration"]["root_module"]["resources"] if r["address"] != "aws_iam_role.agent"]
    shutil.copy(CODE, tmp_path / "main.tf")
    (tmp_path / "tfplan.json").write_text(json.dumps(doc))
    located = {r.address: r.start_line for r in load([str(tmp_path / "tfplan.json")]).resources}
    assert located["aws_iam_role.agent"] is None and located["aws_lambda_function.planner"] == 3


def test_sarif_and_annotations_land_on_the_code():
    report = run(PLAN)
    text = render_text(report)
    assert f"{CODE}\n     22  CRITICAL  AL201 admin-access" in text and f"         plan: {PLAN}\n" in text
    annotations = render_github(report).splitlines()
    assert annotations[0].startswith(f"::error file={CODE},line=22,endLine=26,title=AL201 admin-access (critical)::")
    result = CliRunner().invoke(main, ["scan", PLAN, "--format", "sarif"])
    sarif = json.loads(result.output)
    [res] = sarif["runs"][0]["results"]
    location = res["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("fixtures/plans/located/main.tf")
    assert location["region"]["startLine"] == 22


def test_code_and_plan_scanned_together_report_a_finding_once(tmp_path):
    shutil.copytree(FIXTURES / "AL201" / "bad" / "local-module", tmp_path / "infra")
    shutil.copy(ADMIN_PLAN, tmp_path / "infra" / "tfplan.json")
    report = run(str(tmp_path / "infra"))
    assert report.errors == []
    assert [(f.rule_id, f.path, f.start_line, f.plan) for f in report.findings] == [
        ("AL201", str(tmp_path / "infra" / "modules" / "role" / "main.tf"), 11, None)]
    # What only the plan resolves stays: the attachment is AL201 from the plan, AL001 from the code, which does
    # not know the variable's value (and, the role being an administrator, AL401 is the code's only).
    both = run(LOCATED)
    assert sorted((f.rule_id, f.path, f.start_line, f.plan) for f in both.findings) == [
        ("AL001", CODE, 22, None), ("AL201", CODE, 22, PLAN), ("AL401", CODE, 29, None)]


def test_json_report_adds_the_plan_field_only():
    report = run(PLAN, str(FIXTURES / "AL201" / "bad" / "managed-attachment"))
    findings = json.loads(render_json(report))["findings"]
    assert {f["plan"] for f in findings} == {PLAN, None}
    assert all(set(f) == {"rule_id", "rule_name", "title", "category", "severity", "confidence", "message", "path",
                          "start_line", "end_line", "address", "agents", "identity", "trace", "fix", "fingerprint",
                          "roots", "plan", "repo_path"} for f in findings)


def test_source_folders_in_the_loader_api():
    model = load([ADMIN_PLAN], plan_options=PlanOptions(sources=(ADMIN_CODE,)))
    assert sorted((r.address, r.path, r.start_line) for r in model.resources if r.source == "plan") == [
        ("aws_bedrockagent_agent.support", f"{ADMIN_CODE}/main.tf", 6),
        ("module.agent_role.aws_iam_role.this", f"{ADMIN_CODE}/modules/role/main.tf", 5),
        ("module.agent_role.aws_iam_role_policy_attachment.admin", f"{ADMIN_CODE}/modules/role/main.tf", 11),
    ]
    assert model.notices == [] and model.errors == []


def test_suppression_comments_in_the_code_apply_to_located_plan_findings(tmp_path):
    code = open(CODE).read().replace(
        'resource "aws_iam_role_policy_attachment" "managed" {',
        '# agentlint:ignore[AL201] sandbox account without data, SEC-9\n'
        'resource "aws_iam_role_policy_attachment" "managed" {')
    (tmp_path / "beside").mkdir()
    (tmp_path / "beside" / "main.tf").write_text(code)
    shutil.copy(PLAN, tmp_path / "beside" / "tfplan.json")
    report = run(str(tmp_path / "beside" / "tfplan.json"))
    assert report.findings == []
    assert [(s.finding.rule_id, s.finding.start_line, s.suppression.line, s.suppression.reason)
            for s in report.suppressed] == [("AL201", 23, 22, "sandbox account without data, SEC-9")]
    # The same with the code named by --source (the plan elsewhere).
    (tmp_path / "plans").mkdir()
    shutil.copy(PLAN, tmp_path / "plans" / "tfplan.json")
    code_, doc = _scan(str(tmp_path / "plans" / "tfplan.json"), "--source", str(tmp_path / "beside"))
    assert code_ == 0 and doc["findings"] == []
    assert [(s["finding"]["rule_id"], s["suppression"]["line"]) for s in doc["suppressed"]] == [("AL201", 22)]
