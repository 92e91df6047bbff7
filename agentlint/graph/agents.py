"""Which workloads are AI agents, and why.

Evidence kinds, strongest first: the resource type is an agent by nature; the configuration says so; a tag or
label says so; the workload carries LLM API keys or model IDs in its environment; it runs an agent-framework
image; it is a tool an agent invokes. Every agent keeps all the evidence found, so a reviewer can see why.
"""

from __future__ import annotations

import fnmatch
import json
import re
from typing import TYPE_CHECKING, Any, Iterable, Optional

from agentlint.model import Agent, Evidence, Resource
from agentlint.values import Unknown, blocks, first_block, follow_blocks

if TYPE_CHECKING:
    from agentlint.graph.build import IdentityGraph

AGENT_TYPES = {
    "aws_bedrockagent_agent": "Bedrock agent",
    "awscc_bedrock_agent": "Bedrock agent",
    "aws_bedrockagent_flow": "Bedrock flow",
    "aws_bedrockagentcore_agent_runtime": "Bedrock AgentCore runtime",
    "awscc_bedrockagentcore_runtime": "Bedrock AgentCore runtime",
    "aws_bedrockagentcore_gateway": "Bedrock AgentCore gateway (agent tools)",
    "aws_bedrockagentcore_code_interpreter": "Bedrock AgentCore code interpreter",
    "aws_bedrockagentcore_browser": "Bedrock AgentCore browser",
    "google_vertex_ai_reasoning_engine": "Vertex AI Agent Engine (reasoning engine)",
    "azurerm_cognitive_account_project": "Azure AI Foundry project (Agent Service)",
    "azurerm_ai_foundry_project": "Azure AI Foundry project (Agent Service)",
    "kagent_agent": "kagent Agent (Kubernetes custom resource)",
    "k8s_agent_sandbox": "Kubernetes agent sandbox (agents.x-k8s.io)",
}
# azapi resource types (before the @version) that are agents by nature.
AZAPI_AGENT_TYPES = {"Microsoft.CognitiveServices/accounts/projects": "Azure AI Foundry project (Agent Service)",
                     "Microsoft.CognitiveServices/accounts/projects/capabilityHosts": "Azure AI Agent Service host",
                     "Microsoft.CognitiveServices/accounts/capabilityHosts": "Azure AI Agent Service host"}

TRUE_WORDS = {"true", "yes", "1", "on", "enabled"}
AGENT_FLAG_KEYS = {"ai-agent", "ai_agent", "agent", "is-agent", "is_agent", "agentlint/agent", "agentlint:agent"}
AGENT_VALUES = {"ai-agent", "ai_agent", "llm-agent", "genai-agent", "agentic", "ai-agents"}
ROLE_KEYS = {"workload-class", "workload_class", "workload-type", "workload_type", "workload", "component",
             "app-type", "app_type", "role", "kind", "class", "type", "purpose"}

LLM_ENV_NAME = re.compile(
    r"^(OPENAI|ANTHROPIC|CLAUDE|GEMINI|GOOGLE_GENAI|GOOGLE_AI|MISTRAL|COHERE|GROQ|TOGETHER|FIREWORKS|DEEPSEEK|XAI|"
    r"PERPLEXITY|HUGGINGFACE|HUGGINGFACEHUB|HF|REPLICATE|AZURE_OPENAI|LANGCHAIN|LANGSMITH|LANGFUSE|LLAMA_CLOUD|"
    r"LLAMACLOUD|OPENROUTER|VOYAGE|PINECONE)_[A-Z0-9_]*$", re.IGNORECASE)
MODEL_ENV_NAME = re.compile(
    r"(^|_)(LLM|MODEL_ID|MODEL_NAME|MODEL_ARN|BEDROCK_MODEL|FOUNDATION_MODEL|INFERENCE_PROFILE|BEDROCK_AGENT_ID|"
    r"AGENT_RUNTIME_ARN)(_|$)", re.IGNORECASE)
MODEL_ID_VALUE = re.compile(
    r"(?i)\b((us|eu|apac|global)\.)?(anthropic\.claude[-\w.:]*|amazon\.(nova|titan-text)[-\w.:]*|meta\.llama[-\w.:]*|"
    r"mistral\.[-\w.:]+|cohere\.command[-\w.:]*|ai21\.[-\w.:]+|deepseek\.[-\w.:]+)"
    r"|\b(gpt-(4|5)[-\w.]*|claude-(3|4|opus|sonnet|haiku)[-\w.]*|gemini-\d[-\w.]*)")
AGENT_IMAGE = re.compile(
    r"(?i)(langgraph|langchain|crewai|autogen|llama[-_]?index|openai[-_]agents|strands[-_]agents|"
    r"bedrock[-_]agentcore|google[-_]adk|semantic[-_]kernel|smolagents|pydantic[-_]ai|haystack)")


