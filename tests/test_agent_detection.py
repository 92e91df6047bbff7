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
        ("image", "agent framework image 'public.ecr.aws/example/langgraph-ops:1.0'"),
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


# -- the table of evidence: each framework is found, and what is generic is not evidence --------------------------

from agentlint.graph.agent_evidence import FRAMEWORKS, command_evidence, env_evidence, image_evidence  # noqa: E402

FRAMEWORK_IMAGES = {
    "LangGraph": "langchain/langgraph-api:3.11", "LangChain": "ghcr.io/acme/langserve-app:1",
    "CrewAI": "acme/crewai-runner:0.80", "AutoGen": "ghcr.io/acme/autogenstudio:0.4",
    "LlamaIndex": "acme/llama-index-server:2", "OpenAI Agents SDK": "acme/openai-agents-worker:1",
    "Strands Agents": "acme/strands-agents:1.0", "Bedrock AgentCore": "acme/bedrock-agentcore-app:1",
    "Google ADK": "us-docker.pkg.dev/p/cloud-run-source-deploy/adk-default-service-name:latest",
    "Semantic Kernel": "acme/semantic-kernel-agent:1", "Azure AI Agent Service SDK": "acme/azure-ai-agents:1",
    "smolagents": "acme/smolagents:1", "Pydantic AI": "acme/pydantic-ai-app:1", "Haystack": "deepset/hayhooks:0.6",
    "Letta": "letta/letta:0.6", "kagent": "ghcr.io/kagent-dev/kagent/golang-adk:0.9.12",
}


def test_every_framework_is_known_by_an_image_and_a_package():
    assert set(FRAMEWORK_IMAGES) == {fw.name for fw in FRAMEWORKS}
    for fw in FRAMEWORKS:
        ev = image_evidence(FRAMEWORK_IMAGES[fw.name])
        assert ev is not None and ev.confidence.value == "high", fw.name
        ev = command_evidence("start command", f"pip install {fw.packages[0]}==1.0 && python main.py")
        assert ev is not None and ev.detail.startswith(fw.name), fw.name


@pytest.mark.parametrize("image", [
    "python:3.12-slim", "public.ecr.aws/docker/library/python:3.11", "datadog/agent:7", "grafana/agent:v0.40",
    "jenkins/inbound-agent:latest", "amazon/aws-otel-collector:latest", "cr.fluentbit.io/fluent/fluent-bit:3.2",
    "ghcr.io/kagent-dev/kagent/ui:0.9.12", "gcr.io/google-samples/autogenerated-docs:1",
    "mcr.microsoft.com/azure-functions/python:4-python3.11"])
def test_generic_images_are_no_evidence(image):
    assert image_evidence(image) is None


@pytest.mark.parametrize("command", [
    "uvicorn app:app --host 0.0.0.0", ["python", "agent.py"], ["python", "-m", "worker"],
    "pip install -r requirements.txt", ["gunicorn", "--bind", "0.0.0.0:8080", "app:app"],
    ["/agents/bin/run", "--model-name", "resnet50"]])
def test_generic_commands_are_no_evidence(command):
    assert command_evidence("container command", command) is None


@pytest.mark.parametrize("command, framework", [
    (["crewai", "run"], "CrewAI"), ("python -m langgraph_api.server", "LangGraph"),
    (["adk", "api_server", "--port", "8080"], "Google ADK"), ("pip install 'strands-agents[otel]>=1.0'", "Strands Agents"),
    ("agentcore launch", "Bedrock AgentCore")])
def test_framework_commands(command, framework):
    assert command_evidence("start command", command).detail.startswith(framework)


def test_kagent_platform_images_other_than_agents():
    controller = image_evidence("cr.kagent.dev/kagent-dev/kagent/controller:0.7.18")
    tools = image_evidence("ghcr.io/kagent-dev/kagent/tools:0.2.1")
    assert (controller.confidence.value, tools.confidence.value) == ("medium", "high")
    assert image_evidence("cr.kagent.dev/kagent-dev/kagent/app:0.7.18").detail == (
        "agent framework image 'cr.kagent.dev/kagent-dev/kagent/app:0.7.18'")


