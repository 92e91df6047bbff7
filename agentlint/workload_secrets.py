"""Where workloads keep what may be credentials, read for the secret rules (AL305, AL320, AL321): the environment
of every workload type agentlint knows, and the boot scripts of hosts (EC2 user data, Azure custom data, GCP startup
scripts, `file` / `remote-exec` provisioners) as text, whatever is known of the values in them."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

from agentlint.graph.workload_config import ENV_WORKLOAD_TYPES, environment_of
from agentlint.model import Resource
from agentlint.values import SECRET_SHAPES, Unknown, UnknownText, blocks, first_block

# What AL305 and AL321 call a secret in an environment variable.
SECRET_NAME = re.compile(r"(?i)(api[_-]?key|secret|token|passw(or)?d|private[_-]?key|credential|auth)")
NOT_SECRET_NAME = re.compile(r"(?i)(_arn|_id|_name|_url|_uri|_path|_file|_region|_endpoint|_host|_ttl|_type|_max"
                             r"|_count|_secret_ref|max_tokens|tokens?_limit)$")
# Value shapes that are credentials whatever the variable is called.
SECRET_VALUE = re.compile(r"^(sk-[A-Za-z0-9_-]{16,}|sk-ant-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}"
                          r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abposr]-[A-Za-z0-9-]{10,}"
                          r"|AIza[0-9A-Za-z_-]{30,}|hf_[A-Za-z0-9]{30,})$")
# Values that point at a secret rather than being one.
REFERENCE_VALUE = re.compile(r"(?i)^(arn:|\{\{resolve:|ssm:|secretsmanager:|projects/.+/secrets/|https?://|/"
                             r"|@Microsoft\.KeyVault\()")
ENV_ATTRS = ("environment", "container_definitions", "environment_variables", "source_configuration", "spec",
             "template", "container", "app_settings")


# Boot scripts per host type: (attribute path, base64 expected). A path step that is a block is followed to its
# first block; the last step is the attribute.
_AWS_INSTANCE = ((("user_data",), False), (("user_data_base64",), True))
_AZURE_VM = ((("custom_data",), True), (("user_data",), True))
_GCP_VM = ((("metadata_startup_script",), False), (("metadata", "startup-script"), False),
           (("metadata", "user-data"), False), (("metadata", "windows-startup-script-ps1"), False),
           (("metadata", "windows-startup-script-cmd"), False))
HOST_SCRIPTS: dict[str, tuple] = {
    "aws_instance": _AWS_INSTANCE, "aws_spot_instance_request": _AWS_INSTANCE,
    "aws_launch_configuration": _AWS_INSTANCE,
    "aws_launch_template": ((("user_data",), True),),
    "azurerm_linux_virtual_machine": _AZURE_VM, "azurerm_windows_virtual_machine": _AZURE_VM,
    "azurerm_linux_virtual_machine_scale_set": _AZURE_VM, "azurerm_windows_virtual_machine_scale_set": _AZURE_VM,
    "azurerm_orchestrated_virtual_machine_scale_set": ((("user_data_base64",), True),
                                                       (("os_profile", "custom_data"), True)),
    "azurerm_virtual_machine": ((("os_profile", "custom_data"), False),),
    "google_compute_instance": _GCP_VM, "google_compute_instance_template": _GCP_VM,
    "google_compute_region_instance_template": _GCP_VM, "google_compute_instance_from_template": _GCP_VM,
}


_SHA1 = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class Script:
    """One boot script or provisioner step of a host, as text."""

    where: str  # "user_data", "metadata.startup-script", 'provisioner "remote-exec"'...
    text: str
    line: Optional[int]
    destination: str = ""  # a `file` provisioner's destination


def script_text(value: Any, encoded: bool) -> Optional[str]:
    """The text of a boot-script value: a literal (decoded when the attribute takes base64 and it decodes to text),
    an unknown template's own text, or an unknown expression's source (`"export K=${var.k}"`)."""
    if isinstance(value, str):
        if _SHA1.match(value):
            return None  # older AWS providers keep user_data as its SHA-1 in state and plans, not the script
        return _decoded(value) if encoded else value
    if isinstance(value, UnknownText):
        return value.template
    if isinstance(value, Unknown):
        return value.text
    return None


def _decoded(text: str) -> str:
    compact = "".join(text.split())
    if not compact or len(compact) % 4 or not re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", compact):
        return text
    try:
        return base64.b64decode(compact, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return text


def boot_scripts(res: Resource) -> list[Script]:
    """The boot scripts of a host and the steps of its `file` / `remote-exec` provisioners (any resource type)."""
    out: list[Script] = []
    v = res.values
    for path, encoded in HOST_SCRIPTS.get(res.type, ()):
        holder = v
        for step in path[:-1]:
            holder = first_block(holder.get(step))  # a nested block (os_profile) or a map (GCP metadata)
        value = holder.get(path[-1])
        text = script_text(value, encoded)
        if text:
            out.append(Script(".".join(path), text, res.line_of(path[0])))
    for block in blocks(v.get("provisioner")):
        kind = block.get("__type__")
        where = f'provisioner "{kind}"'
        line = block.get("__line__") if isinstance(block.get("__line__"), int) else res.start_line
        if kind == "remote-exec":
            commands = block.get("inline")
            for command in commands if isinstance(commands, list) else [commands]:
                text = script_text(command, False)
                if text:
                    out.append(Script(where, text, line))
        elif kind == "file":
            destination = block.get("destination")
            destination = destination if isinstance(destination, str) else script_text(destination, False) or ""
            text = script_text(block.get("content"), False) or ""
            source = block.get("source")
            if text or destination:
                out.append(Script(where, text or (source if isinstance(source, str) else ""), line, destination))
    return out


def scan_scripts(res: Resource, detect: Callable[[Script], list[str]]) -> tuple[dict[str, list[str]], Optional[int]]:
    """What `detect` finds in each boot script or provisioner step of a resource, by place ("user_data",
    'provisioner "file"'), and the line of the first place with a find."""
    found: dict[str, list[str]] = {}
    line = None
    for script in boot_scripts(res):
        what = detect(script)
        if what:
            line = line or script.line
            found.setdefault(script.where, [])
            found[script.where] += [w for w in what if w not in found[script.where]]
    return found, line


def reads_scripts(res: Resource) -> bool:
    """A host type with boot scripts, or a resource with provisioners (known without evaluating it)."""
    return res.mode == "managed" and (res.type in HOST_SCRIPTS or "provisioner" in res.attr_lines)


def workload_environments(resources: Iterable[Resource]) -> Iterable[tuple[Resource, list[tuple[str, Any]]]]:
    """(workload, its environment variables) for every workload with an environment."""
    for res in resources:
        env, _ = environment_of(res)
        if env:
            yield res, env


def env_workload_types() -> tuple[str, ...]:
    from agentlint.graph.kubernetes import K8S_POD_SPEC

    return ENV_WORKLOAD_TYPES + tuple(K8S_POD_SPEC)


def literal_secret(name: str, value) -> bool:
    """A literal that is a credential: the shape of a known one whatever the name, or key material under a secret's
    name (never a reference to a secret or a placeholder)."""
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


def key_material(text: str) -> list[str]:
    """The credential shapes found in a script. The bare 40-character shape of an AWS secret key also matches commit
    ids and checksums, which boot scripts are full of: it counts only on a line that names a secret."""
    found: list[str] = []
    for line in text.replace("\\n", "\n").splitlines():
        for what, pattern in SECRET_SHAPES:
            if what in found or not re.search(pattern, line):
                continue
            if what == "AWS secret access key" and not re.search(r"(?i)secret", line):
                continue
            found.append(what)
    return found
