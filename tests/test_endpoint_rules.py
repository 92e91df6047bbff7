"""Unauthenticated agent endpoints: the critical case carries the whole path, endpoint to policy, in every output."""

from __future__ import annotations

import json

from click.testing import CliRunner

from agentlint.cli import main
from helpers import run

ADMIN_TOOL = "fixtures/AL801/bad/function-url-admin-tool"


def test_public_url_on_an_administrator_tool_is_critical_with_the_whole_path():
    [f] = [f for f in run(ADMIN_TOOL).findings if f.rule_id == "AL801"]
    assert (f.severity.value, f.address, f.start_line) == ("critical", "aws_lambda_function_url.runbook_debug", 27)
    assert [(s.role, s.address) for s in f.trace] == [
        ("endpoint", "aws_lambda_function_url.runbook_debug"),
        ("agent", "aws_bedrockagent_agent.ops"),
        ("tool", "module.ops_tool.aws_lambda_function.this"),
        ("identity", "module.ops_tool.aws_iam_role.this"),
        ("attachment", 'module.ops_tool.aws_iam_role_policy_attachment.this["arn:aws:iam::aws:policy/AdministratorAccess"]'),
        ("policy", "arn:aws:iam::aws:policy/AdministratorAccess")]


def test_critical_without_the_admin_rule_running():
    [f] = run(ADMIN_TOOL, select=["AL801"]).findings
    assert f.severity.value == "critical" and f.trace[-1].address == "arn:aws:iam::aws:policy/AdministratorAccess"


def test_scoped_identity_behind_a_public_permission_is_high():
    found = run("fixtures/AL801/bad/public-permissions").findings
    assert sorted((f.address, f.severity.value) for f in found) == [
        ('aws_lambda_permission.invoke["api"]', "high"), ('aws_lambda_permission.invoke["partner"]', "high")]


def test_sarif_related_locations_follow_the_path():
    out = CliRunner().invoke(main, ["scan", ADMIN_TOOL, "--format", "sarif", "--fail-on", "none"]).output
    [result] = [r for r in json.loads(out)["runs"][0]["results"] if r["ruleId"] == "AL801"]
    assert [loc["message"]["text"].split(":")[0] for loc in result["relatedLocations"]] == [
        "endpoint", "agent", "tool", "identity", "attachment"]


def test_plan_of_a_public_admin_agent_is_critical_through_configuration_references():
    [f] = [f for f in run("fixtures/AL801/plan/public-admin-agent/tfplan.json").findings if f.rule_id == "AL801"]
    # The configuration the plan was made from sits beside it: the finding is located at its authorization_type line.
    assert (f.severity.value, f.address, f.path, f.start_line, f.plan) == (
        "critical", "aws_lambda_function_url.agent", "fixtures/AL801/plan/public-admin-agent/main.tf", 32,
        "fixtures/AL801/plan/public-admin-agent/tfplan.json")
    assert [s.address for s in f.trace] == [
        "aws_lambda_function_url.agent", "aws_lambda_function.agent", "aws_iam_role.agent",
        "aws_iam_role_policy_attachment.admin", "arn:aws:iam::aws:policy/AdministratorAccess"]


def test_public_cloud_run_agent_with_editor_is_critical_with_the_grant_in_the_path():
    [f] = run("fixtures/AL802/bad/cloud-run-v2-editor", select=["AL802"]).findings
    assert f.severity.value == "critical"
    assert [(s.role, s.address) for s in f.trace] == [
        ("endpoint", "google_cloud_run_v2_service_iam_member.public"),
        ("agent", "google_cloud_run_v2_service.concierge"),
        ("identity", "google_service_account.concierge"),
        ("grant", "google_project_iam_member.concierge_editor")]


def test_all_authenticated_users_is_named_for_what_it_is():
    found = run("fixtures/AL802/bad/functions-and-v1", select=["AL802"]).findings
    assert sorted((f.address, f.severity.value) for f in found) == [
        ("google_cloud_run_service_iam_policy.intake_web", "high"),
        ('google_cloudfunctions2_function_iam_binding.invokers["followup"]', "high"),
        ('google_cloudfunctions2_function_iam_binding.invokers["intake"]', "high")]
    authenticated = [f for f in found if "allAuthenticatedUsers" in f.message]
    assert all("anyone with a Google account" in f.message and "without authentication" not in f.message
               for f in authenticated) and len(authenticated) == 2


def test_azure_app_letting_anonymous_callers_through_is_critical_with_the_assignment_in_the_path():
    [f] = run("fixtures/AL803/bad/app-service-anonymous", select=["AL803"]).findings
    assert (f.severity.value, f.confidence.value, f.address) == ("critical", "high", "azurerm_linux_web_app.triage")
    assert "lets anonymous callers through" in f.message
    assert [(s.role, s.address) for s in f.trace] == [
        ("agent", "azurerm_linux_web_app.triage"), ("identity", "azurerm_user_assigned_identity.triage"),
        ("assignment", "azurerm_role_assignment.triage")]


def test_container_app_auth_config_written_with_azapi_protects_the_app():
    assert run("fixtures/AL803/good/authenticated", select=["AL803"]).findings == []


def test_markdown_diagram_draws_the_endpoint_into_the_tool_it_invokes():
    out = CliRunner().invoke(main, ["scan", ADMIN_TOOL, "--format", "markdown", "--fail-on", "none"]).output
    assert 'n5["aws_lambda_function_url.runbook_debug<br/>⚠ AL801 critical"]:::finding' in out
    assert 'n5 -->|"invokes"| n1' in out and 'n1 -->|"runs as"| n2' in out and 'n2 -->|"attached"| n3' in out
