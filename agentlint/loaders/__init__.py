"""Loaders: files -> ScanModel. Nothing downstream reads files."""

from __future__ import annotations

import os
from typing import Any, Optional

from agentlint.loaders.hcl import load_configuration
from agentlint.loaders.plan_input import PlanLoader, PlanOptions
from agentlint.loaders.repository import find_repository_root, group_inputs, survey
from agentlint.model import Limits, ScanModel


def load(paths: list[str], var_files: list[str] | None = None, exclude: list | None = None,
         limits: Limits = Limits(), use_cache: bool = False, progress=None, root: Optional[str] = None,
         variables: Optional[dict[str, Any]] = None, plan_options: Optional[PlanOptions] = None,
         respect_gitignore: bool = False) -> ScanModel:
    """Read every input. Each input belongs to a repository (`root`, else its git work tree, else the folder named);
    the root modules of that repository whose calls reach an input are evaluated, and `model.selection` says which
    findings the inputs ask about. `exclude`: gitignore patterns, each relative to the repository root or given as
    (folder, pattern) relative to that folder (see loaders/exclude.py)."""
    from agentlint.loaders.cache import ParseCache
    from agentlint.loaders.repository import Selection
    from agentlint.loaders.hcl_eval import configure_budgets

    configure_budgets(limits.max_iterations, limits.max_eval_seconds, limits.max_string, limits.max_elements)

    groups, errors = group_inputs(paths, root)
    model = ScanModel(errors=errors)
    model.legacy_root = _common_root(paths)
    cache = ParseCache(enabled=use_cache, max_nesting=limits.max_nesting)
    selection = Selection()
    summary: dict[str, int] = {}
    plans: list[tuple[str, bool]] = []
    for repo_root, named in groups.items():
        repo = survey(repo_root, named, exclude or [], limits, respect_gitignore)
        model.scan_root = repo_root  # one repository in the usual case; fingerprints are relative to it
        model.errors.extend(repo.errors)
        model.notices.extend(repo.notices)
        selection.files |= repo.selection.files
        selection.folders += repo.selection.folders
        selection.plans |= repo.selection.plans
        got = load_configuration(repo, limits, cache, progress, variables, list(var_files or []), model.file_reads)
        model.errors.extend(got.errors)
        model.notices.extend(got.notices)
        model.suppressions.extend(got.suppressions)
        for key, count in got.summary.items():
            summary[key] = summary.get(key, 0) + count
        model.resources.extend(got.resources)
        model.stacks.extend(got.stacks)
        for stack in got.stacks:
            model.roots[stack] = os.path.relpath(os.path.abspath(stack), repo_root).replace(os.sep, "/")
            model.repo_roots[stack] = repo_root
        model.files_scanned += got.files_read
        plans += [(p, True) for p in repo.named_plans] + [(p, False) for p in repo.plans]
    if plan_options is not None and plan_options.stdin:  # `scan -`: plan JSON on standard input
        from agentlint.loaders.plan_input import STDIN

        plans.append((STDIN, True))
        selection.plans.add(os.path.abspath(STDIN))
    model.selection = selection
    model.summary_extra = summary
    seen = set()
    plan_loader = PlanLoader(plan_options, model, limits, cache)  # plan JSON, binary plans, code locations
    for plan, explicit in sorted(plans, key=lambda p: (p[0], not p[1])):  # named before found: it must be a plan
        if plan in seen:
            continue
        seen.add(plan)
        got = plan_loader.load(plan, explicit=explicit)
        if not explicit and any(e.kind == "not-a-plan" for e in got.errors):
            continue  # a JSON file in a scanned folder that is not a plan is simply not an input
        model.errors.extend(got.errors)
        model.notices.extend(got.notices)
        model.suppressions.extend(got.suppressions)  # of the code the plan's resources were located in
        model.resources.extend(got.resources)
        model.stacks.append(plan)
        repo_root = find_repository_root(plan, root)
        model.roots[plan] = os.path.relpath(os.path.abspath(plan), repo_root).replace(os.sep, "/")
        model.repo_roots[plan] = repo_root
        model.files_scanned += 1
    return model


def _common_root(paths: list[str]) -> str:
    folders = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths] or [os.getcwd()]
    try:
        return os.path.commonpath(folders)
    except ValueError:
        return folders[0]
