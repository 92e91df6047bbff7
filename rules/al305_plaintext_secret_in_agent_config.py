from __future__ import annotations

from agentlint.graph.agents import environment_of
from agentlint.graph.paths import AgentPath
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext
from agentlint.values import blocks
from agentlint.workload_secrets import (ENV_ATTRS, env_workload_types, key_material, literal_secret, reads_scripts,
                                        scan_scripts)

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
    - key material (any credential shape agentlint redacts: AWS keys, `sk-...`, Stripe `sk_live_`, GitHub,
      GitLab, Slack, Google API keys, Azure storage keys, private keys...) written into a host's boot script or
      provisioner (`user_data`, `custom_data`, GCP startup scripts, `file` / `remote-exec`; see AL320);
    - Bedrock AgentCore credential providers that set `api_key` or `client_secret` instead of the write-only
      `api_key_wo` / `client_secret_wo`, which Terraform never stores in state.

    Every workload is read, agent or not: a workload no agent detection marks is reported one level lower. The
    finding names the variable and never shows the value.

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
            found = self._environment(ctx, res, env, node, "agent")
            if found is not None:
                yield found
        # Workloads no agent detection marks: the same finding, one level lower (the README's promise).
        for res in ctx.managed(*env_workload_types()):
            if g.nid(res) in g.agents:
                continue
            env, _ = environment_of(res)
            found = self._environment(ctx, res, env, None, "workload")
            if found is not None:
                yield found
        yield from self._boot_scripts(ctx)
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

    def _environment(self, ctx: RuleContext, res, env, node, kind: str):
        names = sorted({name for name, value in env if isinstance(name, str) and literal_secret(name, value)})
        if not names:
            return None
        line = next((res.line_of(a) for a in ENV_ATTRS if a in res.attr_lines), None)
        return ctx.finding(self, at=res, line=line, identity=node, key="env:" + ",".join(names), message=(
            f"{kind} {res.address} has "
            f"{'a secret' if len(names) == 1 else f'{len(names)} secrets'} in plain text in its "
            f"environment: {', '.join(names)} (value not shown)"))

    def _boot_scripts(self, ctx: RuleContext):
        """Key material written into a host's boot script or a provisioner: kept in the instance's user data
        (readable with ec2:DescribeInstanceAttribute and from the metadata service), in state and in the code."""
        g = ctx.graph
        for res in g.model.resources:
            if not reads_scripts(res):
                continue
            found, line = scan_scripts(res, lambda script: key_material(script.text))
            if not found:
                continue
            node = g.nid(res)
            agent = [AgentPath(node, [node])] if node in g.agents else []
            parts = "; ".join(f"{where}: {', '.join(what)}" for where, what in found.items())
            yield ctx.finding(self, at=res, line=line, key="boot:" + ",".join(sorted(found)), extra_agents=agent,
                              message=(f"{'agent host' if agent else 'host'} {res.address} has key material in "
                                       f"plain text in its boot script ({parts}; value not shown)"))


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

