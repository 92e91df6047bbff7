"""Which workloads are AI agents, and why.

Evidence kinds, strongest first: the resource type is an agent by nature (or a Helm release installs kagent's
chart, graph.kagent); the configuration says so; a tag or
label says so (on the workload's own metadata or its pod template); the workload carries LLM API keys, framework
settings or model IDs in its environment; it runs an agent-framework image or names a framework in its start or
build command (graph.agent_evidence holds the table of frameworks); it is a tool an agent invokes. Every agent
keeps all the evidence found, each with its confidence, so a reviewer can see why.
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Callable, Iterable, Optional

from agentlint.graph import kagent
from agentlint.graph.agent_evidence import (command_evidence, env_evidence, image_evidence, registry_image_evidence,
                                            unread_image_evidence)
from agentlint.graph.agent_evidence import LLM_ENV_NAME, MODEL_ENV_NAME, MODEL_ID_VALUE  # noqa: F401 (re-exported)
from agentlint.graph.workload_config import environment_of, workload_config  # noqa: F401 (AL305 reads the former)
from agentlint.model import Agent, Confidence, Evidence, Resource
from agentlint.values import first_block, follow_blocks

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

def evidence_for(res: Resource, tag_rules: dict[str, str],
                 lookup: Optional[Callable[[str], Optional[Resource]]] = None) -> list[Evidence]:
    """`lookup`: the resource an address names in the same stack (an image's registry repository)."""
    found: list[Evidence] = []
    if res.type in AGENT_TYPES:
        found.append(Evidence(kind="resource-type", detail=f"{res.type} is a {AGENT_TYPES[res.type]}"))
    elif res.type == "azapi_resource" and isinstance(res.values.get("type"), str):
        azapi_type = res.values["type"].split("@", 1)[0]
        if azapi_type in AZAPI_AGENT_TYPES:
            found.append(Evidence(kind="resource-type", detail=f"{azapi_type} is an {AZAPI_AGENT_TYPES[azapi_type]}"))
    elif res.type == "helm_release":
        found.extend(kagent.release_evidence(res))
    found.extend(_tag_evidence(res, tag_rules))
    config = workload_config(res)
    for name, value in config.env:
        found.extend(env_evidence(name, value))
    for image in config.images:
        ev = image_evidence(image)
        if ev is not None:
            found.append(ev)
    for where, command in config.commands:
        ev = command_evidence(where, command)
        if ev is not None:
            found.append(ev)
    if lookup is not None:
        found.extend(registry_image_evidence(config.unknown_images, lookup))
    if not found and config.unknown_images and res.source == "plan":
        found.append(unread_image_evidence(config.unknown_images))
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
    for key in ("labels", "resource_labels"):  # Google Cloud labels (a GKE cluster's are `resource_labels`)
        if isinstance(res.values.get(key), dict):
            tags = {**tags, **res.values[key]}
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
        short = k.rsplit("/", 1)[-1]  # a Kubernetes label's name without its prefix (app.kubernetes.io/component)
        v = str(value).lower()
        if k in tag_rules and (tag_rules[k] in ("*", v)):
            yield Evidence(kind="tag", detail=f"tag {key} = {value!r} (configured agent tag)")
        elif (k in AGENT_FLAG_KEYS or short in AGENT_FLAG_KEYS) and v in TRUE_WORDS:
            yield Evidence(kind="tag", detail=f"tag {key} = {value!r}")
        elif v in AGENT_VALUES:
            yield Evidence(kind="tag", detail=f"tag {key} = {value!r}")
        elif v == "agent" and (k in ROLE_KEYS or short in ROLE_KEYS):
            # Monitoring and CI agents are labelled `component = agent` too (Datadog's, Jenkins'): likely, not sure.
            yield Evidence(kind="tag", detail=f"tag {key} = {value!r}", confidence=Confidence.MEDIUM)


def detect(b: "IdentityGraph") -> None:
    opts = b.options
    tag_rules = {k.lower(): str(v).lower() for k, v in opts.tags.items()}
    for node, data in list(b.store.nodes(data=True)):
        res = data.get("resource")
        if res is None or data.get("kind") not in ("workload", "principal"):
            continue
        evidence = evidence_for(res, tag_rules, lambda address, stack=res.stack: b.lookup(stack, address)) \
            if data["kind"] == "workload" or res.type == "aws_iam_user" else []
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
    _users_to_their_workloads(b)
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


def _users_to_their_workloads(b: "IdentityGraph") -> None:
    """An IAM user marked as an agent whose access key a workload in the code carries is that workload's identity:
    the workload is the agent (one agent, not two sharing the user), with the user's evidence."""
    for user in [n for n, a in b.agents.items() if a.type == "aws_iam_user"]:
        carriers = sorted({src for src, _, e in b.store.in_edges(user, data=True)
                           if e.get("rel") == "runs_as" and e.get("via") is not None
                           and e["via"].type in ("aws_iam_access_key", "aws_iam_service_specific_credential")
                           and not config_evidence(b._address_of(src), [], b.options.exclude)[1]})
        if not carriers:
            continue
        tagged = b.agents.pop(user)
        moved = [e.model_copy(update={"detail": f"{e.detail} on {tagged.address}, whose access key it carries"})
                 for e in tagged.evidence]
        for node in carriers:
            if node in b.agents:
                b.agents[node].evidence.extend(moved)
            else:
                res = b._resource_of(node)
                b.agents[node] = Agent(address=res.address, type=res.type, path=res.path, start_line=res.start_line,
                                       stack=res.stack, evidence=list(moved))
