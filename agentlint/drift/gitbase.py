"""The tree of a git revision, written to a temporary folder so that the loaders can read it as they read the
working tree.

git is asked only for the list of the revision's files (`git ls-tree`) and their stored contents (`git cat-file
--batch`), as `scan --diff-base` reads a base (agentlint.changes): no checkout, no textconv or clean/smudge filters,
no hooks, no fsmonitor, nothing from the tree executed. Only regular files are written; symbolic links and
submodules are left out, and a path that would leave the folder (`..`, an absolute path, a `.git` part) is refused.
"""

from __future__ import annotations

import os

from agentlint.changes import ChangeError, _git, ls_tree


def toplevel(path: str) -> str:
    folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path)) or "."
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top is None:
        raise ChangeError(f"{path} is not inside a git repository (--base needs one)")
    return os.path.realpath(top.decode().strip())


def materialise(ref: str, top: str, dest: str) -> int:
    """Write the regular files of `ref` in the repository at `top` under `dest`; the number of files written."""
    if _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top) is None:
        raise ChangeError(f"git does not know the revision {ref!r}")
    listing = ls_tree(ref, top, timeout=60)
    if listing is None:
        raise ChangeError(f"git could not list the files of {ref!r}")
    wanted: list[tuple[str, str]] = []
    for mode, kind, sha, name in listing:
        rel = name.decode("utf-8", "surrogateescape")
        parts = rel.split("/")
        if kind != "blob" or mode not in ("100644", "100755") or rel.startswith("/") \
                or any(p in ("", ".", "..", ".git") for p in parts):
            continue
        wanted.append((sha, rel))
    if not wanted:
        return 0
    out = _git(["cat-file", "--batch"], top, stdin="".join(f"{sha}\n" for sha, _ in wanted).encode(), timeout=300)
    if out is None:
        raise ChangeError(f"git could not read the files of {ref!r}")
    pos = 0
    for _sha, rel in wanted:
        end = out.index(b"\n", pos)
        size = int(out[pos:end].split()[2])
        body = out[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
        target = os.path.join(dest, *rel.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(body)
    return len(wanted)
