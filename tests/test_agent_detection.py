"""Agent detection per workload kind (fixtures/agents/<kind>/{bad,good}/<case>/): which workloads are agents, with
what evidence and confidence (`agents.json`), and every finding with the agents it names, which proves the
workload -> identity wiring (the over-provisioned identity is reported as the agent's). A `bad` case has an agent;
a `good` case has none: its over-provisioned identity is still reported, one level lower and without agents."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from conftest import FIXTURES, expected_findings, rel
from helpers import run

CASES = sorted(p for p in FIXTURES.glob("agents/*/*/*") if p.is_dir() and p.parent.name in ("bad", "good"))


def observed(report) -> dict:
    return {
        "agents": {a.address: [e.model_dump(mode="json") for e in a.evidence] for a in report.agents},
        "findings": sorted([{"rule": f.rule_id, "address": f.address, "severity": f.severity.value,
                             "confidence": f.confidence.value, "agents": f.agents} for f in report.findings],
                           key=lambda f: (f["rule"], f["address"], f["agents"])),
    }


@pytest.mark.parametrize("case", CASES, ids=[rel(c).removeprefix("fixtures/agents/") for c in CASES])
def test_agents_and_findings(case):
    report = run(rel(case))
    assert report.errors == []
    assert Counter((f.path, f.start_line, f.rule_id) for f in report.findings) == expected_findings(case)
    expected = json.loads((case / "agents.json").read_text())
    assert observed(report) == expected
    if case.parent.name == "good":
        assert expected["agents"] == {} and all(f["agents"] == [] for f in expected["findings"])
    else:
        agents = set(expected["agents"])
        assert agents and any(set(f["agents"]) & agents for f in expected["findings"])


def test_every_workload_kind_has_a_bad_and_a_good_case():
    kinds = {c.parent.parent.name for c in CASES}
    assert kinds >= {"apprunner", "ecs", "container-apps", "app-service", "cloud-run", "kubernetes"}
    for kind in kinds:
        assert {c.parent.name for c in CASES if c.parent.parent.name == kind} == {"bad", "good"}, kind


USER_TAGGED_AND_CARRIED = '''
resource "aws_iam_user" "bot" {
  name = "ops-bot"
  tags = { "agentlint:agent" = "true" }
}

resource "aws_iam_access_key" "bot" {
  user = aws_iam_user.bot.name
}

resource "aws_apprunner_service" "bot" {
  service_name = "ops-bot"
  source_configuration {
    image_repository {
      image_identifier      = "public.ecr.aws/example/langgraph-ops:1.0"
      image_repository_type = "ECR_PUBLIC"
      image_configuration {
        runtime_environment_variables = { AWS_ACCESS_KEY_ID = aws_iam_access_key.bot.id }
      }
    }
  }
}
'''


def test_agent_user_and_the_workload_using_it_are_one_agent(tmp_path):
    """The workload carrying a tagged user's key is the agent, with the user's tag as its evidence: one agent, so
    no AL308 (once a known gap)."""
    (tmp_path / "main.tf").write_text(USER_TAGGED_AND_CARRIED)
    report = run(str(tmp_path))
    assert report.errors == []
    assert "AL308" not in {f.rule_id for f in report.findings}
    [agent] = report.agents
    assert agent.address == "aws_apprunner_service.bot"
    assert [(e.kind, e.detail) for e in agent.evidence] == [
        ("image", "LangGraph agent image 'public.ecr.aws/example/langgraph-ops:1.0'"),
        ("tag", "tag agentlint:agent = 'true' on aws_iam_user.bot, whose access key it carries")]


def test_a_tagged_user_whose_key_no_workload_carries_stays_the_agent(tmp_path):
    (tmp_path / "main.tf").write_text(USER_TAGGED_AND_CARRIED.split('resource "aws_apprunner_service"')[0])
    assert [a.address for a in run(str(tmp_path)).agents] == ["aws_iam_user.bot"]




def test_an_ecs_agent_is_found_in_a_real_plan_and_reaches_its_task_role():
    plan = "fixtures/AL201/plan/ecs-crewai-task/tfplan.json"
    report = run(plan)
    assert report.errors == []
    assert {a.address: [(e.kind, e.detail, e.confidence.value) for e in a.evidence] for a in report.agents} == {
        "aws_ecs_task_definition.crew": [("command", "CrewAI ('crewai') in the container command", "high")]}
    assert [(f.rule_id, f.address, f.agents) for f in report.findings] == [
        ("AL201", "aws_iam_role_policy_attachment.task_admin", ["aws_ecs_task_definition.crew"])]
