"""The plan loader on the 60 real plans of the shared corpus, and on purpose-written edge cases."""

from __future__ import annotations

import json

import pytest

from agentlint.loaders import load
from agentlint.outputs.json_report import render as render_json
from agentlint.outputs.text import render as render_text
from agentlint.values import SENSITIVE, Unknown
from conftest import CORPUS, corpus_dir
from helpers import run

PLANS_DIR = CORPUS / "plans"
PLANS = sorted(p for p in PLANS_DIR.rglob("*") if p.is_file() and p.name not in (
    "MANIFEST.md", "MANIFEST.json", "INVENTORY_all_candidates.json")) if PLANS_DIR.exists() else []


def test_corpus_is_complete():
    corpus_dir("plans")
    assert len(PLANS) == 60


@pytest.mark.parametrize("plan", PLANS, ids=[p.name[-60:] for p in PLANS])
def test_every_corpus_plan_loads(plan):
    model = load([str(plan)])
    assert model.errors == []
    doc = plan.read_bytes()
    if b'"planned_values"' in doc or b'\x00"\x00p\x00l\x00a\x00n\x00n\x00e\x00d' in doc:
        assert model.stacks == [str(plan)]


def test_corpus_plans_scan_with_findings_and_no_errors():
    corpus_dir("plans")
    report = run(str(PLANS_DIR))
    assert report.errors == []
    assert report.summary["files_scanned"] == 60
    rules = {(f.rule_id, f.address) for f in report.findings}
    assert ("AL201", "aws_iam_user_policy.invalid_user_policy") in rules  # fugue admin_policy_infra: * on *
    assert ("AL301", "aws_iam_access_key.user") in rules  # checkov plan, Terraform 0.12.23


def test_utf16_and_wrapped_plans():
    utf16 = corpus_dir("plans", "bridgecrewio__checkov",
                       "tests__terraform__runner__resources__plan_with_utf_16_encoding__tfplan.json")
    wrapped = corpus_dir("plans", "infracost__infracost", "cmd__infracost__testdata__plan_with_terraform_wrapper.json")
    assert [r.type for r in load([str(utf16)]).resources].count("aws_iam_role_policy") == 1
    assert {r.type for r in load([str(wrapped)]).resources} >= {"aws_lambda_function"}


def test_opentofu_plan_loads():
    tofu = corpus_dir("plans", "retailnext__tf-report-action",
                      "tests__fixtures__generated__tofu__modules__1__show-plan.stdout.json")
    model = load([str(tofu)])
    assert model.errors == [] and any(r.address.startswith("module.") for r in model.resources)


def _plan(tmp_path, resources, changes=None, configuration=None, name="plan.json"):
    doc = {"format_version": "1.2", "terraform_version": "1.9.8",
           "planned_values": {"root_module": {"resources": resources}},
           "resource_changes": changes or [], "configuration": configuration or {"root_module": {}}}
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def test_sensitive_values_never_leave_the_loader(tmp_path):
    key = {"address": "aws_iam_access_key.k", "mode": "managed", "type": "aws_iam_access_key", "name": "k",
           "values": {"user": "bot", "secret": SECRET, "ses_smtp_password_v4": SECRET, "status": "Active"},
           "sensitive_values": {"secret": True, "ses_smtp_password_v4": True}}
    user = {"address": "aws_iam_user.bot", "mode": "managed", "type": "aws_iam_user", "name": "bot",
            "values": {"name": "bot"}, "sensitive_values": {}}
    path = _plan(tmp_path, [key, user])
    model = load([str(path)])
    res = {r.address: r for r in model.resources}
    assert res["aws_iam_access_key.k"].values["secret"] is SENSITIVE
    report = run(str(path))
    assert [f.rule_id for f in report.findings] == ["AL301"]
    assert SECRET not in render_json(report) and SECRET not in render_text(report)


def test_unknown_values_keep_configuration_references(tmp_path):
    fn = {"address": "aws_lambda_function.f", "mode": "managed", "type": "aws_lambda_function", "name": "f",
          "values": {"function_name": "f"}}
    change = {"address": "aws_lambda_function.f", "mode": "managed", "type": "aws_lambda_function", "name": "f",
              "change": {"actions": ["create"], "after": {"function_name": "f"}, "after_unknown": {"role": True}}}
    config = {"root_module": {"resources": [{"address": "aws_lambda_function.f", "mode": "managed",
                                             "type": "aws_lambda_function", "name": "f",
                                             "expressions": {"role": {"references": ["aws_iam_role.r.arn",
                                                                                     "aws_iam_role.r"]}}}]}}
    model = load([str(_plan(tmp_path, [fn], [change], config))])
    role = model.resources[0].values["role"]
    assert isinstance(role, Unknown) and [str(r) for r in role.refs] == ["aws_iam_role.r.arn"]
    assert model.resources[0].actions == ["create"]


