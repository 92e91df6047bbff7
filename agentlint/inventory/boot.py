"""Credentials an agent's host is given by its own boot script or provisioners: what AL320 reports (a key configured
at boot: `aws configure set`, `~/.aws/credentials`, `GOOGLE_APPLICATION_CREDENTIALS`, `az login -p`...) and the
key material AL305 finds written there in plain text, as credential records of the inventory.

A record says what kind of credential it is and where it is configured, never its value: the detectors return the
names of what they found (AL320's table, the SECRET_SHAPES names), not the text. The record's address names the
host, the place and the kind (`aws_instance.agent user_data: AWS access keys`), so that drift keys each one apart
and a credential added to a boot script shows as gained.
"""

from __future__ import annotations

from agentlint.rules.al320_credentials_on_host import configured
from agentlint.workload_secrets import boot_scripts, key_material, reads_scripts

# (record kind, detector of one script): AL320's configured credentials, AL305's key material in the text.
DETECTORS = (("configured at boot", configured),
             ("key material in a boot script", lambda script: key_material(script.text)))


def boot_credentials(g, agent: str) -> list[dict]:
    """The credentials configured on the agent's own host (an instance, VM, launch template or a resource with
    provisioners that is the agent) by its boot scripts and provisioner steps, in the order they are written."""
    res = g.node(agent).resource
    if res is None or not reads_scripts(res):
        return []
    found: dict[str, dict] = {}
    for script in boot_scripts(res):
        for kind, detect in DETECTORS:
            for what in detect(script):
                address = f"{res.address} {script.where}: {what}"
                found.setdefault(address, {
                    "address": address, "kind": kind, "type": res.type, "path": res.path, "line": script.line,
                    "belongs_to": None, "lifetime": "no expiry",
                    "where": f"in the host's boot script ({script.where})"})
    return list(found.values())
