"""The scan result cache: a scan whose inputs have not changed since the last identical scan returns that scan's
report without loading, evaluating or judging anything (as ruff and mypy skip unchanged work).

When it is used: `agentlint scan` with the cache on (not `--no-cache`), on code found by walking folders (named
folders or files; plans the walk finds count as code), and not with `--diff-base`, `--changed-only`, a named plan or
`-`, `--source`, `--terraform-show` or `--rules-dir` (their results depend on git, on files outside the repository
or on code the cache cannot fingerprint).

What must be equal for a hit, or the scan runs as if there were no cache:
- the invocation: agentlint's version and the files of the installed package, the parser's grammar and version, the
  working folder, the paths as given, the whole configuration after command-line options (rules, severities,
  limits, excludes, variables), `AGENTLINT_*` settings, and today's date (suppressions expire on a date);
  agentlint's own cache folder is left out of the walk below when it lies in the repository;
- every entry under each repository root the inputs belong to, hidden folders included (`.terraform/modules`, a
  `file()` target), `.git` excepted (nothing is read there without --diff-base): its path, type, size, modification
  and change times, inode and mode. The change time cannot be set back by any tool, so rewriting a file with the
  same size and a restored modification time is still a change;
- the content of every variable file named outside the repository.

A file changed within two seconds of the scan's start may keep its times on a file system with coarse timestamps
(git's "racy" files): its content hash, taken before anything is read, is stored too and compared on the next run.
Nothing is stored when an evaluation ran into a limit (time limits depend on the machine) or a rule failed, or when
the repository holds more than MAX_ENTRIES entries (the walk would cost more than it saves).

Storage: one entry per invocation (a hash of the invocation) in `<cache dir>/result-v1/`, overwritten by the next
run, so the cache does not grow with every commit. Entries are written and read as the parse cache's
(loaders/cache.py: `marshal` data behind a SHA-256 of their content, renamed into place): loading one cannot run
code, and a damaged or tampered entry is a miss.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import marshal
import os
import sys
import time
from enum import Enum
from stat import S_ISDIR, S_ISREG
from typing import Any, Callable, Optional

from pydantic import BaseModel

from agentlint import __version__
from agentlint.model import Report

FORMAT = 1
MAX_ENTRIES = 100_000
RACY_SECONDS = 2.0
_MAX_RACY_BYTES = 64 * 1024 * 1024
_UNCACHEABLE_KINDS = ("limit", "internal-error")


class Inputs(BaseModel):
    """What a scan was asked: the part of the invocation the CLI knows (paths and options as given)."""

    paths: list[str]
    root: Optional[str] = None
    options: dict[str, Any]  # flags that change the report (no_ignore, ...)
    config: dict[str, Any]  # the configuration after command-line options, as JSON


def folder() -> str:
    from agentlint.loaders.cache import cache_dir

    return os.path.join(cache_dir(), f"result-v{FORMAT}")


def cached_scan(paths: list[str], root: Optional[str], config, options: dict[str, Any], run: Callable[[], Report],
                enabled: bool = True) -> Report:
    """`run()`'s report, or the stored one when nothing it depends on has changed. `options`: the command-line flags
    that change the report beyond the configuration (`config`, after command-line options)."""
    if not enabled:
        return run()
    try:
        probe = _Probe(Inputs(paths=paths, root=root, options=options, config=config.model_dump(mode="json")))
    except _NotCacheable:
        return run()
    stored = probe.lookup()
    if stored is not None:
        return stored
    report = run()
    probe.store(report)
    return report


class _NotCacheable(Exception):
    pass


class _Probe:
    """The invocation's slot and the state of its inputs, taken before the scan reads anything."""

    def __init__(self, inputs: Inputs):
        from agentlint.loaders.repository import group_inputs
        from agentlint.rule.registry import _CUSTOM_DIRS

        if _CUSTOM_DIRS or not inputs.paths:
            raise _NotCacheable()
        groups, errors = group_inputs(inputs.paths, inputs.root)
        if errors or any(_is_named_plan(p) for p in inputs.paths):
            raise _NotCacheable()
        self.slot = hashlib.sha256(json.dumps({
            "format": FORMAT, "version": __version__, "python": sys.version, "cwd": os.getcwd(),
            "paths": inputs.paths, "abs": [os.path.abspath(p) for p in inputs.paths], "root": inputs.root,
            "options": inputs.options, "config": inputs.config,
            "env": sorted((k, v) for k, v in os.environ.items()
                          if k.startswith("AGENTLINT_") and k not in ("AGENTLINT_CACHE_DIR", "AGENTLINT_NO_CACHE")),
        }, sort_keys=True, default=str).encode()).hexdigest()
        self.started = time.time()
        state = hashlib.sha256()
        state.update(_code_fingerprint())
        state.update(datetime.date.today().isoformat().encode())  # in the state, not the slot: one entry, overwritten
        # The cache folder may sit in the repository (a CI workspace cache): what agentlint writes there is no input.
        # It is made before the walk, so its appearing (in its parent's listing) does not count as a change either.
        from agentlint.loaders.cache import cache_dir

        self.skip = os.path.abspath(cache_dir())
        try:
            os.makedirs(self.skip, exist_ok=True)
        except OSError:
            raise _NotCacheable() from None
        self.racy: list[tuple[str, bytes]] = []
        count = 0
        for root in sorted(groups):
            state.update(b"\0root\0" + os.path.abspath(root).encode("utf-8", "surrogateescape"))
            count = self._walk(os.path.abspath(root), state, count)
        for var_file in inputs.config.get("var_files") or []:
            state.update(b"\0var\0" + _file_digest(os.path.abspath(var_file)))
        self.state = state.digest()

    def _walk(self, root: str, state, count: int) -> int:
        """Every entry under `root` but `.git`, depth first in name order; racy files' content noted."""
        pending = [root]
        horizon = self.started - RACY_SECONDS
        while pending:
            current = pending.pop()
            try:
                with os.scandir(current) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                state.update(f"\0unreadable\0{current}\0{exc.errno}".encode("utf-8", "surrogateescape"))
                continue
            subfolders = []
            rows = []
            for entry in entries:
                if entry.name == ".git" or entry.path == self.skip:
                    continue
                count += 1
                if count > MAX_ENTRIES:
                    raise _NotCacheable()
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    rows.append((entry.path, "gone"))
                    continue
                rows.append(_signature(entry, st))
                if S_ISDIR(st.st_mode):
                    subfolders.append(entry.path)
                elif S_ISREG(st.st_mode) and max(st.st_mtime, st.st_ctime) >= horizon:
                    if st.st_size > _MAX_RACY_BYTES:
                        raise _NotCacheable()
                    self.racy.append((entry.path, _file_digest(entry.path)))
            state.update(marshal.dumps((current, rows)))  # one update per folder: the walk's cost is per entry
            pending.extend(reversed(subfolders))
        return count

    def _entry_path(self) -> str:
        return os.path.join(folder(), self.slot[:2], self.slot[2:])

    def lookup(self) -> Optional[Report]:
        from agentlint.loaders.cache import read_entry

        try:
            fmt, state, racy, data = marshal.loads(read_entry(self._entry_path()))
            if fmt != FORMAT or state != self.state:
                return None
            if any(_file_digest(path) != digest for path, digest in racy):
                return None
            return Report.model_validate(data)
        except (OSError, EOFError, ValueError, TypeError):
            return None
        except Exception:  # a stored report that no longer validates (pydantic's error): a miss, never a failure
            return None

    def store(self, report: Report) -> None:
        from agentlint.loaders.cache import write_entry

        if any(e.kind in _UNCACHEABLE_KINDS for e in [*report.errors, *report.notices]):
            return
        try:
            body = marshal.dumps((FORMAT, self.state, self.racy, _plain(report)))
        except ValueError:
            return
        write_entry(self._entry_path(), body)


