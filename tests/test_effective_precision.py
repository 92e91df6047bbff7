"""Effective permissions before every rule (Deny, NotResource, permissions boundaries), trust conditions that match
any account, and the wording of the findings that depend on them."""

from __future__ import annotations

import json
import shutil

import pytest

from agentlint.iam.evaluate import admin_level, narrows, pins, resources_reach
from agentlint.iam.policy import Condition, from_json_object
from agentlint.iam.restrict import Limit, restrict
from conftest import FIXTURES, rel
from helpers import run


def statements(*raw):
    return from_json_object({"Statement": list(raw)}).statements


ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}
MODELS = ["arn:aws:bedrock:eu-west-1::foundation-model/a", "arn:aws:bedrock:eu-west-1::foundation-model/b"]


def limits(*raw):
    return [Limit(st, f"Deny {st.label()}") for st in statements(*raw)]


# -- restrict: what is left of one Allow statement ----------------------------------------------------------------


def test_deny_not_action_and_not_resource_leave_model_invocation_on_two_models():
    [allow] = statements(ALLOW_ALL)
    denies = limits({"Effect": "Deny", "NotAction": "bedrock:InvokeModel*", "Resource": "*"},
                    {"Effect": "Deny", "Action": "*", "NotResource": MODELS})
    left = restrict(allow, denies, [], None)
    [piece] = left.pieces
    assert piece.actions == ["bedrock:InvokeModel*"] and piece.not_actions is None
    assert piece.resources == MODELS and admin_level(piece) is None
    assert left.by == ["Deny statement #1", "Deny statement #2"] and not left.conditional_deny