def evidence_for(res: Resource, tag_rules: dict[str, str]) -> list[Evidence]:
    found: list[Evidence] = []
    if res.type in AGENT_TYPES:
        found.append(Evidence(kind="resource-type", detail=f"{res.type} is a {AGENT_TYPES[res.type]}"))
    elif res.type == "azapi_resource" and isinstance(res.values.get("type"), str):
        azapi_type = res.values["type"].split("@", 1)[0]
        if azapi_type in AZAPI_AGENT_TYPES:
            found.append(Evidence(kind="resource-type", detail=f"{azapi_type} is an {AZAPI_AGENT_TYPES[azapi_type]}"))
    found.extend(_tag_evidence(res, tag_rules))
    env_names, images = environment_of(res)
    for name, value in env_names:
        if LLM_ENV_NAME.match(name):
            found.append(Evidence(kind="env-var", detail=f"environment variable {name} (LLM provider credential or setting)"))
        elif MODEL_ENV_NAME.search(name):
            found.append(Evidence(kind="env-var", detail=f"environment variable {name} (model setting)"))
        if isinstance(value, str):
            m = MODEL_ID_VALUE.search(value)
            if m:
                found.append(Evidence(kind="model-id", detail=f"model ID {m.group(0)!r} in {name}"))
    for image in images:
        m = AGENT_IMAGE.search(image)
        if m:
            found.append(Evidence(kind="image", detail=f"agent framework image {image!r}"))
    return _dedupe(found)


def config_evidence(address: str, include: list[str], exclude: list[str]) -> tuple[Optional[Evidence], bool]:
    """(evidence when the configuration marks the address an agent, whether it excludes it)."""
    excluded = any(fnmatch.fnmatchcase(address, p) for p in exclude)
    for pattern in include:
        if fnmatch.fnmatchcase(address, pattern):
            return Evidence(kind="config", detail=f"configured as an agent by pattern {pattern!r}"), excluded
    return None, excluded


def _dedupe(items: list[Evidence]) -> list[Evidence]:
    seen = set()
    out = []
    for e in items:
        if (e.kind, e.detail) not in seen:
            seen.add((e.kind, e.detail))
            out.append(e)
    return out


def _tag_evidence(res: Resource, tag_rules: dict[str, str]) -> Iterable[Evidence]:
    tags = res.values.get("tags")
    if not isinstance(tags, dict):
        tags = {}
    if isinstance(res.values.get("labels"), dict):  # Google Cloud labels
        tags = {**tags, **res.values["labels"]}
    labels = first_block(res.values.get("metadata")).get("labels")
    if isinstance(labels, dict):
        tags = {**tags, **labels}
    from agentlint.graph.kubernetes import K8S_POD_SPEC

    spec_path = K8S_POD_SPEC.get(res.type)
    if spec_path and len(spec_path) > 1:  # the pod template's own labels (deployments, jobs, cron jobs)
        template_labels = follow_blocks(res.values, spec_path[:-1] + ("metadata",)).get("labels")
        if isinstance(template_labels, dict):
            tags = {**tags, **template_labels}
    for key, value in tags.items():
        if not isinstance(value, (str, bool)):
            continue
        k = str(key).lower()
        v = str(value).lower()
        if k in tag_rules and (tag_rules[k] in ("*", v)):
            yield Evidence(kind="tag", detail=f"tag {key} = {value!r} (configured agent tag)")
        elif k in AGENT_FLAG_KEYS and v in TRUE_WORDS:
            yield Evidence(kind="tag", detail=f"tag {key} = {value!r}")
        elif v in AGENT_VALUES or (v == "agent" and k in ROLE_KEYS):
            yield Evidence(kind="tag", detail=f"tag {key} = {value!r}")


# Cloud Run: the block that holds `containers`.
GCP_CONTAINERS = {"google_cloud_run_v2_service": ("template",), "google_cloud_run_v2_job": ("template", "template"),
                  "google_cloud_run_service": ("template", "spec")}


