"""What in a workload's configuration says it runs an AI agent: one table of agent frameworks (the words their
images, packages and command-line tools are known by, and the environment variables they read), the LLM provider
and model settings, and how strong each signal is.

Strength is the confidence of the evidence: `high` when the signal names an agent framework, an LLM provider
credential or a model (a generic Python image running `crewai run`, `GOOGLE_GENAI_USE_VERTEXAI`, `OPENAI_API_KEY`);
`medium` when it is only likely (a `MODEL_NAME` setting, which ML model servers use too; `component = "agent"`,
which monitoring agents use too; kagent's controller, which starts agents and routes to them but calls no model).
A generic image or command (`python:3.12-slim`, `uvicorn app:app`, `datadog/agent`) is no evidence at all.

Images and packages as published by each project (PyPI names, container registries); kagent's from its Helm
chart (`controller.agentImage.repository = kagent-dev/kagent/app`, later `golang-adk`, on `cr.kagent.dev` or
`ghcr.io`; the controller `kagent-dev/kagent/controller`; the MCP tool server `kagent-dev/kagent/tools`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

from agentlint.model import Confidence, Evidence, Resource
from agentlint.values import Unknown


@dataclass(frozen=True)
class Framework:
    name: str
    image: str  # a regular expression matched in an image reference (case-insensitive)
    packages: tuple[str, ...] = ()  # package, module or command-line names, matched as whole words of a command
    env_prefixes: tuple[str, ...] = ()  # environment variables the framework reads (name prefixes)


FRAMEWORKS: tuple[Framework, ...] = (
    Framework("LangGraph", r"langgraph", ("langgraph", "langgraph-api", "langgraph-cli", "langgraph_api"),
              ("LANGGRAPH_",)),
    Framework("LangChain", r"langchain|langserve", ("langchain", "langserve", "langchain-core", "langchain_core")),
    Framework("CrewAI", r"crewai", ("crewai", "crewai-tools"), ("CREWAI_",)),
    Framework("AutoGen", r"(^|[/:])(py)?autogen(studio)?([-_:]|$)|autogen[-_]agentchat|(^|/)ag2ai/", ("autogen", "pyautogen", "autogen-agentchat", "autogen_agentchat",
                                              "autogenstudio", "ag2")),
    Framework("LlamaIndex", r"llama[-_]?index|llama[-_]deploy", ("llama-index", "llama_index", "llama-deploy",
                                                                  "llama_deploy")),
    Framework("OpenAI Agents SDK", r"openai[-_]agents", ("openai-agents", "openai_agents")),
    Framework("Strands Agents", r"strands[-_]agents", ("strands-agents", "strands_agents", "strands-agents-tools")),
    Framework("Bedrock AgentCore", r"bedrock[-_]agentcore", ("bedrock-agentcore", "bedrock_agentcore",
                                                             "bedrock-agentcore-starter-toolkit", "agentcore")),
    Framework("Google ADK", r"google[-_]adk|(^|[/:_-])adk[-_](agent|python|web|api|default-service-name)", ("google-adk", "google.adk",
                                                                                        "adk")),
    Framework("Semantic Kernel", r"semantic[-_]kernel", ("semantic-kernel", "semantic_kernel"), ("AZURE_AI_AGENT_",)),
    Framework("Azure AI Agent Service SDK", r"azure[-_]ai[-_]agents", ("azure-ai-agents", "azure-ai-projects")),
    Framework("smolagents", r"smolagents", ("smolagents",)),
    Framework("Pydantic AI", r"pydantic[-_]ai", ("pydantic-ai", "pydantic_ai", "pydantic-ai-slim")),
    Framework("Haystack", r"haystack|hayhooks", ("haystack-ai", "hayhooks", "haystack")),
    Framework("Letta", r"letta/letta|memgpt", ("letta", "pymemgpt")),
    Framework("kagent", r"kagent-dev/kagent/(app|golang-adk)\b", ("kagent-adk",), ("KAGENT_",)),
)

# kagent's own images other than its agent runtime: (pattern, what it is, confidence).
KAGENT_PLATFORM_IMAGES: tuple[tuple[str, str, Confidence], ...] = (
    (r"kagent-dev/kagent/controller\b", "kagent controller (creates kagent agents and routes requests to them)",
     Confidence.MEDIUM),
    (r"kagent-dev/kagent/tools\b", "kagent tool server (the MCP tools kagent agents call)", Confidence.HIGH),
)

# The command-line words of a start or build command that are a framework's (whole words only).
_PACKAGE_WORDS = {word.lower(): fw for fw in FRAMEWORKS for word in fw.packages}
_IMAGE = [(re.compile(fw.image, re.IGNORECASE), fw) for fw in FRAMEWORKS]
_PLATFORM_IMAGE = [(re.compile(p, re.IGNORECASE), what, conf) for p, what, conf in KAGENT_PLATFORM_IMAGES]
# Splits a command into words: whitespace, quotes, list punctuation; a version pin or extra ends a package name.
_WORD_SPLIT = re.compile(r"[\s\"'`,;&|()\[\]{}]+")
_PIN = re.compile(r"(==|>=|<=|~=|!=|>|<|@).*$")

LLM_ENV_NAME = re.compile(
    r"^(OPENAI|ANTHROPIC|CLAUDE|GEMINI|GOOGLE_GENAI|GOOGLE_AI|MISTRAL|COHERE|GROQ|TOGETHER|FIREWORKS|DEEPSEEK|XAI|"
    r"PERPLEXITY|HUGGINGFACE|HUGGINGFACEHUB|HF|REPLICATE|AZURE_OPENAI|LANGCHAIN|LANGSMITH|LANGFUSE|LLAMA_CLOUD|"
    r"LLAMACLOUD|OPENROUTER|VOYAGE|PINECONE)_[A-Z0-9_]*$", re.IGNORECASE)
# Model settings: Bedrock's and LLM settings say a model is called (high); a bare MODEL_ID or MODEL_NAME is what ML
# model servers read too (medium).
MODEL_ENV_NAME = re.compile(
    r"(^|_)(LLM|BEDROCK_MODEL|FOUNDATION_MODEL|INFERENCE_PROFILE|BEDROCK_AGENT_ID|AGENT_RUNTIME_ARN)(_|$)",
    re.IGNORECASE)
GENERIC_MODEL_ENV_NAME = re.compile(r"(^|_)(MODEL_ID|MODEL_NAME|MODEL_ARN)(_|$)", re.IGNORECASE)
MODEL_ID_VALUE = re.compile(
    r"(?i)\b((us|eu|apac|global)\.)?(anthropic\.claude[-\w.:]*|amazon\.(nova|titan-text)[-\w.:]*|meta\.llama[-\w.:]*|"
    r"mistral\.[-\w.:]+|cohere\.command[-\w.:]*|ai21\.[-\w.:]+|deepseek\.[-\w.:]+)"
    r"|\b(gpt-(4|5)[-\w.]*|claude-(3|4|opus|sonnet|haiku)[-\w.]*|gemini-\d[-\w.]*)")


def image_evidence(image: str) -> Optional[Evidence]:
    for pattern, fw in _IMAGE:
        if pattern.search(image):
            return Evidence(kind="image", detail=f"agent framework image {image!r}")  # the image names it
    for pattern, what, conf in _PLATFORM_IMAGE:
        if pattern.search(image):
            return Evidence(kind="image", detail=f"{what}: image {image!r}", confidence=conf)
    return None


# Container registries whose repository name is the image's name: type -> (the attribute holding the name, label).
REGISTRY_REPOSITORIES = {"aws_ecr_repository": ("name", "ECR repository"),
                         "aws_ecrpublic_repository": ("repository_name", "ECR Public repository")}


def registry_image_evidence(unknown_images: list[tuple[str, Unknown]],
                            lookup: Callable[[str], Optional[Resource]]) -> Iterable[Evidence]:
    """An image unknown until its registry exists (`"${aws_ecr_repository.crew.repository_url}:v1"`, or a whole ECS
    `container_definitions` a plan knows only after apply) is still named by the repository it references: a
    repository named after an agent framework is the image's evidence."""
    for what, value in unknown_images:
        for ref in value.refs:
            repo = lookup(ref.address) if ref.attr in ("", "repository_url") else None
            if repo is None or repo.type not in REGISTRY_REPOSITORIES:
                continue
            key, label = REGISTRY_REPOSITORIES[repo.type]
            name = repo.values.get(key)
            if isinstance(name, str) and image_evidence(name) is not None:
                yield Evidence(kind="image", detail=f"agent framework image from {label} {name!r} ({repo.address}) "
                                                    f"in {what}")


