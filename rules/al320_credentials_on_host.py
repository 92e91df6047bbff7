from __future__ import annotations

import re

from agentlint.graph.paths import AgentPath
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext
from agentlint.workload_secrets import Script, reads_scripts, scan_scripts

# What configures a long-lived cloud credential on a host, whatever the value: (what, pattern on one line).
CONFIGURES = (
    ("AWS access keys", re.compile(r"(?i)\baws_(?:access_key_id|secret_access_key)\b[\"']?\s*[=:]")),
    ("AWS access keys (aws configure set)",
     re.compile(r"(?i)\baws\s+configure\s+set\s+(?:[\w.-]+\.)?aws_(?:access_key_id|secret_access_key)\b")),
    ("an AWS credentials file", re.compile(r"\.aws/credentials\b")),
    ("a Google service account key file (GOOGLE_APPLICATION_CREDENTIALS)",
     re.compile(r"\bGOOGLE_APPLICATION_CREDENTIALS\b[\"']?\s*[=:]")),
    ("a Google service account key (gcloud auth activate-service-account)",
     re.compile(r"\bgcloud\s+auth\s+activate-service-account\b[^\n]*--key-file")),
    ("a Google service account key file", re.compile(r"[\"']type[\"']\s*:\s*[\"']service_account[\"']")),
    ("an Azure client secret", re.compile(r"\b(?:AZURE|ARM)_CLIENT_SECRET\b[\"']?\s*[=:]")),
    ("an Azure client secret (az login --service-principal)",
     re.compile(r"\baz\s+login\b[^\n]*--service-principal\b[^\n]*(?:\s-p\b|--password|--secret)")),
)
_REMOVE = re.compile(r"^\s*(?:sudo\s+)?(?:rm|shred|unset)\b")
_COMMENT = re.compile(r"^\s*(?:#(?!!)|//|REM\b|::)", re.IGNORECASE)


def configured(script: Script) -> list[str]:
    """What long-lived credentials a boot script or provisioner step configures (commented-out lines left out)."""
    found: list[str] = []
    if re.search(r"\.aws/credentials$|/gcloud/.*\.json$|application_default_credentials\.json$",
                 script.destination):
        found.append("a credentials file copied in")
    for line in script.text.replace("\\n", "\n").splitlines():
        if _COMMENT.match(line):
            continue
        removing = _REMOVE.match(line)  # `rm -f ~/.aws/credentials` takes a key away
        found.extend(what for what, pattern in CONFIGURES
                     if pattern.search(line) and what not in found and not removing)
    return found


class CredentialsOnHost(Rule):
    """
    ## What it does
    Reads the boot scripts of hosts, EC2 instances, launch templates and launch configurations (`user_data`,
    `user_data_base64`), Azure VMs and scale sets (`custom_data`, `user_data`), Google Compute instances and
    templates (`metadata_startup_script`, `metadata` `startup-script` / `user-data`), and the `file` and
    `remote-exec` provisioners of any resource, and flags those that configure a long-lived cloud credential on
    the host: `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` exports, `aws configure set aws_access_key_id`, an
    `~/.aws/credentials` file written or copied in, `GOOGLE_APPLICATION_CREDENTIALS` or
    `gcloud auth activate-service-account --key-file`, `AZURE_CLIENT_SECRET` / `ARM_CLIENT_SECRET` or
    `az login --service-principal -p`. Whatever the value (a literal, a variable, a placeholder): the host should
    not hold a key at all. Base64 literals and `base64encode(...)` / `templatefile(...)` are read; a template is
    read even when a value in it is unknown. Literal key material in the same places is AL305's.

    ## Why is this bad?
    The host has an identity of its own (instance profile, managed identity, attached service account) that
    issues short-lived credentials. A key configured at boot never expires, is readable by every process on the
    host (and by an agent's shell or file tools), and stays in the instance's user data, which anyone with
    `ec2:DescribeInstanceAttribute` or the instance metadata service can read.

    ## Example
    ```hcl
    resource "aws_instance" "agent" {
      user_data = <<-EOT
        #!/bin/bash
        aws configure set aws_access_key_id ${var.access_key_id}
      EOT
    }
    ```

    ## Fix
    Remove the key from the boot script and give the host its own identity: an instance profile
    (`iam_instance_profile`), a managed identity on the Azure VM, a service account on the Google instance, with
    only the permissions the host needs.
    """

    id = "AL320"
    name = "credentials-configured-on-host"
    title = "Long-lived credential configured on a host by its boot script"
    category = "long-lived-credential"
    severity = Severity.HIGH
    fix = "Remove the key from the boot script or provisioner; use the host's instance profile or managed identity."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for res in g.model.resources:
            if not reads_scripts(res):
                continue
            found, line = scan_scripts(res, configured)
            if not found:
                continue
            node = g.nid(res)
            agent = [AgentPath(node, [node])] if node in g.agents else []
            parts = "; ".join(f"{where}: {', '.join(what)}" for where, what in found.items())
            host = "agent host" if agent else "host"
            yield ctx.finding(self, at=res, line=line, key="host:" + ",".join(sorted(found)), extra_agents=agent,
                              message=(f"{host} {res.address} is given long-lived credentials at boot ({parts}): "
                                       "the host should use its own identity"))
