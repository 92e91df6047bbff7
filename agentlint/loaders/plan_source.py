"""Locate plan resources in the code they were planned from, so plan findings carry a file and line.

The code is looked for in the plan file's folder and in the `--source` folders; the folder whose root module holds
the most of the plan's resources is used. A plan resource is located when its address without instance keys
(`module.a.aws_iam_role.r["x"]` -> `module.a.aws_iam_role.r`) is a resource of the plan's own `configuration`
(when the plan has one) and the code's root module has a resource or data block with that module-qualified
address. The plan resource then takes the block's `path`, `start_line`, `end_line` and `attr_lines`; everything
else stays the plan's: `source` stays "plan", its values are the planned ones (but a container document the plan
knows only after apply, which the code's evaluation still reads: plan_code_values), and its `stack` stays the plan
file (fingerprints do not change when the code is found, and `Finding.plan` names the plan file).

The code is taken from the scan when the folder is one of its root modules; otherwise it is read here only to
locate resources (its findings and errors are not the scan's, what cannot be read is a notice of kind
`source-not-read`; its suppression comments apply to the plan findings located in it): the folder's root module, with the local modules of its repository as a scan reads them.
Without code beside the plan nothing changes.
"""

from __future__ import annotations

import os
from typing import Optional

from agentlint.loaders.plan import PlanConfig
from agentlint.loaders.plan_code_values import fill_from_code
from agentlint.loaders.result import LoadResult
from agentlint.model import UNKNOWN_KEY, Limits, LoadError, Resource, ScanModel, strip_instance_keys


def locate_plan_resources(resources: list[Resource], plan_path: str, config: PlanConfig, model: ScanModel,
                          sources: tuple[str, ...] = (), limits: Limits = Limits(), cache=None,
                          result: Optional[LoadResult] = None) -> int:
    """Set the code location on the plan resources found in the code; the number located. Code read only for this
    (not scanned) hands its notices and suppression comments to `result` (else to the model)."""
    candidates = [os.path.dirname(plan_path) or "."] + [os.path.normpath(s) for s in sources]
    best: dict[str, Resource] = {}
    best_count = 0
    seen: set[str] = set()
    for folder in candidates:
        key = os.path.abspath(folder)
        if key in seen or not os.path.isdir(folder):
            continue
        seen.add(key)
        index = code_index(folder, model, limits, cache, result)
        count = sum(1 for r in resources if _config_address(r, config) in index)
        if count > best_count:
            best, best_count = index, count
    for res in resources:
        code = best.get(_config_address(res, config) or "")
        if code is not None:
            res.path = code.path
            res.start_line = code.start_line
            res.end_line = code.end_line
            res.attr_lines = dict(code.attr_lines)
            fill_from_code(res, _same_instance(res, code, best))
    return best_count


def _same_instance(res: Resource, first: Resource, index: dict[str, Resource]) -> Optional[Resource]:
    """The code's instance of a plan resource: the one of the same address, else the code's only one when it has no
    key (or an undecided one, `[*]`); None when the code's first instance is another (its values are another's)."""
    exact = index.get(res.address)
    if exact is not None:
        return exact
    return first if first.address == first.ref_address or first.address.endswith(UNKNOWN_KEY) else None


def _config_address(res: Resource, config: PlanConfig) -> Optional[str]:
    address = strip_instance_keys(res.address)
    if config.addresses is not None and address not in config.addresses:
        return None
    return address


def code_index(folder: str, model: ScanModel, limits: Limits = Limits(), cache=None,
               result: Optional[LoadResult] = None) -> dict[str, Resource]:
    """Module-qualified address (no instance keys; and each keyed instance by its own address) -> the code's resource,
    for the root module in `folder`."""
    root = os.path.abspath(folder)
    stacks: dict[str, str] = {}  # one abspath per root module, not per resource (60 plans x 4,000 resources)
    scanned = [r for r in model.resources if r.source == "hcl"
               and (stacks.get(r.stack) or stacks.setdefault(r.stack, os.path.abspath(r.stack))) == root]
    if not scanned:
        scanned = _read_code(folder, model, limits, cache, result)
    index: dict[str, Resource] = {}
    for res in sorted(scanned, key=lambda r: (r.path, r.start_line or 0)):
        index.setdefault(strip_instance_keys(res.address), res)
        if "[" in res.address:  # each instance by its own address too (plan_code_values reads its values)
            index.setdefault(res.address, res)
    return index


def _read_code(folder: str, model: ScanModel, limits: Limits, cache, result: Optional[LoadResult]) -> list[Resource]:
    """The root module in `folder`, evaluated as a scan would (its repository's local modules followed), only to
    locate plan resources: its resources and errors do not reach the scan (errors become notices); its suppression
    comments do, for the plan findings located in it (findings about the comments themselves are outside what the
    inputs name, so they are not reported)."""
    from agentlint.loaders.hcl import load_configuration
    from agentlint.loaders.repository import find_repository_root, survey

    from agentlint.loaders.discover import select_module_files

    root = os.path.abspath(folder)
    memo = _memo_for(model)
    if root in memo:
        return memo[root]
    try:
        has_code = bool(select_module_files([n for n in os.listdir(root) if os.path.isfile(os.path.join(root, n))]))
    except OSError:
        has_code = False
    if not has_code:  # a folder of plans (CI artifacts) holds no root module: nothing to walk
        memo[root] = []
        return []
    repo = survey(find_repository_root(folder), [folder], [], limits)
    got = load_configuration(repo, limits, cache)
    # Its suppression comments apply to the plan findings located in it, as for code beside a named plan.
    (result or model).suppressions.extend(got.suppressions)
    resources = got.resources
    for e in got.errors + repo.errors:  # the code is not an input of the scan: what could not be read is a notice
        (result or model).notices.append(LoadError(path=e.path, line=e.line, kind="source-not-read",
                                       message=f"{e.kind}: {e.message} (read only to locate plan resources)"))
    memo[root] = [r for r in resources if os.path.abspath(r.stack) == root]
    return memo[root]


def _memo_for(model: ScanModel) -> dict:
    """Code read for one scan, shared by its plans (kept on the model so it ends with the scan)."""
    memo = getattr(model, "_plan_source_memo", None)
    if memo is None:
        memo = {}
        setattr(model, "_plan_source_memo", memo)
    return memo


def drop_located_duplicates(findings: list) -> list:
    """A plan finding located in code that the scan also read reports what the code's finding at the same block
    already reports (same rule, file, line and resource): keep the code's finding, which suppressions and
    `--diff-base` know, and drop the plan's. Plan findings the code did not produce (a value only the plan
    resolves) stay."""
    code = {(f.rule_id, f.path, f.start_line, strip_instance_keys(f.address)) for f in findings if f.plan is None}
    # A code finding on a statement of a policy document the plan only has rendered (the plan's finding stays where
    # the document is used): the same finding, matched where the code's was before statement locations.
    used_at = {(f.rule_id, *f.legacy_location, f.identity and strip_instance_keys(f.identity))
               for f in findings if f.plan is None and f.legacy_location is not None}
    return [f for f in findings if f.plan is None or f.path == f.plan
            or ((f.rule_id, f.path, f.start_line, strip_instance_keys(f.address)) not in code
                and (f.rule_id, f.path, f.start_line, f.identity and strip_instance_keys(f.identity)) not in used_at)]
