"""Unauthenticated agent endpoints: the critical case carries the whole path, endpoint to policy, in every output."""

from __future__ import annotations

import json

from click.testing import CliRunner

from agentlint.cli import main
from conftest import ROOT
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


# -- multi-agent chains ----------------------------------------------------------------------------------------

CHAIN = "fixtures/AL801/bad/agent-chain"
CHAIN_PATH = [
    ("endpoint", "aws_lambda_function_url.frontdesk"),
    ("agent", "aws_lambda_function.frontdesk"),
    ("identity", "aws_iam_role.frontdesk"),
    ("policy", "aws_iam_role_policy.frontdesk"),
    ("statement", "data.aws_iam_policy_document.frontdesk"),
    ("agent", 'module.agents["supervisor"].aws_bedrockagent_agent.this'),
    ("collaborator", "aws_bedrockagent_agent_collaborator.ops"),
    ("agent", 'module.agents["ops"].aws_bedrockagent_agent.this'),
    ("identity", 'module.agents["ops"].aws_iam_role.this'),
    ("attachment", 'module.agents["ops"].aws_iam_role_policy_attachment.this["arn:aws:iam::aws:policy/AdministratorAccess"]'),
    ("policy", "arn:aws:iam::aws:policy/AdministratorAccess")]


def test_public_endpoint_driving_an_administrator_through_two_agents_is_critical_with_the_whole_chain():
    [f] = run(CHAIN, select=["AL801"]).findings
    assert (f.severity.value, f.address, f.start_line) == ("critical", "aws_lambda_function_url.frontdesk", 87)
    assert [(s.role, s.address) for s in f.trace] == CHAIN_PATH
    assert f.trace[4].note == "statement 'AskSupervisor'"
    assert f.message == (
        "aws_lambda_function_url.frontdesk: function URL with authorization_type NONE lets anyone on the internet "
        "invoke agent aws_lambda_function.frontdesk, which runs as role aws_iam_role.frontdesk; it can drive agent "
        'module.agents["ops"].aws_bedrockagent_agent.this (through agent '
        'module.agents["supervisor"].aws_bedrockagent_agent.this), which runs as role '
        'module.agents["ops"].aws_iam_role.this with administrator access (AWS managed policy AdministratorAccess), '
        "so anyone who can call the endpoint holds it")


def test_chain_text_output_shows_every_hop():
    out = CliRunner().invoke(main, ["scan", CHAIN, "--select", "AL801", "--fail-on", "none"]).output
    assert ("path: aws_lambda_function_url.frontdesk -> aws_lambda_function.frontdesk -> aws_iam_role.frontdesk -> "
            "aws_iam_role_policy.frontdesk -> data.aws_iam_policy_document.frontdesk [statement 'AskSupervisor'] -> "
            'module.agents["supervisor"].aws_bedrockagent_agent.this -> aws_bedrockagent_agent_collaborator.ops -> '
            'module.agents["ops"].aws_bedrockagent_agent.this -> module.agents["ops"].aws_iam_role.this -> ') in out


def test_chain_sarif_related_locations_follow_every_agent():
    out = CliRunner().invoke(main, ["scan", CHAIN, "--format", "sarif", "--fail-on", "none"]).output
    [result] = [r for r in json.loads(out)["runs"][0]["results"] if r["ruleId"] == "AL801"]
    assert [loc["message"]["text"].split(":")[0] for loc in result["relatedLocations"]] == [
        "endpoint", "agent", "identity", "policy", "statement", "agent", "collaborator", "agent", "identity",
        "attachment"]


def test_chain_markdown_diagram(snapshot):
    from agentlint.outputs import markdown

    text = markdown.render(run(CHAIN, select=["AL801"]), limit=10**9)
    diagram = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert ' -->|"invokes"| ' in diagram and diagram.count("aws_bedrockagent_agent.this") == 2
    assert diagram == snapshot


def test_plan_of_the_chain_goes_through_the_supervisor():
    [f] = [f for f in run("fixtures/AL801/plan/agent-chain/tfplan.json").findings if f.rule_id == "AL801"]
    assert (f.severity.value, f.path, f.start_line) == ("critical", "fixtures/AL801/plan/agent-chain/main.tf", 84)
    assert [s.address for s in f.trace if s.role in ("agent", "collaborator")] == [
        "aws_lambda_function.frontdesk", 'module.agents["supervisor"].aws_bedrockagent_agent.this',
        "aws_bedrockagent_agent_collaborator.ops", 'module.agents["ops"].aws_bedrockagent_agent.this']


def test_agentcore_resource_policy_open_to_any_principal_on_runtime_and_endpoint():
    found = run("fixtures/AL801/bad/agentcore-open-policy", select=["AL801"]).findings
    assert sorted((f.address, f.severity.value) for f in found) == [
        ('aws_bedrockagentcore_resource_policy.concierge["endpoint"]', "high"),
        ('aws_bedrockagentcore_resource_policy.concierge["runtime"]', "high")]
    assert all("any AWS principal ('*') call bedrock-agentcore:InvokeAgentRuntime, with no condition, on agent "
               "aws_bedrockagentcore_agent_runtime.concierge" in f.message for f in found)


