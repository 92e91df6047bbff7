"""One plan input -> resources: plan JSON, or a binary plan (reported, or shown with `--terraform-show`), and the
plan's resources located in the code they were planned from (see `plan_source`).

`loaders.load` makes one `PlanLoader` per scan and calls `PlanLoader.load` for each plan file.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Optional

from agentlint.loaders.plan import PlanError, load_plan_with_config
from agentlint.loaders.plan_binary import binary_plan_message, find_terraform, is_binary_plan, show_json
from agentlint.loaders.result import LoadResult
from agentlint.model import Limits, LoadError, ScanModel

STDIN = "<stdin>"  # the plan read from standard input (`scan -`), as reports name it


@dataclass(frozen=True)
class PlanOptions:
    """Command-line only (never from a configuration file, which a pull request can change)."""

    terraform_show: bool = False  # run `<terraform_bin> show -json` on binary plans
    terraform_bin: Optional[str] = None  # executable for --terraform-show; None: terraform, else tofu, on PATH
    sources: tuple[str, ...] = ()  # --source: folders of the code plans were made from (root modules)
    stdin: bool = False  # `scan -`: plan JSON on standard input (`terraform show -json tfplan | agentlint scan -`)


class PlanLoader:
    def __init__(self, options: Optional[PlanOptions], model: ScanModel, limits: Limits = Limits(), cache=None):
        self.options = options or PlanOptions()
        self.model = model
        self.limits = limits
        self.cache = cache

    def load(self, path: str, explicit: bool = True) -> LoadResult:
        """The plan's resources (located in their code where it is found) and what could not be read."""
        result = LoadResult()
        errors = result.errors
        if path == STDIN:
            text = self._stdin(errors)
            if text is None:
                return result
            resources, config = load_plan_with_config(path, errors, self.limits, text=text)
        elif is_binary_plan(path):
            text = self._show(path, result, explicit)
            if text is None:
                return result
            resources, config = load_plan_with_config(path, errors, self.limits, text=text)
        else:
            resources, config = load_plan_with_config(path, errors, self.limits)
        if resources:
            from agentlint.loaders.plan_source import locate_plan_resources

            locate_plan_resources(resources, path, config, self.model, self.options.sources, self.limits, self.cache,
                                  result)
        result.resources = resources
        return result

    def _stdin(self, errors: list[LoadError]) -> Optional[str]:
        """Standard input, read once through the bounded reader: a stream over `max-plan-bytes` is refused after
        that many bytes, never read to its end."""
        from agentlint.loaders.textfile import TextFileError, decode_text, read_stream

        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            errors.append(LoadError(path=STDIN, kind="unreadable", message="standard input is closed"))
            return None
        if sys.stdin.isatty():  # waiting for someone to type a plan would look like a hang
            errors.append(LoadError(path=STDIN, kind="unreadable", message="standard input is a terminal; pipe a "
                                    "plan JSON into it (terraform show -json tfplan | agentlint scan -)"))
            return None
        try:
            return decode_text(read_stream(stream, self.limits.max_plan_bytes))
        except TextFileError as exc:
            errors.append(LoadError(path=STDIN, line=exc.line, kind=exc.kind, message=str(exc)))
            return None

    def _show(self, path: str, result: LoadResult, explicit: bool) -> Optional[str]:
        errors = result.errors
        if not explicit:
            beside = _json_beside(path)
            if beside:
                result.notices.append(LoadError(
                    path=path, kind="binary-plan", message=f"binary plan not read: {os.path.basename(beside)} "
                                                           "beside it is scanned"))
                return None
        if not self.options.terraform_show:
            errors.append(LoadError(path=path, kind="binary-plan", message=binary_plan_message(path)))
            return None
        binary = find_terraform(self.options.terraform_bin)
        if binary is None:
            wanted = self.options.terraform_bin or "terraform (or tofu)"
            errors.append(LoadError(path=path, kind="terraform-show",
                                    message=f"--terraform-show: {wanted} not found (--terraform-bin PATH)"))
            return None
        try:
            return show_json(binary, path, self.limits.max_plan_bytes)
        except PlanError as exc:
            errors.append(LoadError(path=path, kind=exc.kind, message=str(exc)))
            return None


def _json_beside(path: str) -> Optional[str]:
    """`tfplan.json` beside `tfplan` (or `plan.json` beside `plan.out`), when it is a plan."""
    from agentlint.loaders.discover import looks_like_plan

    stem = os.path.splitext(path)[0]
    for candidate in dict.fromkeys((path + ".json", stem + ".json")):
        if os.path.isfile(candidate) and looks_like_plan(candidate):
            return candidate
    return None
