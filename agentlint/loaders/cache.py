"""A content-addressed cache of parsed configuration files, so an unchanged file is never parsed twice.

- Key: SHA-256 of the file's bytes, agentlint's version, python-hcl2's grammar and version files, and the nesting
  limit. A changed file, a new agentlint or a new parser gets new entries; old ones are simply not read.
- Location: `$AGENTLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/agentlint`, else `~/.cache/agentlint`.
- Concurrency: entries are written to a temporary file and renamed into place, so concurrent runs (pre-commit in
  parallel, CI matrix jobs on one runner) never read a half-written entry.
- Format: `marshal` of plain tuples, lists and dicts. Unlike pickle, loading an entry cannot run code, so a
  tampered cache folder cannot make agentlint execute anything; an unreadable entry counts as a miss.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import tempfile
from typing import Optional

from agentlint import __version__
from agentlint.loaders.parsed import Block, LazyBlock, ParsedFile

FORMAT = 9  # 9: heredoc markers with trailing whitespace and continued lines parse (cached failures of 8 would not)
_LAZY_TYPES = ("resource", "data")
_DIGEST_BYTES = 32  # SHA-256 of the marshalled entry, written before it
_META = ("count", "for_each")


def cache_dir() -> str:
    explicit = os.environ.get("AGENTLINT_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "agentlint")


def clean(folder: Optional[str] = None) -> tuple[int, int]:
    """`agentlint cache clean`: remove what agentlint wrote in its cache folder (parse entries and stored scan
    results of every format, the action catalogue's index), and nothing else: `$AGENTLINT_CACHE_DIR` may name a
    folder shared with other files. Returns (files removed, bytes freed)."""
    import shutil

    folder = folder or cache_dir()
    files = size = 0
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return 0, 0
    for name in names:
        path = os.path.join(folder, name)
        if name.startswith(("parse-v", "result-v")) and os.path.isdir(path) and not os.path.islink(path):
            for sub, _, entries in os.walk(path):
                for entry in entries:
                    try:
                        size += os.lstat(os.path.join(sub, entry)).st_size
                        files += 1
                    except OSError:
                        pass
            shutil.rmtree(path, ignore_errors=True)
        elif name.startswith("aws-actions-") and (name.endswith(".marshal") or name.endswith(".tmp")):
            try:
                size += os.lstat(path).st_size
                os.unlink(path)
                files += 1
            except OSError:
                pass
    return files, size


def _parser_fingerprint() -> bytes:
    spec = importlib.util.find_spec("hcl2")
    digest = hashlib.sha256()
    if spec is not None and spec.submodule_search_locations:
        folder = list(spec.submodule_search_locations)[0]
        for name in ("hcl2.lark", "version.py"):
            try:
                with open(os.path.join(folder, name), "rb") as fh:
                    digest.update(fh.read())
            except OSError:
                digest.update(name.encode())
    return digest.digest()


class ParseCache:
    def __init__(self, folder: Optional[str] = None, enabled: bool = True, max_nesting: int = 100):
        self.folder = os.path.join(folder or cache_dir(), f"parse-v{FORMAT}")
        self.enabled = enabled
        self.salt = hashlib.sha256(b"|".join([__version__.encode(), _parser_fingerprint(),
                                              str(max_nesting).encode()])).digest() if enabled else b""
        self.hits = self.misses = self.writes = 0

    def key(self, content: bytes, kind: str) -> str:
        return hashlib.sha256(self.salt + kind.encode() + b"\0" + content).hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key[2:])

    def get(self, key: str, path: str):
        if not self.enabled:
            return None
        try:
            parsed = decode(marshal.loads(read_entry(self._path(key))), path)
        except (OSError, EOFError, ValueError, TypeError, IndexError):
            self.misses += 1
            return None
        self.hits += 1
        return parsed

    def put(self, key: str, data: tuple) -> None:
        if not self.enabled:
            return
        try:
            payload = marshal.dumps(data)
        except ValueError:
            return
        if write_entry(self._path(key), payload):
            self.writes += 1


def read_entry(path: str) -> bytes:
    """The payload of a cache entry (the parse cache's and the result cache's). Each entry carries the digest of its
    content: a flipped byte (a bad disk, a tampered cache folder) raises ValueError, a miss, never a file read wrong
    or a finding lost."""
    with open(path, "rb") as fh:
        raw = fh.read()
    if len(raw) < _DIGEST_BYTES or hashlib.sha256(raw[_DIGEST_BYTES:]).digest() != raw[:_DIGEST_BYTES]:
        raise ValueError("cache entry digest")
    return raw[_DIGEST_BYTES:]


def write_entry(path: str, payload: bytes) -> bool:
    """Write an entry whole or not at all: a temporary file renamed into place, so concurrent runs (pre-commit in
    parallel, CI matrix jobs on one runner) never read half of one. A read-only or full cache folder only costs
    speed, never the scan (False)."""
    tmp = None
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, path)
        return True
    except OSError:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return False


def _encode_block(b: Block) -> tuple:
    if b.type in _LAZY_TYPES:
        body = marshal.dumps((b.attrs, tuple(_encode_block(x) for x in b.blocks)))
        meta = {k: b.attrs[k] for k in _META if k in b.attrs}
        return ("L", b.type, tuple(b.labels), meta, b.attr_lines, body, b.start_line, b.end_line)
    return ("E", b.type, tuple(b.labels), b.attrs, b.attr_lines, tuple(_encode_block(x) for x in b.blocks),
            b.start_line, b.end_line)


def _decode_body(payload: bytes):
    attrs, blocks = marshal.loads(payload)
    return attrs, [_decode_block(x) for x in blocks]


def _decode_block(t: tuple) -> Block:
    if t[0] == "L":
        return LazyBlock(t[1], list(t[2]), t[3], t[4], t[5], t[6], t[7], _decode_body)
    return Block(type=t[1], labels=list(t[2]), attrs=t[3], attr_lines=t[4], blocks=[_decode_block(x) for x in t[5]],
                 start_line=t[6], end_line=t[7])


def encode(parsed: ParsedFile) -> tuple:
    return (FORMAT, tuple(_encode_block(b) for b in parsed.blocks), parsed.attrs,
            tuple((line, tuple(rules), reason, until) for line, rules, reason, until in parsed.suppressions))


def decode(data: tuple, path: str):
    """A ParsedFile, or for a cached failure the tuple ("error", kind, line, message)."""
    if data[0] == "error" and len(data) == 4:
        return data
    if data[0] != FORMAT:
        raise ValueError("cache format")
    return ParsedFile(path=path, blocks=[_decode_block(b) for b in data[1]], attrs=data[2],
                      suppressions=[(line, list(rules), reason, until) for line, rules, reason, until in data[3]])
