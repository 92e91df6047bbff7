from __future__ import annotations

import re

from agentlint.graph.agents import environment_of
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext
from agentlint.values import blocks

SECRET_NAME = re.compile(r"(?i)(api[_-]?key|secret|token|passw(or)?d|private[_-]?key|credential|auth)")
NOT_SECRET_NAME = re.compile(r"(?i)(_arn|_id|_name|_url|_uri|_path|_file|_region|_endpoint|_host|_ttl|_type|_max"
                             r"|_count|_secret_ref|max_tokens|tokens?_limit)$")
# Value shapes that are credentials whatever the variable is called.
SECRET_VALUE = re.compile(r"^(sk-[A-Za-z0-9_-]{16,}|sk-ant-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}"
                          r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abposr]-[A-Za-z0-9-]{10,}"
                          r"|AIza[0-9A-Za-z_-]{30,}|hf_[A-Za-z0-9]{30,})$")
# Values that point at a secret rather than being one.
REFERENCE_VALUE = re.compile(r"(?i)^(arn:|\{\{resolve:|ssm:|secretsmanager:|projects/.+/secrets/|https?://|/)")
ENV_ATTRS = ("environment", "container_definitions", "environment_variables", "source_configuration", "spec",
             "template", "container")
# Write-only arguments: the plain argument stores the value in state, its `_wo` twin does not (Terraform 1.11+).
WRITE_ONLY_TWINS = {"api_key": "api_key_wo", "client_secret": "client_secret_wo"}


class PlaintextSecretInAgentConfig(Rule):
    """
    ## What it does
    Flags secrets written into an agent's configuration:
    - environment variables of an agent workload (Lambda, ECS task, AgentCore runtime, App Runner, CodeBuild,
      Kubernetes pods...) whose name says secret (`OPENAI_API_KEY`, `SLACK_BOT_TOKEN`, `DB_PASSWORD`) and whose
      value is a literal, or whose value has the shape of a known credential (`sk-...`, `AKIA...`, `ghp_...`,
      `xoxb-...`) whatever its name. A literal counts when it looks like key material (12 characters or more, mixed
    letters and digits, not a placeholder such as `changeme` or `set-by-deploy`); values that point at a secret
    (ARNs, `{{resolve:...}}`) are fine;
    - Bedrock AgentCore credential providers that set `api_key` or `client_secret` instead of the write-only
      `api_key_wo` / `client_secret_wo`, which Terraform never stores in state.

    The finding names the variable and never shows the value.

    ## Why is this bad?
    Environment variables are returned by `lambda:GetFunctionConfiguration`, `ecs:DescribeTaskDefinition` and the
    console to anyone with read access, are kept in Terraform state and in the repository's history, and are read
    by the agent itself: a prompt-injected agent can print its own environment. Non-write-only arguments are
    stored in state in plain text.

    ## Example
    ```hcl
    environment {
      variables = { OPENAI_API_KEY = "sk-live-..." }
    }
    ```

    ## Fix
    Keep the secret in Secrets Manager (or AgentCore Identity) and give the agent the secret's ARN and
    `secretsmanager:GetSecretValue` on that ARN; for AgentCore providers use `api_key_wo` with
    `api_key_wo_version`.
    """

    id = "AL305"
    name = "plaintext-secret-in-agent-config"
    title = "Secret written in plain text into agent configuration"
    category = "secret-in-config"
    severity = Severity.HIGH
    fix = "Store the secret in Secrets Manager or AgentCore Identity and pass its ARN; use *_wo arguments."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for node in sorted(g.agents):
            res = g.resource_of(node)
            if res is None:
                continue
            env, _ = environment_of(res)
            names = sorted({name for name, value in env if isinstance(name, str) and _secret(name, value)})
            if names:
                line = next((res.line_of(a) for a in ENV_ATTRS if a in res.attr_lines), None)
                yield ctx.finding(self, at=res, line=line, identity=node, key="env:" + ",".join(names), message=(
                    f"agent {res.address} has "
                    f"{'a secret' if len(names) == 1 else f'{len(names)} secrets'} in plain text in its "
                    f"environment: {', '.join(names)} (value not shown)"))
        for res in g.model.resources:
            if res.mode != "managed" or not (res.type.startswith("aws_bedrockagentcore_")
                                             and res.type.endswith("_credential_provider")):
                continue
            found = sorted(_plain_args(res.values))
            if found:
                args = ", ".join(f"{a} (use {WRITE_ONLY_TWINS[a.rsplit('.', 1)[-1]]})" for a in found)
                yield ctx.finding(self, at=res, line=res.line_of(found[0].split(".", 1)[0]), key="wo:" + ",".join(found),
                                  message=(f"{res.address} sets {args}: the value is stored in Terraform state in "
                                           "plain text"))


def _secret(name: str, value) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    text = value.strip()
    if SECRET_VALUE.match(text):
        return True
    if REFERENCE_VALUE.match(text) or not SECRET_NAME.search(name) or NOT_SECRET_NAME.search(name):
        return False
    return _random_looking(text)


PLACEHOLDER = re.compile(r"(?i)(changeme|change-me|placeholder|dummy|example|xxxx|todo|set[-_ ]by|replace|<.*>|\$\{)")


def _random_looking(text: str) -> bool:
    """Long enough, no spaces, at least two of lower case / upper case / digits, and not a placeholder: a literal
    that looks like key material, not `set-by-deploy` or `changeme`."""
    if len(text) < 12 or " " in text or PLACEHOLDER.search(text):
        return False
    classes = sum((any(c.islower() for c in text), any(c.isupper() for c in text), any(c.isdigit() for c in text)))
    return classes >= 2


def _plain_args(values, prefix: str = "") -> list[str]:
    out = []
    if not isinstance(values, dict):
        return out
    for key, value in values.items():
        if not isinstance(key, str) or key.startswith("__"):
            continue
        path = f"{prefix}{key}"
        if key in WRITE_ONLY_TWINS and value not in (None, "") and not isinstance(value, (dict, list)):
            out.append(path)
        elif isinstance(value, (dict, list)):
            for block in blocks(value):
                out.extend(_plain_args(block, f"{path}."))
    return out

