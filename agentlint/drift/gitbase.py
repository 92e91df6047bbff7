"""The tree of a git revision, written to a temporary folder so that the loaders can read it as they read the
working tree.

git is asked only for the list of the revision's files (`git ls-tree`) and their stored contents (`git cat-file
--batch`), as `scan --diff-base` reads a base (agentlint.changes): no checkout, no textconv or clean/smudge filters,
no hooks, no fsmonitor, nothing from the tree executed. Only regular files are written; symbolic links and
submodules are left out, and a path that would leave the folder (`..`, an absolute path, a `.git` part) is refused.

A pull request changes a few files of many, and creating thousands of files costs seconds on a disk (5,732 files:
about 4 s here, against 1 s for as many hard links). So a regular file of the working tree whose bytes hash to the
blob id git lists at the revision is hard-linked instead of written: the same bytes, checked by git's own object id
on the bytes read. Anything else (a changed or missing file, a symbolic link, another file system, a link refused)
is written from git's objects as before. Nothing writes into the folder after this, so the links never change the
working tree; removing the folder removes only the links.
"""

from __future__ import annotations

import os
import stat

from agentlint.changes import ChangeError, _git, file_blob_id, ls_tree


def toplevel(path: str) -> str:
    folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path)) or "."
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top is None:
        raise ChangeError(f"{path} is not inside a git repository (--base needs one)")
    return os.path.realpath(top.decode().strip())


def materialise(ref: str, top: str, dest: str) -> int:
    """Write the regular files of `ref` in the repository at `top` under `dest` (hard-linking those the working tree
    holds unchanged); the number of files written or linked."""
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
    fetch: list[tuple[str, str]] = []
    folders: set[str] = set()
    for sha, rel in wanted:
        parts = rel.split("/")
        target = os.path.join(dest, *parts)
        folder = os.path.dirname(target)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        if not _link_same(os.path.join(top, *parts), sha, target):
            fetch.append((sha, target))
    if not fetch:
        return len(wanted)
    out = _git(["cat-file", "--batch"], top, stdin="".join(f"{sha}\n" for sha, _ in fetch).encode(), timeout=300)
    if out is None:
        raise ChangeError(f"git could not read the files of {ref!r}")
    pos = 0
    for _sha, target in fetch:
        end = out.index(b"\n", pos)
        size = int(out[pos:end].split()[2])
        body = out[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
        with open(target, "wb") as fh:
            fh.write(body)
    return len(wanted)


def _link_same(source: str, sha: str, target: str) -> bool:
    """Hard-link the working tree's `source` at `target` when it is a regular file whose bytes are the blob `sha`;
    False (nothing left at `target`) otherwise. The file is opened without following a symbolic link, and the link
    is kept only if it names the very file whose bytes were hashed."""
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return False
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return False
        with os.fdopen(os.dup(fd), "rb") as fh:
            if file_blob_id(fh, sha) != sha:
                return False
        os.link(source, target, follow_symlinks=False)
        linked = os.lstat(target)
        if (linked.st_dev, linked.st_ino) == (st.st_dev, st.st_ino):
            return True
        os.unlink(target)  # the path was replaced between the hash and the link
        return False
    except (OSError, NotImplementedError):  # NotImplementedError: a platform without link(follow_symlinks=False)
        return False
    finally:
        os.close(fd)
