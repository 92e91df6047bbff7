"""The identity graph: which workload runs as which identity, through what."""

from __future__ import annotations

from agentlint.config import Config
from agentlint.engine import build_graph

CASE = "fixtures/graph/aws-workloads"


def edges(graph):
    def short(node):
        return node.split("::", 1)[1]

    return {(short(u), d["rel"], short(v)) for u, v, d in graph.g.edges(data=True)}


def test_workload_identity_edges():
    g = build_graph([CASE], Config())
    e = edges(g)
    assert ("aws_instance.browser_agent", "runs_as", "aws_iam_instance_profile.ec2") in e
    assert ("aws_iam_instance_profile.ec2", "profile_role", "aws_iam_role.ec2") in e
    assert ("aws_launch_template.workers", "runs_as", "aws_iam_instance_profile.ec2") in e  # by literal name
    assert ("kubernetes_service_account_v1.agent", "assumes", "aws_iam_role.irsa") in e
    assert ("kubernetes_deployment_v1.agent", "runs_as", "kubernetes_service_account_v1.agent") in e
    assert ("kubernetes_service_account_v1.planner", "assumes", "aws_iam_role.pod_identity") in e
    assert ("aws_codebuild_project.eval", "runs_as", "aws_iam_role.build") in e
    assert ("aws_iam_role.irsa", "trusts", "aws_iam_role.build") in e
    # The task role is the workload's identity (external here); the execution role is not.
    assert ("aws_ecs_task_definition.worker", "runs_as",
            "external:arn:aws:iam::111122223333:role/external-task-role") in e
    assert not any(u == "aws_ecs_task_definition.worker" and v == "aws_iam_role.ec2" for u, _, v in e)


def test_agents_and_their_identities():
    g = build_graph([CASE], Config())
    agents = {a.address: [ev.kind for ev in a.evidence] for a in g.agents.values()}
    assert agents == {"kubernetes_deployment_v1.agent": ["image"], "aws_codebuild_project.eval": ["env-var"]}
    irsa = next(n for n in g.g if n.endswith("::aws_iam_role.irsa"))
    [path] = g.agent_paths(irsa)
    assert [g.address_of(h) for h in path.hops] == [
        "kubernetes_deployment_v1.agent", "kubernetes_service_account_v1.agent", "aws_iam_role.irsa"]


def test_configured_agent_tags():
    g = build_graph([CASE], Config.model_validate({"agents": {"tags": {}, "include": ["aws_instance.*"]}}))
    assert "aws_instance.browser_agent" in {a.address for a in g.agents.values()}
    ec2 = next(n for n in g.g if n.endswith("::aws_iam_role.ec2"))
    assert [g.address_of(p.agent) for p in g.agent_paths(ec2)] == ["aws_instance.browser_agent"]


def test_tag_rules_from_configuration(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "f" {\n  role = "x"\n  tags = { team = "ml-agents" }\n}\n'
        'resource "aws_lambda_function" "g" {\n  role = "y"\n  tags = { team = "web" }\n}\n')
    g = build_graph([str(tmp_path)], Config.model_validate({"agents": {"tags": {"team": "ml-agents"}}}))
    assert [a.address for a in g.agents.values()] == ["aws_lambda_function.f"]
    assert g.agents[next(iter(g.agents))].evidence[0].kind == "tag"
