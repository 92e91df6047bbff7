from __future__ import annotations

import re
from typing import Optional

from agentlint.graph.agents import environment_of
from agentlint.graph.paths import AgentPath
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext
from agentlint.values import SENSITIVE, Unknown, VariableText, display
from agentlint.workload_secrets import ENV_ATTRS, REFERENCE_VALUE, env_workload_types, literal_secret

# Environment variables that hold an LLM provider's API key (the SDKs read these names).
LLM_KEY_NAME = re.compile(
    r"(?i)^(OPENAI|AZURE_OPENAI|ANTHROPIC|CLAUDE|GEMINI|GOOGLE|GOOGLE_GENAI|GOOGLE_AI|MISTRAL|COHERE|CO|GROQ|"
    r"TOGETHER|TOGETHERAI|FIREWORKS|DEEPSEEK|XAI|GROK|PERPLEXITY|PPLX|REPLICATE|OPENROUTER|VOYAGE|HF|HUGGINGFACE|"
    r"HUGGINGFACEHUB|HUGGING_FACE_HUB|HUGGING_FACE|AI21|CEREBRAS|NVIDIA|NVIDIA_NIM|LANGSMITH|LANGCHAIN|LLAMA_CLOUD)"
    r"_(API_)?(KEY|TOKEN)$")
# Resources whose ARN / ID / name points at a secret (what a secret reference names) rather than holding it.
SECRET_STORES = {"aws_secretsmanager_secret", "aws_secretsmanager_secret_version", "aws_ssm_parameter",
                 "azurerm_key_vault_secret", "google_secret_manager_secret", "google_secret_manager_secret_version"}
POINTER_ATTRS = {"arn", "id", "name", "versionless_id", "versionless_uri", "secret_id", "resource_id"}
# How each platform references a secret instead of holding its value.
HOW = {
    "aws_lambda": "pass the Secrets Manager secret's ARN (or use the Parameters and Secrets extension) and read it "
                  "at run time",
    "aws_ecs": "use the container definition's `secrets` (valueFrom a Secrets Manager or SSM parameter ARN)",
    "aws_batch": "use the container properties' `secrets` (valueFrom a Secrets Manager or SSM parameter ARN)",
    "aws_apprunner": "use runtime_environment_secrets (a Secrets Manager or SSM parameter ARN)",
    "aws_codebuild": "use an environment_variable of type SECRETS_MANAGER or PARAMETER_STORE",
    "aws_bedrockagentcore": "use an AgentCore Identity API key credential provider",
    "awscc_bedrockagentcore": "use an AgentCore Identity API key credential provider",
    "google_cloud_run": "use value_source.secret_key_ref (Secret Manager)",
    "google_cloudfunctions": "use secret_environment_variables (Secret Manager)",
    "google_vertex_ai": "use secret_env (Secret Manager)",
    "azurerm_container_app": "use a secret with key_vault_secret_id and secret_name in env",
    "azurerm_": "use a Key Vault reference, @Microsoft.KeyVault(SecretUri=...)",
    "kubernetes_": "use value_from.secret_key_ref (a Kubernetes Secret, or the secrets-store CSI driver)",
}


def source_of(value) -> Optional[str]:
    """Where a key's value comes from when it is passed in rather than written or referenced, else None."""
    if value is SENSITIVE:
        return "a sensitive value"
    if isinstance(value, VariableText):
        return value.origin
    if isinstance(value, Unknown):
        text = value.text or ""
        if REFERENCE_VALUE.match(text.strip()):
            return None  # "@Microsoft.KeyVault(SecretUri=${...})", "arn:aws:secretsmanager:...:${...}"
        if value.refs and all(_pointer(ref) for ref in value.refs):
            return None  # the ARN or ID of a secret, as App Runner's runtime_environment_secrets take it
        return display(value, limit=100)
    return None


def _pointer(ref) -> bool:
    parts = ref.base.split(".")
    rtype = parts[-2] if len(parts) >= 2 else ""
    return rtype in SECRET_STORES and ref.attr.split(".")[0] in POINTER_ATTRS


def how_to_reference(rtype: str) -> str:
    return next((how for prefix, how in HOW.items() if rtype.startswith(prefix)), "use a secret reference")


class LlmKeyInPlainEnvironment(Rule):
    """
    ## What it does
    Flags workloads (Lambda, ECS and Batch, App Runner, CodeBuild, AgentCore runtimes, Cloud Run, Cloud
    Functions, App Service and Function Apps, Container Apps, Kubernetes pods) whose environment sets an LLM
    provider's API key (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `GEMINI_API_KEY`, `GOOGLE_API_KEY`,
    `MISTRAL_API_KEY`, `COHERE_API_KEY`, `GROQ_API_KEY`, `HF_TOKEN`, ...) from a variable, a data source or
    another resource's attribute (`var.openai_api_key`,
    `data.aws_secretsmanager_secret_version.openai.secret_string`) instead of a secret reference: ECS `secrets`
    with a Secrets Manager or SSM parameter ARN, a Key Vault reference `@Microsoft.KeyVault(...)`, Cloud Run
    `value_source.secret_key_ref`, Kubernetes `value_from.secret_key_ref`, App Runner
    `runtime_environment_secrets`. In a plan, a key whose value Terraform marks sensitive is reported the same
    way. A key written as a literal is AL305's, not this rule's.

    ## Why is this bad?
    The value ends up in the function's or task's configuration: anyone with `lambda:GetFunctionConfiguration`,
    `ecs:DescribeTaskDefinition`, read access to the App Service or the pod spec reads the key, and Terraform
    stores it in state in plain text, even when the variable is declared `sensitive`. An LLM key is billed per
    call and often shared by every environment.

    ## Example
    ```hcl
    environment {
      variables = { OPENAI_API_KEY = var.openai_api_key }
    }
    ```

    ## Fix
    Keep the key in a secret store and give the workload a reference: ECS `secrets`, Lambda reading the secret's
    ARN at run time, `@Microsoft.KeyVault(SecretUri=...)`, `value_source.secret_key_ref`, `value_from.secret_key_ref`.
    """

    id = "AL321"
    name = "llm-key-in-plain-environment"
    title = "LLM provider key passed into a plain environment variable"
    category = "secret-in-config"
    severity = Severity.HIGH
    fix = ("Store the key in Secrets Manager / SSM / Key Vault / Secret Manager / a Kubernetes Secret and reference "
           "it (ECS secrets, @Microsoft.KeyVault(...), secret_key_ref) instead of passing its value.")

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for res in ctx.managed(*env_workload_types()):
            env, _ = environment_of(res)
            found = {}
            for name, value in env:
                if not isinstance(name, str) or not LLM_KEY_NAME.match(name) or literal_secret(name, value):
                    continue  # a literal key is AL305's
                source = source_of(value)
                if source is not None and name not in found:
                    found[name] = source
            if not found:
                continue
            node = g.nid(res)
            agent = [AgentPath(node, [node])] if node in g.agents else []
            keys = ", ".join(f"{name} (from {source})" for name, source in sorted(found.items()))
            line = next((res.line_of(a) for a in ENV_ATTRS if a in res.attr_lines), None)
            yield ctx.finding(self, at=res, line=line, key="llm-env:" + ",".join(sorted(found)), extra_agents=agent,
                              message=(f"{'agent' if agent else 'workload'} {res.address} passes "
                                       f"{'an LLM provider key' if len(found) == 1 else 'LLM provider keys'} in "
                                       f"plain environment variables: {keys}; anyone who can read its "
                                       "configuration or the Terraform state reads the key: "
                                       f"{how_to_reference(res.type)}"))
