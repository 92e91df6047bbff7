"""The two sides of a drift: the working tree and a git revision (code), or a plan's prior state and its planned
values (plans). Each side is loaded, turned into a graph and scanned exactly as `agentlint inventory` does."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from typing import Optional

from agentlint.config import Config
from agentlint.drift.compare import compare
from agentlint.drift.records import relative_key, side
from agentlint.engine import build_graph, scan


def _side(paths: list[str], config: Config, use_cache: bool, root, variables, plan_options,
          key_of=None, graph=None, report=None) -> tuple[dict, list, set]:
    """({key: agent}, errors, {(stack key, address)} of every resource read) for one side (`graph`, `report`: already
    made from these inputs, the report with every finding)."""
    if graph is None:
        graph = build_graph(paths, config, use_cache=use_cache, root=root, variables=variables,
                            plan_options=plan_options)
    if report is None:
        report = scan(paths, config, use_cache=use_cache, root=root, variables=variables, plan_options=plan_options,
                      graph=graph)
    key_of = key_of or relative_key(graph.model.roots)
    resources = {(key_of(r.stack), r.address) for r in graph.model.resources}
    return side(graph, report, key_of), [e.model_dump(mode="json") for e in report.errors], resources


def code_drift(ref: str, paths: list[str], config: Config, use_cache: bool = True, root: Optional[str] = None,
               variables: Optional[dict] = None, plan_options=None, after_graph=None, after_report=None) -> dict:
    """The working tree's agents against the same paths at git `ref` (read with git only, see drift.gitbase).
    `after_graph`, `after_report`: the working tree's graph and whole report when the caller has made them
    (`scan --diff-base`)."""
    from agentlint.drift.gitbase import materialise, toplevel

    tops = {toplevel(p) for p in paths}
    if len(tops) != 1:
        from agentlint.changes import ChangeError

        raise ChangeError("--base compares the paths of one git repository at a time")
    top = tops.pop()
    after, errors, _ = _side(paths, config, use_cache, root, variables, plan_options, graph=after_graph,
                            report=after_report)
    work = os.path.realpath(tempfile.mkdtemp(prefix="agentlint-drift-"))
    try:
        base_top = os.path.join(work, "tree")
        os.makedirs(base_top)
        materialise(ref, top, base_top)

        def there(path: str) -> str:
            real = os.path.realpath(path)
            rel = os.path.relpath(real, top)
            return path if rel.startswith("..") else os.path.join(base_top, rel)

        base_config = config.model_copy(update={"var_files": [there(v) for v in config.var_files]})
        if getattr(config, "_exclude_base", None):
            base_config._exclude_base = there(config._exclude_base)
        base_paths = [there(p) for p in paths]
        base_paths = [b for b in base_paths if os.path.exists(b)]
        before, base_errors, _ = (_side(base_paths, base_config, use_cache, there(root) if root else base_top,
                                        variables, plan_options) if base_paths else ({}, [], set()))
        relative = not all(os.path.isabs(p) for p in paths)
        back = _remap(base_top, top, relative)
        before = back(before)
        errors += [{**e, "message": f"at {ref}: {e['message']}"} for e in back(base_errors)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return compare(before, after, base=ref, head="working tree", errors=errors)


def _remap(base_top: str, top: str, relative: bool):
    """Paths of the temporary tree back to the working tree's (as the inputs were named: relative or absolute)."""
    def path(text: str) -> str:
        if not text.startswith(base_top):
            return text
        real = top + text[len(base_top):]
        return os.path.relpath(real) if relative else real

    def walk(value):
        if isinstance(value, str):
            return path(value)
        if isinstance(value, dict):
            return {walk(k) if isinstance(k, str) else k: walk(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(walk(v) for v in value)
        return value
    return walk


def before_document(doc: dict) -> dict:
    """A plan document whose planned values are the plan's prior state: `prior_state.values`, else each resource
    change's `before` (with `before_sensitive`). No resource changes and no configuration, so nothing of it is
    unknown and nothing is taken from the new configuration."""
    prior = ((doc.get("prior_state") or {}).get("values") or {}).get("root_module")
    if not isinstance(prior, dict) or not prior:
        resources = []
        for rc in doc.get("resource_changes") or []:
            change = (rc or {}).get("change") or {}
            if isinstance(change.get("before"), dict) and rc.get("mode", "managed") in ("managed", "data"):
                resources.append({"address": rc.get("address"), "mode": rc.get("mode", "managed"),
                                  "type": rc.get("type"), "name": rc.get("name"), "values": change["before"],
                                  "sensitive_values": change.get("before_sensitive") or {}})
        prior = {"resources": resources}
    return {"format_version": doc.get("format_version", "1.0"), "terraform_version": doc.get("terraform_version"),
            "planned_values": {"root_module": prior}}


def plan_drift(plan: str, config: Config, use_cache: bool = True, variables: Optional[dict] = None,
               plan_options=None) -> dict:
    """A plan's prior state against its planned values (unknown after apply stays unknown)."""
    from agentlint.loaders.plan import PlanError, read_plan_document

    def key_of(stack: str) -> str:
        return "(plan)"  # one plan, one stack: its prior state and planned values are the same root module

    after, errors, planned = _side([plan], config, use_cache, None, variables, plan_options, key_of)
    try:
        doc = read_plan_document(plan, config.limits.limits())
    except PlanError:
        return compare({}, after, base="prior state", head="planned values", errors=errors)
    work = os.path.realpath(tempfile.mkdtemp(prefix="agentlint-drift-"))
    try:
        # The prior state as a plan of its own, named like the plan, in a folder of its own.
        before_path = os.path.join(work, os.path.basename(plan))
        with open(before_path, "w", encoding="utf-8") as fh:
            json.dump(before_document(doc), fh)
        before, base_errors, _ = _side([before_path], config, use_cache, work, variables, None, key_of)
        back = _remap(work, os.path.dirname(os.path.abspath(plan)), not os.path.isabs(plan))
        before = back(before)
        errors += [{**e, "message": f"prior state: {e['message']}"} for e in back(base_errors)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return compare(before, after, base="prior state", head="planned values", errors=errors, still_planned=planned)
