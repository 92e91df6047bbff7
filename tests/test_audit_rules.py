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


def test_agentcore_runtime_without_log_delivery_is_medium_confidence_and_says_why():
    [f] = run("fixtures/AL704/bad/runtime-module", select=["AL704"]).findings
    assert (f.address, f.severity.value, f.confidence.value) == (
        "module.support.aws_bedrockagentcore_agent_runtime.this", "medium", "medium")
    assert f.message.startswith("AgentCore runtime module.support.aws_bedrockagentcore_agent_runtime.this: no log "
                                "delivery source in the scanned code sends its APPLICATION_LOGS anywhere")


def test_traces_only_and_an_unpaired_source_are_both_reported():
    found = run("fixtures/AL704/bad/source-without-delivery", select=["AL704"]).findings
    assert sorted(f.address for f in found) == [
        'aws_bedrockagentcore_agent_runtime.this["intake"]', 'aws_bedrockagentcore_agent_runtime.this["planner"]',
        "aws_bedrockagentcore_gateway.tools"]
    [gateway] = [f for f in found if f.address == "aws_bedrockagentcore_gateway.tools"]
    assert "its delivery source aws_cloudwatch_log_delivery_source.gateway is paired with no destination" in gateway.message


def test_cloudtrail_with_management_events_only_names_every_store_the_agent_uses():
    [f] = run("fixtures/AL705/bad/management-only", select=["AL705"]).findings
    assert (f.address, f.severity.value, f.confidence.value) == ("aws_cloudtrail.account", "medium", "medium")
    for store in ("Lambda function aws_lambda_function.lookup (tool of agent aws_bedrockagent_agent.order_status)",
                  "DynamoDB table aws_dynamodb_table.orders", "S3 bucket aws_s3_bucket.returns"):
        assert store in f.message


def test_read_only_and_other_buckets_selectors_do_not_cover_the_agents_bucket():
    [f] = run("fixtures/AL705/bad/selectors-miss-agent-stores", select=["AL705"]).findings
    assert "S3 bucket aws_s3_bucket.corpus" in f.message and f.address == "aws_cloudtrail.data"


def test_no_trail_in_the_code_is_no_cloudtrail_finding():
    assert run("fixtures/AL704/bad/runtime-module", "fixtures/AL801/bad/agent-chain", select=["AL705"]).findings == []


def test_new_missing_audit_rules_are_opt_in_and_honour_central_logging():
    for rule, case in (("AL704", "fixtures/AL704/bad/runtime-module"), ("AL705", "fixtures/AL705/bad/management-only")):
        assert not any(f.rule_id == rule for f in run(case).findings)
        config = Config(select=[rule], rules={rule: {"options": {"central-logging": True}}})
        assert scan([case], config).findings == []