def _signature(entry: os.DirEntry, st: os.stat_result) -> tuple:
    return (entry.path, st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def _is_named_plan(path: str) -> bool:
    """`-`, or a named file that is neither configuration, a variable file nor Terragrunt's (the survey's kinds)."""
    from agentlint.loaders.discover import VAR_SUFFIXES, config_kind
    from agentlint.loaders.repository import TERRAGRUNT_FILE

    name = os.path.basename(path)
    return path == "-" or (os.path.isfile(path) and not (config_kind(name) or name.endswith(VAR_SUFFIXES)
                                                         or name == TERRAGRUNT_FILE))


def _file_digest(path: str) -> bytes:
    """Through the guarded reader: a FIFO or device swapped in for a file is refused, never waited on."""
    from agentlint.loaders.textfile import TextFileError, read_bytes

    try:
        return hashlib.sha256(read_bytes(path, _MAX_RACY_BYTES)).digest()
    except TextFileError as exc:
        return f"unreadable {exc}".encode()


_CODE: list[bytes] = []


def _code_fingerprint() -> bytes:
    """agentlint's own files (an edited checkout is new code) and the parser's grammar and version."""
    if not _CODE:
        import importlib.util

        from agentlint.loaders.cache import _parser_fingerprint

        rules = importlib.util.find_spec("agentlint.rules")  # its folder, without importing every rule
        digest = hashlib.sha256(_parser_fingerprint())
        packages = sorted({os.path.dirname(os.path.abspath(__file__)),
                           *map(os.path.abspath, (rules.submodule_search_locations or []) if rules else [])})
        for current, dirs, files in (step for package in packages for step in os.walk(package)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                path = os.path.join(current, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                digest.update(b"%s %d %d %d" % (path.encode("utf-8", "surrogateescape"), st.st_size,
                                                st.st_mtime_ns, st.st_ino))
        _CODE.append(digest.digest())
    return _CODE[0]


def _plain(value):
    """A report as marshal-able data, with the fields the JSON output leaves out (renderers read them)."""
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise ValueError(f"cannot store {type(value).__name__}")