def test_nothing_to_take_away_returns_the_statement_itself():
    [allow] = statements({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"})
    left = restrict(allow, limits({"Effect": "Deny", "Action": "iam:*", "Resource": "*"}), [], None)
    assert left.pieces[0] is allow and not left.changed


def test_deny_on_every_resource_removes_the_statement():
    [allow] = statements({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"})
    assert restrict(allow, limits({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}), [], None).pieces == []


def test_deny_of_a_few_services_makes_allow_all_near_admin():
    [allow] = statements(ALLOW_ALL)
    [piece] = restrict(allow, limits({"Effect": "Deny", "Action": ["iam:*", "organizations:*"], "Resource": "*"}),
                       [], None).pieces
    assert piece.not_actions == ["iam:*", "organizations:*"] and admin_level(piece) == "near-admin"


def test_deny_on_one_services_arns_spares_the_rest():
    [allow] = statements(ALLOW_ALL)
    [piece] = restrict(allow, limits({"Effect": "Deny", "Action": "*", "Resource": "arn:aws:s3:::*"}),
                       [], None).pieces
    assert piece.not_resources == ["arn:aws:s3:::*"] and admin_level(piece) == "near-admin"


def test_conditional_deny_takes_nothing_and_says_so():
    [allow] = statements(ALLOW_ALL)
    conditional = limits({"Effect": "Deny", "NotAction": "bedrock:*", "Resource": "*",
                          "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}})
    left = restrict(allow, [], conditional, None)
    assert left.pieces == [allow] and left.conditional_deny and not left.changed


def test_boundary_splits_a_statement_per_boundary_statement():
    [allow] = statements(ALLOW_ALL)
    boundary = statements({"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": MODELS},
                          {"Effect": "Allow", "Action": ["s3:Get*", "dynamodb:*Item"], "Resource": "*",
                           "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}})
    left = restrict(allow, [], [], (boundary, "the permissions boundary cap"))
    assert [(p.actions, p.resources, bool(p.conditions)) for p in left.pieces] == [
        (["bedrock:InvokeModel"], MODELS, False), (["s3:Get*", "dynamodb:*Item"], ["*"], True)]
    assert left.by == ["the permissions boundary cap"]


def test_partly_overlapping_patterns_are_expanded_against_the_catalogue():
    [allow] = statements({"Effect": "Allow", "Action": "s3:*Object", "Resource": "*"})
    boundary = statements({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"})
    [piece] = restrict(allow, [], [], (boundary, "b")).pieces
    assert "s3:GetObject" in piece.actions and "s3:PutObject" not in piece.actions


# -- resources of one service are not every resource ---------------------------------------------------------------


def test_a_service_arn_wildcard_reaches_only_its_own_service():
    [st] = statements({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::*"})
    assert resources_reach(st, "s3:GetObject") is True
    assert resources_reach(st, "secretsmanager:GetSecretValue") is False
    assert resources_reach(st, "iam:PassRole") is False
    assert admin_level(st) is None


def test_star_on_one_service_is_not_administrator_and_not_escalation():
    report = run("fixtures/AL101/bad/star-on-one-service")
    assert sorted(f.rule_id for f in report.findings) == ["AL101", "AL401"]
    al401 = next(f for f in report.findings if f.rule_id == "AL401")
    assert "every S3 object" in al401.message and "Secrets Manager" not in al401.message


# -- the fixtures the issue names, and what makes them clean -------------------------------------------------------


def test_deny_fixture_gives_administrator_access_without_its_deny_statements(tmp_path):
    case = tmp_path / "case"
    shutil.copytree(FIXTURES / "AL201/good/deny-leaves-model-invocation", case)
    module = case / "modules/agent/main.tf"
    text = module.read_text()
    module.write_text(text.replace('effect      = "Deny"', 'effect      = "Allow"').replace(
        'effect        = "Deny"', 'effect        = "Allow"'))
    report = run(str(case))
    assert [f.rule_id for f in report.findings] == ["AL201"]
    # Only the NotResource Deny left: every action on the two models, a wildcard action (AL101), not administrator
    module.write_text(text.replace('effect      = "Deny"', 'effect      = "Allow"').replace(
        'not_actions = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]', 'not_actions = ["*"]'))
    assert [f.rule_id for f in run(str(case)).findings] == ["AL101"]


def test_boundary_fixture_gives_administrator_access_without_its_boundary(tmp_path):
    case = tmp_path / "case"
    shutil.copytree(FIXTURES / "AL201/good/boundary-caps-admin", case)
    module = case / "modules/agent-role/main.tf"
    module.write_text(module.read_text().replace("permissions_boundary = aws_iam_policy.boundary.arn", ""))
    report = run(str(case))
    assert [(f.rule_id, f.address) for f in report.findings] == [
        ("AL201", "module.research_agent_role.aws_iam_role_policy_attachment.admin")]
    assert "AWS managed policy AdministratorAccess" in report.findings[0].message


def _plan_without_boundaries(tmp_path):
    case = FIXTURES / "AL201/plan/deny-and-boundary"
    for f in case.iterdir():
        shutil.copy(f, tmp_path / f.name)
    plan = json.loads((tmp_path / "tfplan.json").read_text())

    def strip(node):
        if isinstance(node, dict):
            node.pop("permissions_boundary", None)
            for v in node.values():
                strip(v)
        elif isinstance(node, list):
            for v in node:
                strip(v)

    strip(plan)
    (tmp_path / "tfplan.json").write_text(json.dumps(plan))
    return tmp_path / "tfplan.json"


def test_plan_boundaries_are_what_keep_the_capped_role_clean(tmp_path):
    report = run(rel(FIXTURES / "AL201/plan/deny-and-boundary/tfplan.json"))
    assert [(f.rule_id, f.identity) for f in report.findings] == [("AL201", "aws_iam_role.power")]
    unbounded = run(str(_plan_without_boundaries(tmp_path)))
    assert sorted((f.rule_id, f.identity) for f in unbounded.findings) == [
        ("AL201", "aws_iam_role.capped"), ("AL201", "aws_iam_role.power")]
    assert all("full administrator access" in f.message for f in unbounded.findings)


def test_conditional_deny_lowers_confidence_and_says_why():
    [f] = run("fixtures/AL201/bad/conditional-deny").findings
    assert f.confidence.value == "medium"
    assert f.message.endswith("; a Deny under a condition may take some of it away")


def test_mfa_deny_lowers_confidence_of_what_it_guards(tmp_path):
    (tmp_path / "main.tf").write_text('''
resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = "{}"
}
resource "aws_iam_role_policy" "agent" {
  role = aws_iam_role.agent.id
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "*" },
    { Effect = "Deny", NotAction = ["iam:ListMFADevices"], Resource = "*",
      Condition = { BoolIfExists = { "aws:MultiFactorAuthPresent" = "false" } } },
  ] })
}
''')
    [f] = run(str(tmp_path)).findings
    assert (f.rule_id, f.confidence.value) == ("AL401", "medium")


# -- trust conditions ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key,value,expected", [
    ("aws:PrincipalArn", "arn:aws:iam::*:role/qa-*", False),
    ("aws:PrincipalArn", "arn:aws:iam::111122223333:role/qa-*", True),
    ("aws:PrincipalArn", "arn:aws:iam::1111*:role/qa", False),
    ("aws:PrincipalAccount", "*", False),
    ("aws:PrincipalAccount", "11112222*", False),
    ("aws:PrincipalAccount", "111122223333", True),
    ("aws:SourceAccount", "*", False),
    ("aws:SourceArn", "arn:aws:lambda:eu-west-1:*:function:eval-*", False),
    ("aws:SourceArn", "arn:aws:s3:::agent-uploads", True),
    ("aws:SourceArn", "arn:aws:s3:::*", False),
    ("aws:PrincipalOrgID", "o-*", False),
    ("aws:PrincipalOrgPaths", "o-a1b2c3d4e5/r-ab12/*", True),
    ("sts:ExternalId", "partner-7f3a", True),
])
def test_which_condition_values_pin_an_account(key, value, expected):
    assert pins(key, value) is expected


def test_negated_and_mixed_conditions_do_not_narrow():
    assert not narrows(Condition("StringNotEquals", "aws:PrincipalAccount", ["111122223333"]))
    assert not narrows(Condition("StringLike", "aws:PrincipalArn", ["arn:aws:iam::111122223333:role/a", "*"]))
    assert narrows(Condition("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", ["o-a1b2c3d4e5/*"]))


def test_wildcard_account_conditions_are_named_in_the_trust_finding():
    report = run("fixtures/AL601/bad/wildcard-account-conditions")
    messages = sorted(f.message for f in report.findings)
    assert len(messages) == 3
    assert messages[0].endswith("with conditions that match callers in any account "
                                "(aws:PrincipalAccount '*'; aws:SourceArn 'arn:aws:lambda:eu-west-1:*:function:eval-*')")
    assert messages[1].endswith("(aws:PrincipalArn 'arn:aws:iam::*:role/qa-*')")


# -- wording ------------------------------------------------------------------------------------------------------


def test_pgp_encrypted_access_key_is_not_described_as_stored_in_clear(tmp_path):
    (tmp_path / "main.tf").write_text('''
resource "aws_iam_user" "ci" {
  name = "ci"
}
resource "aws_iam_access_key" "ci" {
  user    = aws_iam_user.ci.name
  pgp_key = "keybase:platform_team"
}
resource "aws_iam_access_key" "legacy" {
  user = aws_iam_user.ci.name
}
''')
    by_address = {f.address: f.message for f in run(str(tmp_path)).findings if f.rule_id == "AL301"}
    assert by_address["aws_iam_access_key.ci"].endswith(
        "access keys never expire, and its secret is in Terraform state encrypted for the PGP key in pgp_key")
    assert by_address["aws_iam_access_key.legacy"].endswith(
        "access keys never expire and their secret is stored in Terraform state")


def test_member_given_by_an_expression_is_named_readably(tmp_path):
    (tmp_path / "main.tf").write_text('''
variable "identity" {
  type = string
}
resource "google_project_iam_member" "reader" {
  project = "acme-prod"
  role    = "roles/storage.objectViewer"
  member = (
    var.identity == null
    ? null
    : "principal://${var.identity}"
  )
}
resource "google_project_iam_member" "no_project" {
  role   = "roles/secretmanager.secretAccessor"
  member = "serviceAccount:agent@acme-prod.iam.gserviceaccount.com"
}
''')
    by_address = {f.address: f.message for f in run(str(tmp_path)).findings if f.rule_id == "AL401"}
    reader = by_address["google_project_iam_member.reader"]
    assert reader.startswith("the member computed by `var.identity == null ? null : ")
    assert "\n" not in reader
    no_project = by_address["google_project_iam_member.no_project"]
    assert "None" not in no_project
    assert "on the provider's default project" in no_project


def test_managed_boundary_on_a_user_leaves_what_it_allows(tmp_path):
    (tmp_path / "main.tf").write_text('''
resource "aws_iam_user" "reporter" {
  name                 = "reporting-bot"
  permissions_boundary = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
resource "aws_iam_user_policy_attachment" "admin" {
  user       = aws_iam_user.reporter.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
''')
    findings = run(str(tmp_path)).findings
    assert "AL201" not in {f.rule_id for f in findings}
    reads = [f for f in findings if f.rule_id == "AL401"]
    assert reads and all(f.message.endswith(
        "(what is left after the permissions boundary arn:aws:iam::aws:policy/ReadOnlyAccess)") for f in reads)


def test_condition_on_a_google_grant_lowers_confidence_and_is_named(tmp_path):
    (tmp_path / "main.tf").write_text('''
resource "google_service_account" "agent" {
  account_id = "triage-agent"
}
resource "google_project_iam_member" "editor_during_incident" {
  project = "acme-prod"
  role    = "roles/editor"
  member  = google_service_account.agent.member
  condition {
    title      = "incident-window"
    expression = "request.time < timestamp(\\"2026-12-01T00:00:00Z\\")"
  }
}
resource "google_project_iam_member" "secrets" {
  project = "acme-prod"
  role    = "roles/secretmanager.secretAccessor"
  member  = google_service_account.agent.member
}
''')
    by_rule = {f.rule_id: f for f in run(str(tmp_path)).findings}
    assert by_rule["AL206"].confidence.value == "medium"
    assert by_rule["AL206"].message.endswith(", under the condition 'incident-window'")
    assert by_rule["AL401"].confidence.value == "high" and "condition" not in by_rule["AL401"].message
