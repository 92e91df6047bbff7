"""Find the inputs of a scan: module directories, variable files and plan files.

Hidden folders (`.terraform/`, `.git/`, ...) are skipped, symlinked folders are not followed (no loops), and a JSON
file counts as a plan only when its content says so.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field

from agentlint.model import LoadError

CONFIG_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
VAR_SUFFIXES = (".tfvars", ".tfvars.json")
PLAN_SNIFF_BYTES = 4096


@dataclass
class Inputs:
    module_dirs: dict[str, list[str]] = field(default_factory=dict)  # dir -> config files (after .tofu precedence)
    var_files: list[str] = field(default_factory=list)  # explicit -var-file style inputs
    plan_files: list[str] = field(default_factory=list)  # named on the command line: must be plans
    found_plans: list[str] = field(default_factory=list)  # found in a folder walk: skipped quietly if not plans
    errors: list[LoadError] = field(default_factory=list)
    notices: list[LoadError] = field(default_factory=list)


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
    try:
        with open(path, "rb") as fh:
            head = fh.read(PLAN_SNIFF_BYTES)
    except OSError:
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


def _excluded(path: str, patterns: list[str]) -> bool:
    norm = path.replace(os.sep, "/")
    return any(fnmatch.fnmatch(norm, p) or fnmatch.fnmatch(norm, p.rstrip("/") + "/*") for p in patterns)


def discover(paths: list[str], exclude: list[str] | None = None) -> Inputs:
    exclude = exclude or []
    inputs = Inputs()
    for raw in paths:
        path = os.path.normpath(raw)
        if os.path.isdir(path):
            _walk(path, inputs, exclude)
        elif os.path.isfile(path):
            name = os.path.basename(path)
            if config_kind(name):
                folder = os.path.dirname(path) or "."
                _add_dir(folder, inputs)
            elif name.endswith(VAR_SUFFIXES):
                inputs.var_files.append(path)
            elif name.endswith(".json") or looks_like_plan(path):
                inputs.plan_files.append(path)
            else:
                inputs.errors.append(LoadError(path=path, kind="unsupported",
                                               message="not a Terraform/OpenTofu file, variable file or plan JSON"))
        else:
            inputs.errors.append(LoadError(path=path, kind="unreadable", message="no such file or directory"))
    return inputs


def _add_dir(folder: str, inputs: Inputs) -> None:
    if folder in inputs.module_dirs:
        return
    try:
        names = [n for n in os.listdir(folder) if os.path.isfile(os.path.join(folder, n))]
    except OSError as exc:
        inputs.errors.append(LoadError(path=folder, kind="unreadable", message=f"cannot list folder: {exc.strerror}"))
        return
    chosen = select_module_files(names)
    if chosen:
        inputs.module_dirs[folder] = [os.path.join(folder, n) for n in chosen]


def _walk(top: str, inputs: Inputs, exclude: list[str]) -> None:
    def onerror(exc: OSError) -> None:
        inputs.errors.append(LoadError(path=str(exc.filename or top), kind="unreadable",
                                       message=f"cannot read: {exc.strerror}"))

    real_top = os.path.realpath(top)

    def inside(path: str) -> bool:
        real = os.path.realpath(path)
        return real == real_top or real.startswith(real_top + os.sep)

    for folder, dirs, files in os.walk(top, onerror=onerror):
        # os.walk does not descend into symlinked folders (no loops); files that link outside the folder are skipped.
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _excluded(os.path.join(folder, d), exclude))
        linked_out = [f for f in files if os.path.islink(os.path.join(folder, f)) and not inside(os.path.join(folder, f))]
        for name in linked_out:
            inputs.notices.append(LoadError(path=os.path.join(folder, name), kind="not-followed",
                                            message="symbolic link leads outside the scanned folder; not read"))
        files = [f for f in files if f not in linked_out]
        config = select_module_files([f for f in files if not _excluded(os.path.join(folder, f), exclude)])
        if config:
            inputs.module_dirs[folder] = [os.path.join(folder, n) for n in config]
        for name in sorted(files):
            if name.endswith(".json") and not config_kind(name) and not name.endswith(".tfvars.json"):
                full = os.path.join(folder, name)
                if not _excluded(full, exclude) and looks_like_plan(full):
                    inputs.found_plans.append(full)