def test_scoped_agentcore_resource_policy_is_not_reported():
    assert run("fixtures/AL801/good/agentcore-policy-scoped", select=["AL801"]).findings == []


def test_invoke_every_agent_is_ranked_by_the_most_powerful_agent_reached():
    [critical] = run("fixtures/AL804/bad/router-any-agent", select=["AL804"]).findings
    assert (critical.severity.value, critical.identity) == ("critical", "aws_iam_role.router")
    assert [(s.role, s.address) for s in critical.trace][:5] == [
        ("agent", "aws_lambda_function.router"), ("identity", "aws_iam_role.router"),
        ("policy", "aws_iam_role_policy.router"), ("statement", "aws_iam_role_policy.router"),
        ("agent", 'aws_bedrockagent_agent.specialist["access"]')]
    assert "near-administrator access" in critical.message
    [high] = run("fixtures/AL804/bad/agentcore-orchestrator", select=["AL804"]).findings
    assert (high.severity.value, high.address, high.start_line) == (
        "high", "data.aws_iam_policy_document.orchestrate", 57)
    assert high.message.endswith('in the scanned code it reaches agent aws_bedrockagentcore_agent_runtime.this["researcher"]')


def test_invoke_every_agent_without_other_agents_in_the_code_is_left_to_al203(tmp_path):
    (tmp_path / "main.tf").write_text((ROOT / "fixtures/AL804/bad/router-any-agent/main.tf").read_text().replace(
        'resource "aws_bedrockagent_agent" "specialist"', 'resource "aws_bedrockagent_prompt" "specialist"'))
    assert run(str(tmp_path), select=["AL804"]).findings == []
    assert any(f.identity == "aws_iam_role.router" and "invoke any Bedrock agent" in f.message
               for f in run(str(tmp_path), select=["AL203"]).findings)


def test_named_aliases_draw_no_invoke_every_finding_and_no_edge_to_unknown_agents():
    assert run("fixtures/AL804/good/named-aliases", select=["AL804"]).findings == []


def test_invoke_edges_in_the_graph():
    from agentlint.config import Config
    from agentlint.engine import build_graph
    from agentlint.graph.schema import Rel

    g = build_graph([CHAIN], Config())
    edges = sorted((g.address_of(e.source), g.address_of(e.target), e.attr, e.scope)
                   for e in g.relations(Rel.INVOKES_AGENT))
    every = "every agent of the account ({})"
    ops, supervisor = 'module.agents["ops"]', 'module.agents["supervisor"]'
    assert edges == [
        ("aws_iam_role.frontdesk", f"{supervisor}.aws_bedrockagent_agent.this", "bedrock:InvokeAgent", None),
        # AdministratorAccess allows every invoke action on every agent: one edge to the node standing for all of
        # them (the code's agents are listed when a chain is walked, see the next test), not one per agent.
        (f"{ops}.aws_iam_role.this", every.format("bedrock-agentcore:InvokeAgentRuntime"),
         "bedrock-agentcore:InvokeAgentRuntime", "*"),
        (f"{ops}.aws_iam_role.this", every.format("bedrock:InvokeAgent"), "bedrock:InvokeAgent", "*"),
        (f"{supervisor}.aws_bedrockagent_agent.this", f"{ops}.aws_bedrockagent_agent.this",
         "agent_descriptor.alias_arn", None)]


def test_a_grant_on_every_agent_drives_the_agents_of_the_code():
    """The every-agent node stands for the code's agents too: walking from the administrator role reaches both."""
    from agentlint.config import Config
    from agentlint.engine import build_graph
    from agentlint.rule import RuleContext
    from agentlint.rules.al8_agent_chain import driven_agents

    g = build_graph([CHAIN], Config())
    ctx = RuleContext(g, ran_rules=set())
    ops = 'module.agents["ops"]'
    role = next(n for n in g.principals() if g.address_of(n) == f"{ops}.aws_iam_role.this")
    assert sorted(g.address_of(r.agent) for r in driven_agents(ctx, role, identity_only=True)) == [
        'module.agents["supervisor"].aws_bedrockagent_agent.this']  # its own agent is left out


def test_chain_to_agents_without_power_stays_high_and_names_them(tmp_path):
    import shutil

    shutil.copytree(ROOT / CHAIN, tmp_path / "case")
    main_tf = tmp_path / "case" / "main.tf"
    main_tf.write_text(main_tf.read_text().replace('["arn:aws:iam::aws:policy/AdministratorAccess"]', "[]"))
    [f] = run(str(tmp_path / "case"), select=["AL801"]).findings
    assert f.severity.value == "high"
    assert f.message.endswith("which runs as role aws_iam_role.frontdesk; it can drive agent "
                              'module.agents["supervisor"].aws_bedrockagent_agent.this')
    assert [s.role for s in f.trace] == ["endpoint", "agent", "identity", "policy", "statement", "agent", "identity"]