def unread_image_evidence(unknown_images: list[tuple[str, Unknown]]) -> Evidence:
    """A planned workload whose image is known only after apply, and nothing else says what it runs: it may run an
    agent, and the inventory says so (low confidence) instead of leaving it out as if it did not."""
    what = ", ".join(dict.fromkeys(w for w, _ in unknown_images))
    return Evidence(kind="image", detail=f"image unknown until apply ({what}): cannot tell whether it runs an agent",
                    confidence=Confidence.LOW)


def command_evidence(where: str, command: Any) -> Optional[Evidence]:
    """A framework's package, module or command-line tool named in a start or build command (a string or a list
    of words): `crewai run`, `python -m langgraph_api`, `pip install google-adk==1.2`, `adk api_server`."""
    words = command if isinstance(command, list) else [command]
    for item in words:
        if not isinstance(item, str):
            continue
        for word in _WORD_SPLIT.split(item):
            name = _PIN.sub("", word.strip()).split("[", 1)[0].split(":", 1)[0].lower()
            parts = name.split(".")  # a module path (`langgraph_api.server`, `google.adk.cli`): its packages
            for candidate in (".".join(parts[:i]) for i in range(len(parts), 0, -1)):
                fw = _PACKAGE_WORDS.get(candidate)
                if fw is not None:
                    return Evidence(kind="command", detail=f"{fw.name} ({candidate!r}) in the {where}")
    return None


def env_evidence(name: str, value: Any) -> Iterable[Evidence]:
    for fw in FRAMEWORKS:
        if any(name.upper().startswith(p) for p in fw.env_prefixes):
            yield Evidence(kind="env-var", detail=f"environment variable {name} ({fw.name} setting)")
            break
    else:
        if LLM_ENV_NAME.match(name):
            yield Evidence(kind="env-var", detail=f"environment variable {name} (LLM provider credential or setting)")
        elif MODEL_ENV_NAME.search(name):
            yield Evidence(kind="env-var", detail=f"environment variable {name} (model setting)")
        elif GENERIC_MODEL_ENV_NAME.search(name):
            yield Evidence(kind="env-var", detail=f"environment variable {name} (model setting)",
                           confidence=Confidence.MEDIUM)
    if isinstance(value, str):
        m = MODEL_ID_VALUE.search(value)
        if m:
            yield Evidence(kind="model-id", detail=f"model ID {m.group(0)!r} in {name}")


def strongest(evidence: Iterable[Evidence]) -> Confidence:
    """The confidence an agent is one: its strongest evidence's."""
    order = [Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW]
    found = [e.confidence for e in evidence]
    return next((c for c in order if c in found), Confidence.LOW)
