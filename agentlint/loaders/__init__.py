"""Loaders: files -> ScanModel. Nothing downstream reads files."""

from __future__ import annotations

import os

from agentlint.loaders.discover import discover
from agentlint.loaders.hcl import load_configuration
from agentlint.loaders.plan_input import PlanLoader, PlanOptions
from agentlint.model import Limits, ScanModel


def load(paths: list[str], var_files: list[str] | None = None, exclude: list[str] | None = None,
         limits: Limits = Limits(), use_cache: bool = False, progress=None,
         plan_options: PlanOptions | None = None) -> ScanModel:
    inputs = discover(paths, exclude)
    inputs.var_files.extend(var_files or [])
    model = ScanModel(errors=list(inputs.errors), notices=list(inputs.notices))
    scan_root = _common_root(paths)
    model.scan_root = scan_root
    from agentlint.loaders.cache import ParseCache

    cache = ParseCache(enabled=use_cache, max_nesting=limits.max_nesting)
    resources, stacks, files = load_configuration(inputs, model.errors, model.notices, scan_root, limits,
                                                  model.suppressions, cache, progress)
    model.resources.extend(resources)
    model.stacks.extend(stacks)
    model.files_scanned += files
    explicit = set(inputs.plan_files)
    plans = PlanLoader(plan_options, model, limits, cache)  # plan JSON, binary plans, code locations
    for plan in sorted(explicit | set(inputs.found_plans)):
        errors: list = []
        resources = plans.load(plan, errors, explicit=plan in explicit)
        if plan not in explicit and any(e.kind == "not-a-plan" for e in errors):
            continue  # a JSON file in a scanned folder that is not a plan is simply not an input
        model.errors.extend(errors)
        model.resources.extend(resources)
        model.stacks.append(plan)
        model.files_scanned += 1
    return model


def _common_root(paths: list[str]) -> str:
    folders = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths] or [os.getcwd()]
    try:
        return os.path.commonpath(folders)
    except ValueError:
        return folders[0]
