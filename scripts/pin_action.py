"""Pin this repository's own GitHub Action in the docs to a release commit: run at release time.

Until there is a release, docs/ci.md's workflows use `agentlint/agentlint@` + forty zeros (a commit that cannot
exist, so a workflow copied before the release fails at once instead of running something unpinned), with the
comment `# vX.Y.Z: replace with the release's commit`. At release, after tagging:

    python scripts/pin_action.py "$(git rev-parse vX.Y.Z^{commit})"

rewrites each such line to `agentlint/agentlint@<commit> # vX.Y.Z` (the version is the package's). `--check` only
reports what it would change and exits 1 while a placeholder is left (for a release checklist).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "docs" / "ci.md", ROOT / "README.md"]
PLACEHOLDER_SHA = "0" * 40
# The placeholder as the docs write it: the version in the comment, and what to do.
PLACEHOLDER = re.compile(r"agentlint/agentlint@" + PLACEHOLDER_SHA + r" # (v[\d.]+): replace with the release's commit")


def pin(text: str, commit: str, version: str) -> tuple[str, int]:
    """`text` with every placeholder pinned to `commit`; refuses a placeholder naming another version."""
    def one(m: re.Match) -> str:
        if m.group(1) != version:
            raise ValueError(f"placeholder names {m.group(1)}, the package is {version}")
        return f"agentlint/agentlint@{commit} # {version}"

    return PLACEHOLDER.subn(one, text)


def main(argv: list[str] | None = None) -> int:
    from agentlint import __version__

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit", nargs="?", help="the release's full commit SHA (40 hex digits)")
    parser.add_argument("--check", action="store_true", help="exit 1 while a placeholder is left; change nothing")
    parser.add_argument("--files", nargs="*", type=Path, default=DOCS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    version = "v" + __version__
    if args.check:
        left = [(p, n) for p in args.files if p.exists()
                for n, line in enumerate(p.read_text().splitlines(), 1) if PLACEHOLDER.search(line)]
        for path, line in left:
            print(f"{path}:{line}: agentlint/agentlint is not pinned to a release commit yet")
        return 1 if left else 0
    if not args.commit or not re.fullmatch(r"[0-9a-f]{40}", args.commit) or args.commit == PLACEHOLDER_SHA:
        parser.error("give the release's full commit SHA: 40 lowercase hex digits")
    total = 0
    for path in args.files:
        if not path.exists():
            continue
        text, count = pin(path.read_text(), args.commit, version)
        if count:
            path.write_text(text)
            print(f"{path}: {count} pinned to {args.commit} # {version}")
        total += count
    if not total:
        print("no placeholder found", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
