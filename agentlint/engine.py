"""One scan, end to end: files -> model -> graph -> findings -> report."""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from typing import Optional

from agentlint import __version__
from agentlint.config import Config
from agentlint.failures import (build_isolated, debugging, evaluation_failures, evaluation_limits, internal_error,
                                untrusted)
from agentlint.graph.build import AgentOptions, IdentityGraph
from agentlint.loaders import load
from agentlint import suppressions
from agentlint.model import Confidence, Finding, LoadError, Report, SuppressedFinding
from agentlint.gate import exit_code, finding_counts  # noqa: F401 (imported from here before; API)
from agentlint.rule import RuleContext
from agentlint.rule.selection import (check_rule_keys, rule_config, rule_matches, selected_rules,  # noqa: F401
                                      unknown_selectors)
from agentlint.supersedes import drop_superseded


@contextmanager
def _collector_paused():
    """A scan allocates millions of small objects that all live until it ends: the cyclic collector would walk
    them again and again (it cost over half of a warm scan) and free nothing. The caller's setting is restored."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_graph(paths: list[str], config: Config, use_cache: bool = False, progress=None,
                root: Optional[str] = None, variables: Optional[dict] = None, plan_options=None) -> IdentityGraph:
    with _collector_paused():
        return _build_graph(paths, config, use_cache, progress, root, variables, plan_options)


def _build_graph(paths: list[str], config: Config, use_cache: bool, progress, root: Optional[str] = None,
                 variables: Optional[dict] = None, plan_options=None) -> IdentityGraph:
    model = load(paths, var_files=config.var_files, exclude=config.exclude_rules(), limits=config.limits.limits(),
                 use_cache=use_cache, progress=progress, root=root, variables=variables, plan_options=plan_options,
                 respect_gitignore=config.respect_gitignore)
    options = AgentOptions(include=config.agents.include, exclude=config.agents.exclude, tags=config.agents.tags)
    return build_isolated(model, lambda m: IdentityGraph(m, options), model.errors)


def scan(paths: list[str], config: Config, no_ignore: bool = False, use_cache: bool = False, progress=None,
         root: Optional[str] = None, variables: Optional[dict] = None, plan_options=None,
         graph: Optional[IdentityGraph] = None) -> Report:
    """Every finding of the inputs (`keep_changed` narrows them to a change). `plan_options`:
    loaders.plan_input.PlanOptions (--terraform-show, --terraform-bin, --source). `graph`: one already built from the
    same inputs (`agentlint inventory` and the scope drift read it too, and must not build it twice)."""
    with _collector_paused():
        return _scan(paths, config, no_ignore, use_cache, progress, root, variables, plan_options, graph)


def keep_changed(report: Report, model, changed_only: bool = False, diff_base: Optional[str] = None) -> Report:
    """The findings a change introduces or touches, from the whole scan's report of `model`: `--changed-only`
    (plans: resources the plan creates or changes) and `--diff-base REF` (code: blocks that differ from git REF).
    The summary counts what is left and how many were hidden; the whole report is left as it was (the scope drift
    of `scan --diff-base` reads it)."""
    if not (changed_only or diff_base):
        return report
    from agentlint.changes import DiffBase, changed_in_plan

    findings = report.findings
    if changed_only:
        findings = changed_in_plan(findings, model)
    if diff_base:
        findings = DiffBase(diff_base, model).keep(findings)
    summary = {**report.summary, **finding_counts(findings), "unchanged_hidden": len(report.findings) - len(findings)}
    return report.model_copy(update={"findings": findings, "summary": summary})


def _scan(paths: list[str], config: Config, no_ignore: bool, use_cache: bool, progress, root: Optional[str] = None,
          variables: Optional[dict] = None, plan_options=None, graph: Optional[IdentityGraph] = None) -> Report:
    if graph is None:
        graph = _build_graph(paths, config, use_cache, progress, root, variables, plan_options)
    rules = selected_rules(config)
    ctx = RuleContext(graph, ran_rules={r.id for r in rules} | {r.name for r in rules})
    findings: list[Finding] = []
    errors: list[LoadError] = list(graph.model.errors)
    findings = _run(rules, "graph", ctx, config, errors)
    errors += evaluation_failures(graph.model) + evaluation_limits(graph.model)
    findings = drop_superseded(untrusted(findings, graph.model), rules, ctx)
    suppressed: list[SuppressedFinding] = []
    if not no_ignore:
        findings, suppressed = suppressions.apply(findings, graph.model.suppressions)
        findings += _run(rules, "suppressions", ctx, config, errors)
    wanted = selection_filter(graph)
    findings = merge_roots([f for f in findings if wanted(f)], graph.model)
    suppressed = [s for s in suppressed if wanted(s.finding)]
    from agentlint.loaders.plan_source import drop_located_duplicates  # plan findings located in scanned code

    findings = drop_located_duplicates(findings)
    findings.sort(key=lambda f: (-f.severity.rank, not f.agents, f.path, f.start_line or 0, f.rule_id, f.message))
    agents = sorted(graph.agents.values(), key=lambda a: (a.path, a.start_line or 0, a.address))
    summary = {
        "files_scanned": graph.model.files_scanned,
        "stacks": len(graph.model.stacks),
        "resources": len(graph.model.resources),
        "agents": len(agents),
        **finding_counts(findings),
        "suppressed": len(suppressed),
        "errors": len(errors),
        **graph.model.summary_extra,
        "fail_on": config.fail_on_name,
    }
    from agentlint.locations import locate  # repository-relative paths (repo_path, SARIF base URIs)

    return locate(Report(tool={"name": "agentlint", "version": __version__}, findings=findings, agents=agents,
                         errors=errors, notices=graph.model.notices, suppressed=suppressed, summary=summary),
                  graph.model)


def _run(rules, phase, ctx, config, errors) -> list[Finding]:
    findings: list[Finding] = []
    for rule_cls in rules:
        if rule_cls.phase != phase:
            continue
        override = rule_config(rule_cls, config)
        if override is not None and override.severity is not None:
            rule_cls = type(rule_cls.__name__, (rule_cls,), {"severity": override.severity})
        try:
            options = rule_cls.Options.model_validate(override.options if override is not None else {})
            findings.extend(rule_cls(options).check(ctx))
        except Exception as exc:  # a rule bug must not hide the other rules' findings
            if debugging():
                raise
            errors.append(internal_error(f"rule {rule_cls.id}", exc))
    return findings


def selection_filter(graph: IdentityGraph):
    """Whether a finding is one the inputs ask about: its path (the finding's file, the files of its agent ->
    identity -> policy path, the module calls that instantiate them) passes through a named file or folder, or its
    root module takes values from a named variable file."""
    selection = graph.model.selection
    if selection is None:
        return lambda f: True
    via = graph.model.calls_via()
    named_var_folders = {os.path.dirname(f) for f in selection.files if f.endswith((".tfvars", ".tfvars.json"))}

    def wanted(f: Finding) -> bool:
        files = [f.path] + [t.path for t in f.trace if t.path]
        files += [f.plan] if f.plan else []  # a plan finding located in code: the plan file is what was named
        files += via.get((f.stack, f.address), ())
        files += [p for t in f.trace for p in via.get((f.stack, t.address), ())]
        return any(selection.covers(p) for p in files) or os.path.abspath(f.stack) in named_var_folders

    return wanted


_CONFIDENCE_RANK = {Confidence.HIGH: 2, Confidence.MEDIUM: 1, Confidence.LOW: 0}


def _strength(f: Finding) -> tuple[int, int]:
    return f.severity.rank, _CONFIDENCE_RANK[f.confidence]


def merge_roots(findings: list[Finding], model) -> list[Finding]:
    """One finding per fingerprint: a module that several root modules call is reported once, with its roots. When
    the same finding comes more than once (two roots, or two bindings of one role to one member in one policy, one
    of them under a condition), the strongest is kept: a grant that holds unconditionally somewhere is not reported
    as the conditional one."""
    merged: dict[str, Finding] = {}
    for f in findings:
        root = model.roots.get(f.stack)
        first = merged.get(f.fingerprint)
        if first is None:
            merged[f.fingerprint] = f.model_copy(update={"roots": [root] if root else [], "agents": list(f.agents)})
            continue
        if _strength(f) > _strength(first):
            first = merged[f.fingerprint] = f.model_copy(update={"roots": list(first.roots),
                                                                  "agents": list(first.agents)})
        if root and root not in first.roots:
            first.roots.append(root)
            first.roots.sort()
        first.agents[:] = sorted(set(first.agents) | set(f.agents))
    return list(merged.values())
