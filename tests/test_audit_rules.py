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
    found = [f for f in run("fixtures/AL701/plan/agentcore-runtime.tfplan.json").findings if f.rule_id == "AL701"]
    assert [(f.address, f.plan, f.confidence.value) for f in found] == [
        ("aws_bedrockagentcore_agent_runtime.researcher", "fixtures/AL701/plan/agentcore-runtime.tfplan.json", "low")]
