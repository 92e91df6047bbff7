"""Terraform/OpenTofu configuration -> resources with module addresses, values and lines.

A folder of `.tf`/`.tf.json`/`.tofu` files is a module. Folders that another scanned folder calls with a local
`source` are instantiated through that call (their resources get `module.<name>.` addresses and receive the
call's arguments as variables); every other folder is a root. Variables take their defaults, then
`terraform.tfvars`, `*.auto.tfvars` and explicit variable files, in Terraform's order.

This module decides which root modules to evaluate (the call graph, Terragrunt units, cycles) and gathers their
result. The work itself: hcl_files (files -> ParsedFile, cached, in parallel), tf_json (`.tf.json` syntax),
hcl_folders (module folders, installed modules, tfvars), hcl_instances (module instances and their resources).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Optional

from agentlint.loaders.cache import ParseCache
from agentlint.loaders.hcl_files import (  # noqa: F401 (re-exported: the loader's public names stay importable here)
    PARALLEL_MIN_FILES, classify, parse_config_file, parse_files, parse_text)
from agentlint.loaders.hcl_folders import ModuleSource, _FolderLoader, _root_variables  # noqa: F401
from agentlint.loaders.hcl_instances import (  # noqa: F401
    MAX_MODULE_DEPTH, _call_path, _Instance, _RootContext, block_values, dynamic_blocks, expand_instances)
from agentlint.loaders.result import LoadResult
from agentlint.loaders.tf_json import parse_tf_json  # noqa: F401
from agentlint.model import Limits, LoadError

if TYPE_CHECKING:
    from agentlint.loaders.repository import Repository


def load_configuration(repo: "Repository", limits: Limits = Limits(), cache: Optional[ParseCache] = None,
                       progress=None, variables: Optional[dict[str, Any]] = None,
                       var_files: Optional[list[str]] = None, reads: Optional[dict] = None) -> LoadResult:
    """Evaluate the root modules of one repository whose calls reach what the user named.

    `variables` are values from `TF_VAR_*` and `--var` (lowest and highest precedence are handled by the caller:
    they arrive already ordered). The result holds the resources, the root folders (stacks), the number of files read
    and what went wrong (errors, notices), and the suppression comments of the files read."""
    cache = cache or ParseCache(enabled=False)
    result = LoadResult()
    errors, notices, summary = result.errors, result.notices, result.summary
    loader = _FolderLoader(repo, limits, cache, errors, result.suppressions, progress)
    # A Terragrunt unit calls its module: the call graph has an edge from the unit's folder to it.
    unit_of = {os.path.abspath(u.stack): u for u in _terragrunt_units(repo, limits, errors, notices)}
    for folder, unit in unit_of.items():
        repo.calls.setdefault(folder, set()).add(os.path.abspath(unit.module_dir))
        repo.folders.setdefault(folder, [])
    # Callers first: their parsed `module` blocks confirm the call graph drawn from raw text.
    region = repo.region()
    callers = sorted(f for f in region if f in repo.calls)
    loader.preload(callers)
    repo.calls = {f: set(loader.local_calls(f)) | ({os.path.abspath(unit_of[f].module_dir)} if f in unit_of else set())
                  for f in callers}
    on_cycle = set(_cycle_members(repo.calls))
    roots = repo.selected_roots(region) + [f for f in sorted(on_cycle) if repo.selection.covers_folder(f)]
    roots = list(dict.fromkeys(roots))
    wanted = sorted({f for r in roots for f in repo.reach(r)})
    loader.preload(wanted)
    resources, stacks = result.resources, result.stacks
    cycles: set[frozenset] = set()
    for root in roots:
        unit = unit_of.get(root)
        folder = os.path.abspath(unit.module_dir) if unit is not None else root
        source = loader.get(folder)
        if source is None:
            continue
        stack = repo.show(root)
        stacks.append(stack)
        # A unit's inputs reach Terraform as TF_VAR_* values: the module's own tfvars win over them.
        values = dict(unit.inputs) if unit is not None else {}
        values.update(_root_variables(folder, repo, list(var_files or []) + repo.var_files, errors, limits))
        values.update(variables or {})
        ctx = _RootContext(loader, repo, stack, folder, errors, notices, limits, cycles, on_cycle)
        ctx.reads = reads  # where file() and templatefile() record what they read (model.file_reads)
        via = (repo.show(unit.config_path),) if unit is not None else ()
        instance = _Instance(ctx, folder, "", "", values, (), via)
        resources.extend(instance.resources())
        ctx.report_not_installed(source)
        summary["modules_not_installed"] = summary.get("modules_not_installed", 0) + len(ctx.not_installed)
        if ctx.outside:  # a silent pass otherwise: `scan envs/prod` outside git cannot read ../../modules
            summary["modules_outside_root"] = summary.get("modules_outside_root", 0) + ctx.outside
    result.files_read = loader.files_read
    return result


def _terragrunt_units(repo, limits: Limits, errors: list[LoadError], notices: list[LoadError]) -> list:
    """The repository's Terragrunt units that run a module agentlint can read; the others become notices."""
    if not repo.terragrunt:
        return []
    from agentlint.loaders.terragrunt import find_terragrunt_roots

    named = [p for p in sorted(repo.terragrunt) if repo.selection.covers(p)]
    found, problems = find_terragrunt_roots([repo.show(p) for p in named], repo.root, limits)
    for problem in problems:
        (errors if problem.kind in ("parse-error", "limit", "unreadable", "unsupported") else notices).append(problem)
    # The other units matter when they run a module that was named (a module changed alone): their problems are
    # theirs, not this scan's.
    others = [repo.show(p) for p in sorted(repo.terragrunt) if p not in named]
    # Only when a named folder may be the module a unit runs (a `source` in some .hcl file ends with its name, or is
    # computed): reading every unit of a large Terragrunt repository for each pre-commit run would cost too much.
    folder_names = {os.path.basename(f) for f in repo.named_folders()}
    if others and (folder_names & repo.hcl_source_names or any("${" in n for n in repo.hcl_source_names)):
        found += find_terragrunt_roots(others, repo.root, limits)[0]
    units = []
    for unit in found:
        if unit.module_dir is None:
            if repo.selection.covers(unit.config_path):
                notices.append(LoadError(path=repo.show(unit.config_path), line=unit.line,
                                         kind="module-not-followed", message=unit.problem or "module not found"))
            continue
        units.append(unit)
    return units


def _cycle_members(calls: dict[str, set[str]]) -> list[str]:
    """Folders on a cycle of module calls (Terraform refuses them; each is still scanned as a root of its own)."""
    members: list[str] = []
    for start in sorted(calls):
        stack = [(start, iter(sorted(calls.get(start, ()))))]
        seen = {start}
        found = False
        while stack and not found:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
            elif nxt == start:
                found = True
            elif nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, iter(sorted(calls.get(nxt, ())))))
        if found:
            members.append(start)
    return members