def environment_of(res: Resource) -> tuple[list[tuple[str, Any]], list[str]]:
    """(environment variable names and values, container images) of a compute resource."""
    v = res.values
    env: list[tuple[str, Any]] = []
    images: list[str] = []
    t = res.type
    if t == "aws_lambda_function":
        variables = first_block(v.get("environment")).get("variables")
        if isinstance(variables, dict):
            env.extend(variables.items())
        if isinstance(v.get("image_uri"), str):
            images.append(v["image_uri"])
    elif t in ("aws_ecs_task_definition", "aws_batch_job_definition"):
        raw = v.get("container_definitions") if t == "aws_ecs_task_definition" else v.get("container_properties")
        containers = _json_value(raw)
        if isinstance(containers, dict):
            containers = [containers]
        for c in containers if isinstance(containers, list) else []:
            if not isinstance(c, dict):
                continue
            for item in blocks(c.get("environment")):
                if isinstance(item.get("name"), str):
                    env.append((item["name"], item.get("value")))
            for item in blocks(c.get("secrets")):
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    env.append((item["name"], None))
            if isinstance(c.get("image"), str):
                images.append(c["image"])
    elif t == "aws_apprunner_service":
        image_repo = first_block(first_block(v.get("source_configuration")).get("image_repository"))
        config = first_block(image_repo.get("image_configuration"))
        for key in ("runtime_environment_variables", "runtime_environment_secrets"):
            if isinstance(config.get(key), dict):
                env.extend(config[key].items())
        if isinstance(image_repo.get("image_identifier"), str):
            images.append(image_repo["image_identifier"])
    elif t == "aws_codebuild_project":
        for item in blocks(first_block(v.get("environment")).get("environment_variable")):
            if isinstance(item.get("name"), str):
                env.append((item["name"], item.get("value") if item.get("type", "PLAINTEXT") == "PLAINTEXT" else None))
    elif t in ("aws_bedrockagentcore_agent_runtime", "awscc_bedrockagentcore_runtime"):
        variables = v.get("environment_variables")
        if isinstance(variables, dict):
            env.extend(variables.items())
    elif t in GCP_CONTAINERS:
        for c in blocks(follow_blocks(v, GCP_CONTAINERS[t]).get("containers")):
            for item in blocks(c.get("env")):
                if isinstance(item.get("name"), str):
                    env.append((item["name"], item.get("value")))
            if isinstance(c.get("image"), str):
                images.append(c["image"])
    elif t in ("google_cloudfunctions_function", "google_cloudfunctions2_function"):
        holder = v if t == "google_cloudfunctions_function" else first_block(v.get("service_config"))
        if isinstance(holder.get("environment_variables"), dict):
            env.extend(holder["environment_variables"].items())
    elif t in ("azurerm_linux_function_app", "azurerm_windows_function_app", "azurerm_linux_web_app",
               "azurerm_windows_web_app", "azurerm_function_app", "azurerm_app_service", "azurerm_logic_app_standard"):
        if isinstance(v.get("app_settings"), dict):
            env.extend(v["app_settings"].items())
    elif t == "azurerm_container_app":
        for c in blocks(first_block(v.get("template")).get("container")):
            for item in blocks(c.get("env")):
                if isinstance(item.get("name"), str):
                    env.append((item["name"], item.get("value")))
            if isinstance(c.get("image"), str):
                images.append(c["image"])
    elif t == "google_vertex_ai_reasoning_engine":
        for item in blocks(follow_blocks(v, ("spec", "deployment_spec")).get("env")):
            if isinstance(item.get("name"), str):
                env.append((item["name"], item.get("value")))
    elif t.startswith("kubernetes_"):
        from agentlint.graph.kubernetes import K8S_POD_SPEC

        path = K8S_POD_SPEC.get(t)
        if path:
            spec = follow_blocks(v, path)
            for c in blocks(spec.get("container")) + blocks(spec.get("init_container")):
                for item in blocks(c.get("env")):
                    if isinstance(item.get("name"), str):
                        env.append((item["name"], item.get("value")))
                if isinstance(c.get("image"), str):
                    images.append(c["image"])
    return env, images


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


def detect(b: "IdentityGraph") -> None:
    opts = b.options
    tag_rules = {k.lower(): str(v).lower() for k, v in opts.tags.items()}
    for node, data in list(b.store.nodes(data=True)):
        res = data.get("resource")
        if res is None or data.get("kind") not in ("workload", "principal"):
            continue
        evidence = evidence_for(res, tag_rules) if data["kind"] == "workload" or res.type == "aws_iam_user" else []
        if data["kind"] == "principal" and res.type != "aws_iam_user":
            evidence = [e for e in evidence if e.kind == "tag"]
        cfg, excluded = config_evidence(res.address, opts.include, opts.exclude)
        if cfg is not None:
            evidence.insert(0, cfg)
        if excluded:
            continue
        if evidence:
            b.agents[node] = Agent(address=res.address, type=res.type, path=res.path,
                                      start_line=res.start_line, stack=res.stack, evidence=evidence)
    # Tools an agent invokes act for the agent.
    for node in list(b.agents):
        for _, tool, edata in b.store.out_edges(node, data=True):
            if edata.get("rel") != "tool":
                continue
            res = b._resource_of(tool)
            if res is None:
                continue
            ev = Evidence(kind="tool-of", detail=f"invoked as a tool by {b._address_of(node)}")
            if tool in b.agents:
                b.agents[tool].evidence.append(ev)
            elif not config_evidence(res.address, [], opts.exclude)[1]:
                b.agents[tool] = Agent(address=res.address, type=res.type, path=res.path,
                                          start_line=res.start_line, stack=res.stack, evidence=[ev])
