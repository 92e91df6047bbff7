"""A planned workload whose container configuration is known only after apply is still read for agent evidence.

`fixtures/AL101/plan/ecs-image-from-ecr`: two ECS tasks whose images come from ECR repositories created in the same
apply, so the plan has no `container_definitions` for either (README there).
"""

from __future__ import annotations

import shutil

from conftest import FIXTURES, rel

from agentlint.config import Config
from agentlint.graph.agents import evidence_for
from agentlint.inventory.build import inventory
from agentlint.loaders.plan_code_values import fill_from_code
from agentlint.loaders.plan_source import _same_instance
from agentlint.model import Confidence, Resource
from agentlint.values import SENSITIVE, ProviderDefault, Ref, Unknown

CASE = FIXTURES / "AL101" / "plan" / "ecs-image-from-ecr"
REPOSITORY = "agent framework image from ECR repository 'support/research-crewai' (aws_ecr_repository.researcher)"


def _evidence(path: str) -> dict[str, list[tuple[str, str]]]:
    inv = inventory([path], Config())
    assert inv["errors"] == []
    return {a["address"]: [(e["detail"], e.get("confidence", "high")) for e in a["evidence"]] for a in inv["agents"]}


def test_container_definitions_unknown_in_the_plan_are_read_from_the_code_beside_it():
    found = _evidence(rel(CASE / "tfplan.json"))
    assert found["aws_ecs_task_definition.assistant"] == [
        ("environment variable BEDROCK_MODEL_ID (model setting)", "high"),
        ("model ID 'anthropic.claude-3-5-sonnet-20240620-v1:0' in BEDROCK_MODEL_ID", "high"),
        ("environment variable LANGSMITH_API_KEY (LLM provider credential or setting)", "high")]
    assert found["aws_ecs_task_definition.researcher"] == [(f"{REPOSITORY} in image of container 'crew'", "high")]
    # The code alone says the same.
    assert _evidence(rel(CASE / "main.tf")) == found


def test_without_the_code_an_unknown_image_is_listed_with_low_confidence_and_its_repository_still_counts(tmp_path):
    shutil.copy(CASE / "tfplan.json", tmp_path / "tfplan.json")
    found = _evidence(str(tmp_path / "tfplan.json"))
    assert found == {
        "aws_ecs_task_definition.assistant": [
            ("image unknown until apply (container_definitions): cannot tell whether it runs an agent", "low")],
        "aws_ecs_task_definition.researcher": [(f"{REPOSITORY} in container_definitions", "high")]}


def _plan_task(value) -> Resource:
    return Resource(address="aws_ecs_task_definition.t", mode="managed", type="aws_ecs_task_definition", name="t",
                    vals={"container_definitions": value}, path="tfplan.json", stack="tfplan.json", source="plan")


def test_only_an_unknown_planned_document_is_taken_from_the_code():
    code = _plan_task([{"name": "app", "environment": [{"name": "OPENAI_API_KEY", "value": "x"}]}])
    code.source = "hcl"
    for kept in ('[{"name":"app"}]', SENSITIVE, ProviderDefault("(known after apply)")):
        task = _plan_task(kept)
        assert not fill_from_code(task, code) and task.values["container_definitions"] == kept
    task = _plan_task(Unknown("(known after apply)"))
    assert not fill_from_code(task, _plan_task(Unknown("var.containers")))  # the code does not know it either
    assert fill_from_code(task, code) and task.values["container_definitions"][0]["name"] == "app"


def test_the_code_of_another_instance_is_never_read_for_this_one():
    def res(address):
        return Resource(address=address, mode="managed", type="aws_ecs_task_definition", name="t", vals={},
                        path="main.tf", stack=".")
    first, other = res('aws_ecs_task_definition.t["a"]'), res('aws_ecs_task_definition.t["b"]')
    index = {"aws_ecs_task_definition.t": first, first.address: first, other.address: other}
    assert _same_instance(res('aws_ecs_task_definition.t["b"]'), first, index) is other
    assert _same_instance(res('aws_ecs_task_definition.t["c"]'), first, index) is None
    single = res("aws_ecs_task_definition.t")
    assert _same_instance(res("aws_ecs_task_definition.t[0]"), single, {"aws_ecs_task_definition.t": single}) is single


def test_a_lambda_image_unknown_until_apply_is_low_confidence_only_in_a_plan():
    def fn(image_uri, source="plan"):
        return Resource(address="aws_lambda_function.f", mode="managed", type="aws_lambda_function", name="f",
                        vals={"image_uri": image_uri}, path="p", stack="p", source=source)
    unknown = Unknown("(known after apply)", (Ref("aws_ecr_repository.app", "repository_url"),))
    [ev] = evidence_for(fn(unknown), {})
    assert ev.confidence is Confidence.LOW and "image_uri" in ev.detail
    assert evidence_for(fn(unknown, source="hcl"), {}) == []  # code: a variable without a value, no claim
    assert evidence_for(fn(ProviderDefault("(known after apply)")), {}) == []  # a zip function has no image
