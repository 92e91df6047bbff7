"""Read an input file as text: UTF-8 (with or without BOM) or UTF-16 with BOM; refuse binary and huge files."""

from __future__ import annotations

import codecs
import os

MAX_FILE_BYTES = 5_000_000


class TextFileError(Exception):
    def __init__(self, message: str, kind: str = "unreadable", line: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.line = line


def read_text(path: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise TextFileError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit; skipped", "limit")
        with open(path, "rb") as fh:
            raw = fh.read()
    except PermissionError:
        raise TextFileError("permission denied") from None
    except OSError as exc:
        raise TextFileError(f"cannot read: {exc.strerror or exc.__class__.__name__}") from None
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