@pytest.mark.parametrize("name, value, expected", [
    ("GOOGLE_GENAI_USE_VERTEXAI", "TRUE", [("env-var", "high")]),
    ("OPENAI_API_KEY", None, [("env-var", "high")]),
    ("LANGGRAPH_AUTH_TYPE", "noop", [("env-var", "high")]),
    ("BEDROCK_MODEL_ID", "anthropic.claude-3-5-sonnet-20240620-v1:0", [("env-var", "high"), ("model-id", "high")]),
    ("MODEL_NAME", "resnet50", [("env-var", "medium")]),
    ("GOOGLE_CLOUD_PROJECT", "p", []), ("DATABASE_URL", "postgres://db", []), ("AGENT_POOL", "linux", [])])
def test_environment_evidence(name, value, expected):
    assert [(e.kind, e.confidence.value) for e in env_evidence(name, value)] == expected


MANIFEST_DEPLOYMENT = '''
resource "kubernetes_manifest" "planner" {
  manifest = {
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata = {
      name      = "planner"
      namespace = "agents"
      labels    = { "app.kubernetes.io/component" = "agent" }
    }
    spec = {
      template = {
        spec = {
          containers = [{ name = "planner", image = "python:3.12-slim", command = ["crewai", "run"] }]
        }
      }
    }
  }
}
'''


def test_a_manifest_deployment_is_an_agent_by_its_own_label_and_its_command(tmp_path):
    (tmp_path / "main.tf").write_text(MANIFEST_DEPLOYMENT)
    [agent] = run(str(tmp_path)).agents
    assert [(e.kind, e.detail, e.confidence.value) for e in agent.evidence] == [
        ("tag", "tag app.kubernetes.io/component = 'agent'", "medium"),
        ("command", "CrewAI ('crewai') in the container command", "high")]


IMAGES_AND_COMMANDS = '''
resource "azurerm_linux_function_app" "docker" {
  name = "summariser"
  site_config {
    application_stack {
      docker {
        registry_url = "https://acrexample.azurecr.io"
        image_name   = "agents/crewai-summariser"
        image_tag    = "1.2"
      }
    }
  }
}

resource "azurerm_app_service" "legacy" {
  name = "legacy"
  site_config {
    linux_fx_version = "DOCKER|acrexample.azurecr.io/langgraph-api:0.2"
  }
}

resource "azurerm_windows_web_app" "plain" {
  name = "plain"
  site_config {
    application_stack {
      docker_image_name   = "iis/aspnet:4.8"
      docker_registry_url = "https://mcr.microsoft.com"
    }
  }
}

resource "aws_apprunner_service" "image" {
  service_name = "image"
  source_configuration {
    image_repository {
      image_identifier      = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/ops:3"
      image_repository_type = "ECR"
      image_configuration {
        start_command = "python -m strands_agents.serve"
      }
    }
  }
}

resource "aws_lambda_function" "container" {
  function_name = "container"
  role          = "arn:aws:iam::111122223333:role/container"
  package_type  = "Image"
  image_uri     = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/fn:1"
  image_config {
    command = ["app.handler"]
    entry_point = ["/usr/local/bin/python", "-m", "awslambdaric"]
  }
}
'''


def test_docker_images_of_app_service_and_start_commands(tmp_path):
    (tmp_path / "main.tf").write_text(IMAGES_AND_COMMANDS)
    agents = {a.address: [e.detail for e in a.evidence] for a in run(str(tmp_path)).agents}
    assert agents == {
        "azurerm_linux_function_app.docker": ["agent framework image "
                                              "'acrexample.azurecr.io/agents/crewai-summariser:1.2'"],
        "azurerm_app_service.legacy": ["agent framework image 'acrexample.azurecr.io/langgraph-api:0.2'"],
        "aws_apprunner_service.image": ["Strands Agents ('strands_agents') in the start command"],
    }
