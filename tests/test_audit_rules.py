"""Missing agent audit logging: low confidence, said in the message, and silenced by the team's central-logging option."""

from __future__ import annotations

from agentlint.config import Config
from agentlint.engine import scan
from helpers import run

AGENT_AND_FLOW = "fixtures/AL701/bad/agent-and-flow"


def test_one_low_confidence_finding_per_root_naming_every_bedrock_agent():
    [f] = run(AGENT_AND_FLOW, select=["AL701"]).findings
    assert (f.severity.value, f.confidence.value, f.address) == ("medium", "low", 'aws_bedrockagent_agent.support["billing"]')
    assert f.agents == ['aws_bedrockagent_agent.support["billing"]', 'aws_bedrockagent_agent.support["shipping"]',
                        "aws_bedrockagent_flow.escalation"]
    assert "unless logging is configured outside this code" in f.message


def test_central_logging_option_silences_the_rule():
    config = Config(select=["AL701"], rules={"AL701": {"options": {"central-logging": True}}})
    assert scan([AGENT_AND_FLOW], config).findings == []


def test_plan_of_an_agentcore_runtime_without_logging():
    plan = "fixtures/AL701/plan/agentcore-runtime/tfplan.json"
    found = [f for f in run(plan, rules={"AL701": {"enabled": True}}).findings if f.rule_id == "AL701"]
    assert [(f.address, f.plan, f.confidence.value) for f in found] == [
        ("aws_bedrockagentcore_agent_runtime.researcher", "fixtures/AL701/plan/agentcore-runtime/tfplan.json", "low")]


def test_vertex_without_data_access_logs_is_low_confidence_and_says_why():
    [f] = run("fixtures/AL702/bad/no-data-access-logs", select=["AL702"]).findings
    assert (f.confidence.value, f.address, f.agents) == (
        "low", "google_vertex_ai_reasoning_engine.planner", ["google_vertex_ai_reasoning_engine.planner"])
    assert "which models it calls, with what, is not recorded unless it is configured outside this code" in f.message


def test_exempted_agent_service_account_is_reported_at_the_exemption_by_reference_and_by_email():
    found = run("fixtures/AL702/bad/agent-exempted", select=["AL702"]).findings
    assert [(f.address, f.start_line, f.confidence.value, f.identity) for f in found] == [
        ("google_project_iam_audit_config.vertex", 25, "high", "google_service_account.support"),
        ("google_folder_iam_audit_config.all", 38, "high", "google_service_account.support")]


def test_missing_audit_rules_are_opt_in():
    assert not [f for f in run(AGENT_AND_FLOW).findings if f.rule_id in ("AL701", "AL702")]
    assert [f.rule_id for f in run(AGENT_AND_FLOW, rules={"AL701": {"enabled": True}}).findings
            if f.rule_id == "AL701"] == ["AL701"]
    assert [f.rule_id for f in run(AGENT_AND_FLOW, select=["AL7"]).findings] == ["AL701"]


def test_azure_account_with_metrics_only_is_reported_with_the_agent_that_uses_it():
    [f] = run("fixtures/AL703/bad/metrics-only", select=["AL703"]).findings
    assert (f.address, f.confidence.value, f.agents) == (
        "azurerm_cognitive_account.openai", "low", ["azurerm_container_app.chat"])


def test_azure_diagnostics_central_logging_option():
    config = Config(select=["AL703"], rules={"AL703": {"options": {"central-logging": True}}})
    assert scan(["fixtures/AL703/bad/foundry-project"], config).findings == []
