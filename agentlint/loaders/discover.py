"""What kind of input a file is: configuration (with OpenTofu's `.tofu` precedence), variables, or a plan (a JSON
file counts as a plan only when its content says so). The walk over a repository is `repository.py`'s.
"""

from __future__ import annotations



CONFIG_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
VAR_SUFFIXES = (".tfvars", ".tfvars.json")
PLAN_SNIFF_BYTES = 4096


def config_kind(name: str) -> str | None:
    for suffix in (".tofu.json", ".tf.json", ".tofu", ".tf"):
        if name.endswith(suffix):
            return suffix
    return None


def select_module_files(names: list[str]) -> list[str]:
    """OpenTofu >= 1.8: `x.tofu` replaces `x.tf`, and `x.tofu.json` replaces `x.tf.json`, in the same folder."""
    present = set(names)
    chosen = []
    for name in sorted(names):
        kind = config_kind(name)
        if kind == ".tf" and name[:-3] + ".tofu" in present:
            continue
        if kind == ".tf.json" and name[:-8] + ".tofu.json" in present:
            continue
        if kind:
            chosen.append(name)
    return chosen


def looks_like_plan(path: str) -> bool:
    from agentlint.loaders.textfile import TextFileError, read_bytes

    try:
        head = read_bytes(path, PLAN_SNIFF_BYTES, head=True)
    except TextFileError:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            return False
    else:
        text = head.decode("utf-8", errors="ignore")
    return '"format_version"' in text and ('"terraform_version"' in text or '"planned_values"' in text
                                          or '"resource_changes"' in text)
