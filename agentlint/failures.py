"""agentlint's own failures, isolated: a bug met while building the graph for one resource, evaluating one
resource or running one rule becomes an `internal-error` entry in `errors` (with the resource's file and line where
one is known), the report is still written and the exit code is 2. The input's own problems (parse errors, limits)
are reported where the input is read; everything here is a defect of agentlint's, shown so it is never mistaken
for a clean pass.

AGENTLINT_DEBUG=1 lets such an exception through with its traceback.
"""

from __future__ import annotations

import os
from typing import Callable, Optional, TypeVar

from agentlint.model import Finding, LoadError, Resource, ScanModel

T = TypeVar("T")
MAX_RETRIES = 20  # graph builds retried, each without the resource that failed; then without any resource


def debugging() -> bool:
    return bool(os.environ.get("AGENTLINT_DEBUG"))


def culprit(exc: BaseException) -> Optional[Resource]:
    """The resource the failing code was handling: the innermost frame of the traceback holding one in a local
    variable. Reading frames costs nothing on the normal path and needs no bookkeeping in every rule."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            if isinstance(value, Resource):
                found = value
                break
        tb = tb.tb_next
    return found


def internal_error(what: str, exc: BaseException) -> LoadError:
    res = culprit(exc)
    where = f" on {res.address}" if res is not None else ""
    text = " ".join(f"{exc.__class__.__name__}: {exc}".split())[:300]
    return LoadError(path=res.path if res is not None else "(agentlint)", line=res.start_line if res else None,
                     kind="internal-error", message=f"{what} failed{where}: {text}")


def build_isolated(model: ScanModel, build: Callable[[ScanModel], T], errors: list[LoadError]) -> T:
    """Build the graph; when building fails on a resource, report it and build again without it, so one resource
    cannot take the whole report with it."""
    for _ in range(MAX_RETRIES):
        try:
            return build(model)
        except Exception as exc:
            if debugging():
                raise
            errors.append(internal_error("building the identity graph", exc))
            res = culprit(exc)
            if res is None:
                break
            model.resources = [r for r in model.resources if r is not res]
    model.resources = []
    return build(model)


def evaluation_failures(model: ScanModel) -> list[LoadError]:
    """Resources whose lazy evaluation failed (read as empty): each an internal error at the resource."""
    return [LoadError(path=r.path, line=r.start_line, kind="internal-error",
                      message=f"evaluating {r.address} failed: {' '.join(r.failure.split())[:300]}")
            for r in model.resources if r.failure]


def evaluation_limits(model: ScanModel) -> list[LoadError]:
    """Resources whose evaluation ran into a budget: some of their values are unknown because of it, which a
    merge gate must not take as a clean pass (the input's problem, so kind `limit`, like a file over a limit)."""
    return [LoadError(path=r.path, line=r.start_line, kind="limit",
                      message=f"{r.address}: {r.limit}; values past it are unknown")
            for r in model.resources if r.limit]


def untrusted(findings: list[Finding], model: ScanModel) -> list[Finding]:
    """Findings on a resource whose evaluation failed are not trustworthy (its attributes read as empty, which
    looks like "no expiry", "no condition"...): the internal error stands for them."""
    failed = {(r.stack, r.address) for r in model.resources if r.failure}
    if not failed:
        return findings
    return [f for f in findings if (f.stack, f.address) not in failed]
