"""Read an input file as text: UTF-8 (with or without BOM) or UTF-16 with BOM; refuse binary and huge files.

Every reader of scanned input goes through `read_bytes`: regular files only (a device, FIFO or socket named `.tf`,
`terraform.tfvars`, a plan or a `file()` target would block or never end), the size checked on the open descriptor
(`getsize` is 0 for `/dev/zero`), and the read itself bounded.
"""

from __future__ import annotations

import codecs
import os
import stat

MAX_FILE_BYTES = 5_000_000


class TextFileError(Exception):
    def __init__(self, message: str, kind: str = "unreadable", line: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.line = line


def read_bytes(path: str, max_bytes: int = MAX_FILE_BYTES, head: bool = False) -> bytes:
    """The file's bytes (at most `max_bytes`; with `head`, the first `max_bytes` of a larger file instead of an
    error). Opening never blocks (O_NONBLOCK), and anything but a regular file is refused."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except PermissionError:
        raise TextFileError("permission denied") from None
    except OSError as exc:
        raise TextFileError(f"cannot read: {exc.strerror or exc.__class__.__name__}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise TextFileError("not a regular file (a device, FIFO or socket); not read")
        if info.st_size > max_bytes and not head:
            raise TextFileError(f"file is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit; skipped", "limit")
        raw = _read_fd(fd, min(info.st_size, max_bytes) + 1, max_bytes + 1)
    except OSError as exc:
        raise TextFileError(f"cannot read: {exc.strerror or exc.__class__.__name__}") from None
    finally:
        os.close(fd)
    if len(raw) > max_bytes:  # grew since fstat, or a special file that reports no size
        if head:
            return raw[:max_bytes]
        raise TextFileError(f"file is over the {max_bytes:,}-byte limit; skipped", "limit")
    return raw


def _read_fd(fd: int, first: int, limit: int) -> bytes:
    """Up to `limit` bytes, asking first for the size fstat gave (plus one byte, to see a file that grew). A buffered
    read of `limit` bytes would allocate the whole limit (5 MB) for every small file."""
    chunks: list[bytes] = []
    size = 0
    want = first
    while size < limit:
        chunk = os.read(fd, min(want, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        want = 1 << 16
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_stream(stream, max_bytes: int) -> bytes:
    """At most `max_bytes` from a binary stream (standard input: `terraform show -json tfplan | agentlint scan -`).
    Reads in chunks and stops one byte past the limit, so an endless or huge stream is refused, never held whole."""
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes:
        try:
            chunk = stream.read(min(1 << 20, max_bytes + 1 - size))
        except OSError as exc:
            raise TextFileError(f"cannot read: {exc.strerror or exc.__class__.__name__}") from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise TextFileError(f"input is over the {max_bytes:,}-byte limit; skipped", "limit")


def read_text(path: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    return decode_text(read_bytes(path, max_bytes))


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM, CRLF read as LF; binary content and bad encodings refused."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise TextFileError("invalid UTF-16 text", "encoding") from None
    else:
        if b"\x00" in raw[:8192]:
            raise TextFileError("binary content, not a text file", "encoding")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise TextFileError(f"invalid UTF-8 at byte {exc.start}", "encoding", line) from None
    return text.replace("\r\n", "\n")