def test_json_that_is_not_a_plan(tmp_path):
    other = tmp_path / "package.json"
    other.write_text('{"name": "x", "format_version": 1}')
    assert load([str(tmp_path)]).errors == []  # folder walk: JSON that is not a plan is simply not an input
    broken = tmp_path / "broken.json"
    broken.write_text('{"format_version": "1.2", "planned_values": ')
    # ...but a file that starts like a plan and is truncated is reported, also in a folder walk.
    assert [(e.kind, e.line) for e in load([str(tmp_path)]).errors] == [("parse-error", 1)]
    explicit = load([str(other), str(broken)])
    kinds = {e.path.rsplit("/", 1)[-1]: (e.kind, e.line) for e in explicit.errors}
    assert kinds == {"package.json": ("not-a-plan", None), "broken.json": ("parse-error", 1)}


def test_unknown_list_elements_keep_the_list_expression_references(tmp_path):
    """`identifiers = [aws_iam_openid_connect_provider.github.arn]` inside a data source block, unknown at plan
    time: the element must still point at the provider (AL602 needs it to recognise GitHub)."""
    provider = {"address": "aws_iam_openid_connect_provider.github", "mode": "managed",
                "type": "aws_iam_openid_connect_provider", "name": "github",
                "values": {"url": "https://token.actions.githubusercontent.com"}}
    statement = {"actions": ["sts:AssumeRoleWithWebIdentity"], "effect": "Allow",
                 "principals": [{"type": "Federated", "identifiers": [None]}],
                 "condition": [{"test": "StringEquals", "variable": "token.actions.githubusercontent.com:aud",
                                "values": ["sts.amazonaws.com"]}]}
    doc_values = {"statement": [statement]}
    document = {"address": "data.aws_iam_policy_document.trust", "mode": "data", "type": "aws_iam_policy_document",
                "name": "trust", "values": doc_values}
    role = {"address": "aws_iam_role.deploy", "mode": "managed", "type": "aws_iam_role", "name": "deploy",
            "values": {"name": "deploy"}}
    changes = [
        {"address": "data.aws_iam_policy_document.trust", "mode": "data", "type": "aws_iam_policy_document",
         "name": "trust", "change": {"actions": ["read"], "after": doc_values, "after_unknown": {
             "json": True, "statement": [{"principals": [{"identifiers": [True]}]}]}}},
        {"address": "aws_iam_role.deploy", "mode": "managed", "type": "aws_iam_role", "name": "deploy",
         "change": {"actions": ["create"], "after": {"name": "deploy"}, "after_unknown": {"assume_role_policy": True}}},
    ]
    config = {"root_module": {"resources": [
        {"address": "data.aws_iam_policy_document.trust", "mode": "data", "type": "aws_iam_policy_document",
         "name": "trust", "expressions": {"statement": [{"principals": [{"identifiers": {"references": [
             "aws_iam_openid_connect_provider.github.arn", "aws_iam_openid_connect_provider.github"]}}]}]}},
        {"address": "aws_iam_role.deploy", "mode": "managed", "type": "aws_iam_role", "name": "deploy",
         "expressions": {"assume_role_policy": {"references": ["data.aws_iam_policy_document.trust.json",
                                                               "data.aws_iam_policy_document.trust"]}}},
    ]}}
    path = _plan(tmp_path, [provider, document, role], changes, config)
    model = load([str(path)])
    trust = {r.address: r for r in model.resources}["data.aws_iam_policy_document.trust"]
    [identifier] = trust.values["statement"][0]["principals"][0]["identifiers"]
    assert isinstance(identifier, Unknown) and [str(r) for r in identifier.refs] == [
        "aws_iam_openid_connect_provider.github.arn"]
    assert [f.rule_id for f in run(str(path)).findings] == ["AL602"]


def test_whole_resource_sensitive_or_unknown_is_read_not_skipped(tmp_path):
    # Guards: `sensitive_values: true` / `after_unknown: true` (a whole resource) made the plan reader fail and the
    # file's findings vanish; a sensitive attribute is never taken from the configuration's constant.
    import json as _json

    from agentlint.loaders import load
    from agentlint.values import SENSITIVE, Unknown

    doc = _json.loads(open("fixtures/AL201/plan/admin-agent.tfplan.json").read())
    modules = [doc["planned_values"]["root_module"]] + doc["planned_values"]["root_module"].get("child_modules", [])
    first = next(r for m in modules for r in m.get("resources", []))
    first["sensitive_values"] = True
    for rc in doc["resource_changes"]:
        if rc["address"] != first["address"]:
            rc["change"]["after_unknown"] = True
    path = tmp_path / "plan.json"
    path.write_text(_json.dumps(doc))
    model = load([str(path)])
    assert model.errors == []
    res = {r.address: r for r in model.resources}
    assert res[first["address"]].values and all(v is SENSITIVE for v in res[first["address"]].values.values())
    others = [r for r in model.resources if r.address != first["address"]]
    # the planned values are not trusted; what the configuration states (constants) is still read
    assert others and all(any(isinstance(v, Unknown) for v in r.values.values()) for r in others)
