"""Configuration files -> ParsedFile: HCL or Terraform JSON syntax, through the parse cache, in worker processes
when there are many; a failure becomes a LoadError of the right kind."""

from __future__ import annotations

import json
import os
import re
from typing import TYPE_CHECKING, Optional

from agentlint.loaders.cache import ParseCache, decode, encode
from agentlint.loaders.parsed import HCLSyntaxError, NestingLimit, ParsedFile
from agentlint.loaders.tf_json import parse_tf_json
from agentlint.loaders.textfile import TextFileError, read_text
from agentlint.model import Limits, LoadError

if TYPE_CHECKING:
    pass


# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 24


_TEMPLATE_MARKERS = re.compile(r"\{%-?\s*(if|for|endif|endfor|else|set|include|macro|block)\b|\{\{\s*[\w.]+\s*\}\}")


def parse_text(text: str, path: str, limits: Limits = Limits()) -> ParsedFile:
    """Parse configuration text (HCL or Terraform JSON syntax); raises on what cannot be read."""
    if path.endswith(".json"):
        return parse_tf_json(text, path, limits.max_nesting)
    from agentlint.loaders.hcl_ast import parse_hcl  # the parser loads only when a file needs parsing

    try:
        return parse_hcl(text, path, limits.max_nesting)
    except NestingLimit:
        raise
    except HCLSyntaxError as exc:
        if _TEMPLATE_MARKERS.search(text):
            raise HCLSyntaxError(f"looks like a template ({{% %}} / {{{{ }}}} tags), not Terraform; {exc}",
                                 exc.line) from None
        raise


def parse_config_file(path: str, limits: Limits = Limits()) -> ParsedFile:
    return parse_text(read_text(path, limits.max_config_bytes), path, limits)


def classify(exc: BaseException) -> tuple[str, Optional[int], str]:
    """(kind, line, message) of a file that could not be read or parsed."""
    if isinstance(exc, NestingLimit):
        return "limit", exc.line, str(exc)
    if isinstance(exc, HCLSyntaxError):
        return "parse-error", exc.line, str(exc)
    if isinstance(exc, TextFileError):
        return exc.kind, exc.line, str(exc)
    if isinstance(exc, json.JSONDecodeError):
        return "parse-error", exc.lineno, f"invalid JSON: {exc.msg}"
    if isinstance(exc, RecursionError):
        return "limit", None, "nested too deeply to parse; file skipped"
    # Anything else is agentlint's own failure on this file, not the user's syntax: said so, and never cached.
    return "internal-error", None, f"agentlint failed on this file ({exc.__class__.__name__}); please report it"


def _cached_parse(text: str, path: str, limits: Limits, cache: Optional[ParseCache]) -> ParsedFile:
    if cache is None:
        return parse_text(text, path, limits)
    key = cache.key(text.encode("utf-8", "surrogatepass"), "hcl")
    hit = cache.get(key, path)
    if hit is not None and not isinstance(hit, tuple):
        return hit
    parsed = parse_text(text, path, limits)
    cache.put(key, encode(parsed))
    return parsed


def _parse_job(job: tuple) -> tuple:
    """Runs in a worker process: returns marshal-friendly data, never raises for a bad file."""
    path, text, limits = job
    try:
        return ("ok", encode(parse_text(text, path, limits)))
    except Exception as exc:  # noqa: BLE001 - any failure of one file is that file's error, not the scan's
        return ("error",) + classify(exc)


def parse_files(paths: list[str], limits: Limits, cache: ParseCache, errors: list[LoadError],
                progress=None) -> dict[str, ParsedFile]:
    """Parse every file once: from the cache when its content was seen before, else in parallel when many."""
    results: dict[str, ParsedFile] = {}
    jobs: list[tuple] = []
    keys: dict[str, str] = {}
    for path in paths:
        try:
            text = read_text(path, limits.max_config_bytes)
        except TextFileError as exc:
            errors.append(LoadError(path=path, line=exc.line, kind=exc.kind, message=str(exc)))
            continue
        key = cache.key(text.encode("utf-8", "surrogatepass"), "json" if path.endswith(".json") else "hcl")
        hit = cache.get(key, path)
        if isinstance(hit, tuple):  # a cached failure: the same bytes fail the same way
            _, kind, line, message = hit
            errors.append(LoadError(path=path, line=line, kind=kind, message=message))
        elif hit is not None:
            results[path] = hit
        else:
            keys[path] = key
            jobs.append((path, text, limits))
    done = len(results)
    total = len(paths)
    if progress:
        progress(done, total)
    for path, outcome in _run_jobs(jobs):
        done += 1
        if progress:
            progress(done, total)
        if outcome[0] == "ok":
            results[path] = decode(outcome[1], path)
            cache.put(keys[path], outcome[1])
        else:
            _, kind, line, message = outcome
            errors.append(LoadError(path=path, line=line, kind=kind, message=message))
            if kind not in ("limit", "internal-error"):  # a raised limit or a fixed agentlint must re-read the file
                cache.put(keys[path], ("error", kind, line, message))
    return results


def _end_with_parent(parent: int) -> None:
    """Runs first in each parse worker: the worker ends when agentlint does, even when agentlint is killed
    (SIGKILL leaves no chance to stop the pool). Linux: the kernel sends SIGKILL on the parent's death; elsewhere
    (macOS) a thread watches for the worker being re-parented."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before the request took effect
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _run_jobs(jobs: list[tuple]):
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_MIN_FILES or workers < 2:
        for job in jobs:
            yield job[0], _parse_job(job)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import agentlint.loaders.hcl_ast  # noqa: F401 - loaded once here, inherited by forked workers

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, min(64, len(jobs) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_end_with_parent,
                             initargs=(os.getpid(),)) as pool:
        for job, outcome in zip(jobs, pool.map(_parse_job, jobs, chunksize=chunk)):
            yield job[0], outcome
