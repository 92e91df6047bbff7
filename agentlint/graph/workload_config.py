"""What a workload runs, read from its configuration: environment variables (names and values), container images,
and start or build commands. Agent detection reads all three; rules read the environment (AL305).

Attribute paths from the provider docs:
- hashicorp/aws 5.x / 6.x: `aws_lambda_function` (`environment.variables`, `image_uri`, `image_config.command` /
  `entry_point`); `aws_ecs_task_definition.container_definitions` (JSON or `jsonencode`: `image`, `command`,
  `entryPoint`, `environment[{name, value}]`, `secrets[{name, valueFrom}]`), `aws_batch_job_definition`
  (`container_properties`, same shape); `aws_apprunner_service.source_configuration`: `image_repository`
  (`image_identifier`, `image_configuration.{start_command, runtime_environment_variables,
  runtime_environment_secrets}`) or `code_repository.code_configuration.code_configuration_values` (`build_command`,
  `start_command`, `runtime_environment_variables`, `runtime_environment_secrets`).
- hashicorp/google 5.x / 6.x: Cloud Run `google_cloud_run_v2_service.template.containers`,
  `google_cloud_run_v2_job.template.template.containers`, `google_cloud_run_service.template.spec.containers`
  (`image`, `command`, `args`, `env{name, value}`); Cloud Functions `environment_variables`.
- hashicorp/azurerm 3.x / 4.x: `azurerm_container_app.template.container` (`image`, `command`, `args`,
  `env{name, value | secret_name}`); App Service and Function Apps `app_settings`, `site_config.app_command_line`,
  `site_config.application_stack.{docker_image_name, docker_registry_url}` (web apps; 3.x also `docker_image` +
  `docker_image_tag`), `site_config.application_stack.docker{registry_url, image_name, image_tag}` (function apps),
  `site_config.linux_fx_version = "DOCKER|image"` (the older `azurerm_app_service` / `azurerm_function_app`).
- hashicorp/kubernetes 2.x: pod specs' `container` / `init_container` (`image`, `command`, `args`, `env`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from agentlint.model import Resource
from agentlint.values import ProviderDefault, Unknown, blocks, first_block, follow_blocks

# Cloud Run: the block that holds `containers`.
GCP_CONTAINERS = {"google_cloud_run_v2_service": ("template",), "google_cloud_run_v2_job": ("template", "template"),
                  "google_cloud_run_service": ("template", "spec")}
APP_SERVICE_TYPES = ("azurerm_linux_function_app", "azurerm_windows_function_app", "azurerm_linux_web_app",
                     "azurerm_windows_web_app", "azurerm_function_app", "azurerm_app_service",
                     "azurerm_logic_app_standard")
# Every type whose environment `workload_config` reads below (Kubernetes pod-bearing types: kubernetes.K8S_POD_SPEC).
ENV_WORKLOAD_TYPES = (
    "aws_lambda_function", "aws_ecs_task_definition", "aws_batch_job_definition", "aws_apprunner_service",
    "aws_codebuild_project", "aws_bedrockagentcore_agent_runtime", "awscc_bedrockagentcore_runtime",
    *GCP_CONTAINERS, "google_cloudfunctions_function", "google_cloudfunctions2_function", *APP_SERVICE_TYPES,
    "azurerm_container_app", "google_vertex_ai_reasoning_engine",
)


@dataclass
class WorkloadConfig:
    env: list[tuple[str, Any]] = field(default_factory=list)  # (name, value); value None for a secret reference
    images: list[str] = field(default_factory=list)
    commands: list[tuple[str, Any]] = field(default_factory=list)  # (which command, a string or a list of words)
    # What would name the image but is unknown (ECS / Batch containers, a Lambda image): (what, the Unknown, whose
    # references say where the image comes from: an `aws_ecr_repository` of the same code or plan).
    unknown_images: list[tuple[str, Unknown]] = field(default_factory=list)

    def container(self, c: dict, env_key: str = "env", commands: tuple[str, ...] = ("command", "args")) -> None:
        """A container in the Kubernetes / Cloud Run / Container Apps shape."""
        for item in blocks(c.get(env_key)):
            if isinstance(item.get("name"), str):
                self.env.append((item["name"], item.get("value")))
        if isinstance(c.get("image"), str):
            self.images.append(c["image"])
        for key in commands:
            if c.get(key) not in (None, "", []):
                self.commands.append((f"container {key}", c[key]))


def workload_config(res: Resource) -> WorkloadConfig:
    v = res.values
    out = WorkloadConfig()
    t = res.type
    if t == "aws_lambda_function":
        variables = first_block(v.get("environment")).get("variables")
        if isinstance(variables, dict):
            out.env.extend(variables.items())
        if isinstance(v.get("image_uri"), str):
            out.images.append(v["image_uri"])
        elif _unknown(v.get("image_uri")):
            out.unknown_images.append(("image_uri", v["image_uri"]))
        image_config = first_block(v.get("image_config"))
        for key in ("entry_point", "command"):
            if image_config.get(key):
                out.commands.append((f"image {key.replace('_', ' ')}", image_config[key]))
    elif t in ("aws_ecs_task_definition", "aws_batch_job_definition"):
        raw = v.get("container_definitions") if t == "aws_ecs_task_definition" else v.get("container_properties")
        containers = _json_value(raw)
        if isinstance(containers, dict):
            containers = [containers]
        if _unknown(raw):
            out.unknown_images.append(("container_definitions" if t == "aws_ecs_task_definition"
                                       else "container_properties", raw))
        for c in containers if isinstance(containers, list) else []:
            if not isinstance(c, dict):
                continue
            out.container(c, env_key="environment", commands=("entryPoint", "command"))
            if _unknown(c.get("image")):
                out.unknown_images.append((f"image of container {c.get('name')!r}" if isinstance(
                    c.get("name"), str) else "container image", c["image"]))
            for item in blocks(c.get("secrets")):
                if isinstance(item.get("name"), str):
                    out.env.append((item["name"], None))
    elif t == "aws_apprunner_service":
        source = first_block(v.get("source_configuration"))
        image_repo = first_block(source.get("image_repository"))
        code_values = follow_blocks(source, ("code_repository", "code_configuration", "code_configuration_values"))
        for config in (first_block(image_repo.get("image_configuration")), code_values):
            for key in ("runtime_environment_variables", "runtime_environment_secrets"):
                if isinstance(config.get(key), dict):
                    out.env.extend(config[key].items())
            for key in ("start_command", "build_command"):
                if config.get(key):
                    out.commands.append((key.replace("_", " "), config[key]))
        if isinstance(image_repo.get("image_identifier"), str):
            out.images.append(image_repo["image_identifier"])
    elif t == "aws_codebuild_project":
        for item in blocks(first_block(v.get("environment")).get("environment_variable")):
            if isinstance(item.get("name"), str):
                plain = item.get("type", "PLAINTEXT") == "PLAINTEXT"
                out.env.append((item["name"], item.get("value") if plain else None))
    elif t in ("aws_bedrockagentcore_agent_runtime", "awscc_bedrockagentcore_runtime"):
        variables = v.get("environment_variables")
        if isinstance(variables, dict):
            out.env.extend(variables.items())
    elif t in GCP_CONTAINERS:
        for c in blocks(follow_blocks(v, GCP_CONTAINERS[t]).get("containers")):
            out.container(c)
    elif t in ("google_cloudfunctions_function", "google_cloudfunctions2_function"):
        holder = v if t == "google_cloudfunctions_function" else first_block(v.get("service_config"))
        if isinstance(holder.get("environment_variables"), dict):
            out.env.extend(holder["environment_variables"].items())
    elif t in APP_SERVICE_TYPES:
        if isinstance(v.get("app_settings"), dict):
            out.env.extend(v["app_settings"].items())
        _app_service_site(first_block(v.get("site_config")), out)
    elif t == "azurerm_container_app":
        for c in blocks(first_block(v.get("template")).get("container")):
            out.container(c)
    elif t == "google_vertex_ai_reasoning_engine":
        for item in blocks(follow_blocks(v, ("spec", "deployment_spec")).get("env")):
            if isinstance(item.get("name"), str):
                out.env.append((item["name"], item.get("value")))
    elif t.startswith("kubernetes_"):
        from agentlint.graph.kubernetes import K8S_POD_SPEC

        path = K8S_POD_SPEC.get(t)
        if path:
            spec = follow_blocks(v, path)
            for c in blocks(spec.get("container")) + blocks(spec.get("init_container")):
                out.container(c)
    return out


def _app_service_site(site: dict, out: WorkloadConfig) -> None:
    if site.get("app_command_line"):
        out.commands.append(("startup command (site_config.app_command_line)", site["app_command_line"]))
    stack = first_block(site.get("application_stack"))
    name = stack.get("docker_image_name") or stack.get("docker_image")
    if isinstance(name, str):
        registry = stack.get("docker_registry_url")
        host = registry.split("://", 1)[-1].rstrip("/") + "/" if isinstance(registry, str) and registry else ""
        tag = stack.get("docker_image_tag")
        out.images.append(host + name + (f":{tag}" if isinstance(tag, str) and tag else ""))
    for docker in blocks(stack.get("docker")):
        if isinstance(docker.get("image_name"), str):
            registry = docker.get("registry_url")
            host = registry.split("://", 1)[-1].rstrip("/") + "/" if isinstance(registry, str) and registry else ""
            tag = docker.get("image_tag")
            out.images.append(host + docker["image_name"] + (f":{tag}" if isinstance(tag, str) and tag else ""))
    fx = site.get("linux_fx_version")
    if isinstance(fx, str) and fx.upper().startswith("DOCKER|"):
        out.images.append(fx.split("|", 1)[1])


def environment_of(res: Resource) -> tuple[list[tuple[str, Any]], list[str]]:
    """(environment variable names and values, container images) of a compute resource."""
    config = workload_config(res)
    return config.env, config.images


def _unknown(value: Any) -> bool:
    """Unknown to agentlint, not a default the provider fills in (an image a Lambda without one does not have)."""
    return isinstance(value, Unknown) and not isinstance(value, ProviderDefault)


def _json_value(raw: Any) -> Any:
    if isinstance(raw, (list, dict)):
        return raw
    if isinstance(raw, str):
        if isinstance(getattr(raw, "decoded", None), (list, dict)):
            return raw.decoded  # jsonencode's own object: values keep where they came from (var.x)
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return None
    if isinstance(raw, Unknown):
        return None
    return None
