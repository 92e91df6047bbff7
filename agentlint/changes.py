"""Change-aware scanning for pull requests: keep the findings a change introduces or touches.

- Plans (`--changed-only`): a finding is kept when its resource, or any resource on its agent -> identity ->
  policy path, is created, updated or replaced by the plan. An unchanged agent whose role gets a new policy
  attachment is therefore reported.
- Code (`--diff-base REF`): a finding is kept when its block, or any block on its path, differs from the same file
  at git REF (new files count as changed). A changed `locals`, `variable`, `module` or `output` block, or a changed
  `.tfvars` file, can change any value in its folder, so it marks the whole folder as changed; so does a changed
  file the folder's expressions read with `file()` or `templatefile()` (a policy document kept as JSON, a
  template), new or gone since REF included.

git is asked for file contents with `git cat-file blob` (no textconv filters, no hooks, no fsmonitor). A file whose
bytes hash to the blob id `git ls-tree` gives at REF (one call per repository) is unchanged and never parsed: in a pull
request that touches a few files of a large repository, the others cost a hash each, not a parse and two processes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from typing import Optional

from agentlint.loaders.hcl import parse_config_file
from agentlint.loaders.parsed import HCLSyntaxError, ParsedFile
from agentlint.model import Finding, ScanModel

UNCHANGED_ACTIONS = (["no-op"], ["read"])
_FOLDER_WIDE = ("locals", "variable", "module", "output", "terraform", "provider")


class ChangeError(Exception):
    pass


def changed_in_plan(findings: list[Finding], model: ScanModel) -> list[Finding]:
    changed = {(r.stack, r.address) for r in model.resources
               if r.source == "plan" and r.actions and r.actions not in UNCHANGED_ACTIONS}
    plan_stacks = {r.stack for r in model.resources if r.source == "plan"}
    kept = []
    for f in findings:
        if f.stack not in plan_stacks:
            kept.append(f)  # code findings are not filtered by a plan
            continue
        addresses = {f.address} | {step.address for step in f.trace}
        if any((f.stack, a) in changed for a in addresses):
            kept.append(f)
    return kept


def _git(args: list[str], cwd: str, stdin: Optional[bytes] = None, timeout: int = 60) -> Optional[bytes]:
    """git's output, or None when it fails; run with hooks and the fsmonitor off, never prompting."""
    cmd = ["git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", *args]
    try:
        out = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, timeout=timeout, check=False,
                             env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"})
    except FileNotFoundError:
        if not os.path.isdir(cwd):  # a folder that does not exist (a file() target's): nothing for git to answer
            return None
        raise ChangeError("--diff-base needs git on PATH") from None
    except subprocess.TimeoutExpired:
        raise ChangeError(f"git did not answer within {timeout} s") from None
    return out.stdout if out.returncode == 0 else None


def ls_tree(ref: str, top: str, timeout: int = 120) -> Optional[list[tuple[str, str, str, bytes]]]:
    """(mode, kind, object id, path as git stores it) of every entry of `ref`'s tree (`git ls-tree -r -z`), or None
    when git cannot list it."""
    listing = _git(["ls-tree", "-r", "-z", "--full-tree", f"{ref}^{{commit}}"], top, timeout=timeout)
    if listing is None:
        return None
    entries = []
    for entry in listing.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        fields = meta.decode("ascii", "replace").split()
        if len(fields) == 3 and name:
            entries.append((fields[0], fields[1], fields[2], name))
    return entries


def blob_id(chunks, size: int, like: str) -> str:
    """git's object id of a file of `size` bytes given as `chunks`, in the hash of the id `like` (SHA-1, or SHA-256
    in a repository of that format: 64 hex digits)."""
    digest = hashlib.sha256() if len(like) == 64 else hashlib.sha1()
    digest.update(b"blob %d\0" % size)
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def file_blob_id(fh, like: str) -> str:
    """blob_id of an open binary file, read in chunks from where it stands to its end (its size from fstat)."""
    return blob_id(iter(lambda: fh.read(1 << 20), b""), os.fstat(fh.fileno()).st_size, like)


def _block_key(block) -> tuple:
    return (block.type, tuple(block.labels))


def _block_texts(parsed: ParsedFile, lines: list[str]) -> dict[tuple, str]:
    return {_block_key(b): "\n".join(line.rstrip() for line in lines[b.start_line - 1:b.end_line])
            for b in parsed.blocks}


class DiffBase:
    def __init__(self, ref: str, model: ScanModel):
        self.ref = ref
        self.changed_blocks: dict[str, list[tuple[int, int]]] = {}
        self.changed_folders: set[str] = set()
        # The module calls that instantiate each resource: a changed call (its arguments) changes the module's values.
        self.via = model.calls_via()
        paths = sorted({r.path for r in model.resources if r.source == "hcl"}
                       | {p for files in self.via.values() for p in files}  # files holding only module calls
                       | {s.path for s in model.suppressions})
        folders = sorted({os.path.dirname(p) or "." for p in paths})
        self.roots: dict[str, str] = {}
        self._blob_ids: dict[str, dict[bytes, str]] = {}  # repository root -> path at REF -> blob id
        for folder in folders:
            top = self._known_top(folder) or _git(["rev-parse", "--show-toplevel"], folder)
            if top is None:
                raise ChangeError(f"{folder} is not inside a git repository (--diff-base needs one)")
            self.roots[folder] = top if isinstance(top, str) else top.decode().strip()
        if folders and _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], folders[0]) is None:
            raise ChangeError(f"git does not know the revision {ref!r}")
        for path in paths:
            self._compare(path)
        # A file a module reads with file() or templatefile() (a policy document, a boot script) is part of its
        # values, as a .tfvars file is of its root's: a pull request that edits only policies/agent.json changes
        # what the module grants.
        for folder, files in sorted(model.file_reads.items()):
            if folder not in self.changed_folders and any(self._differs(f, folder) for f in sorted(files)):
                self.changed_folders.add(folder)
        for folder in folders:
            for name in os.listdir(folder):
                if not name.endswith((".tfvars", ".tfvars.json")):
                    continue
                if self._differs(os.path.join(folder, name)):
                    self.changed_folders.add(os.path.abspath(folder))

    def _known_top(self, folder: str) -> Optional[str]:
        """The work tree of a folder inside one git already named, with no `.git` (a nested repository, a
        submodule) between them: asking git once per folder costs a process each. Not with GIT_DIR / GIT_WORK_TREE
        set, where git's answer does not follow the folders."""
        if "GIT_DIR" in os.environ or "GIT_WORK_TREE" in os.environ:
            return None
        real = os.path.realpath(folder)
        for top in sorted(set(self.roots.values()), key=len, reverse=True):
            real_top = os.path.realpath(top)
            if real != real_top and not real.startswith(real_top.rstrip(os.sep) + os.sep):
                continue
            cur = real
            while cur != real_top and not os.path.lexists(os.path.join(cur, ".git")):
                cur = os.path.dirname(cur)
            return top if cur == real_top else None
        return None

    def _located(self, path: str, within: Optional[str] = None) -> tuple[str, str]:
        """(repository root, the path relative to it as git names it); git is asked from `within` when given (an
        existing folder of the same repository), else from the file's folder. ("", path) outside any repository."""
        folder = within or os.path.dirname(path) or "."
        root = self.roots.get(folder) or self._known_top(folder) or \
            (_git(["rev-parse", "--show-toplevel"], folder) or b"").decode().strip()
        if not root:
            return "", path
        return root, os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")

    def _old(self, path: str, within: Optional[str] = None) -> Optional[bytes]:
        root, rel = self._located(path, within)
        return _git(["cat-file", "blob", f"{self.ref}:{rel}"], root) if root else None

    def _old_id(self, path: str, within: Optional[str] = None) -> Optional[str]:
        """The blob id git lists for the file at REF (one `git ls-tree` per repository), None when it lists none."""
        root, rel = self._located(path, within)
        if not root:
            return None
        if root not in self._blob_ids:
            self._blob_ids[root] = {name: oid for _mode, kind, oid, name in ls_tree(self.ref, root) or ()
                                    if kind == "blob"}
        return self._blob_ids[root].get(os.fsencode(rel))

    def _unchanged(self, path: str, data: bytes) -> bool:
        """Whether the file's bytes are the blob git holds for it at REF (git's own object id: SHA-1, or SHA-256 in
        a repository of that format). Anything else (a new file, CRLF checked out from LF, no answer from git) is
        compared block by block."""
        old_id = self._old_id(path)
        return old_id is not None and blob_id([data], len(data), old_id) == old_id

    def _differs(self, path: str, within: Optional[str] = None) -> bool:
        """Whether the file is not what it was at REF: new since REF, gone now, or other bytes (a file missing at
        both is the same). `within`: see _located (a file() target may name a folder that does not exist). The file
        is hashed in chunks, never held whole: a file() target can be any size."""
        old_id = self._old_id(path, within)
        try:
            with open(path, "rb") as fh:
                if old_id is not None:
                    return file_blob_id(fh, old_id) != old_id
                old = self._old(path, within)  # not listed at REF: new since, or git did not list the tree
                return old is None or fh.read(len(old) + 1) != old
        except OSError:  # gone now: a change when REF had it
            return old_id is not None or self._old(path, within) is not None

    def _compare(self, path: str) -> None:
        data = _read(path)
        if self._unchanged(path, data):
            self.changed_blocks[path] = []
            return
        current = parse_config_file(path)
        now_lines = data.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
        old_bytes = self._old(path)
        if old_bytes is None:
            self.changed_blocks[path] = [(b.start_line, b.end_line) for b in current.blocks]
            return
        try:
            old_text = old_bytes.decode("utf-8-sig", "replace").replace("\r\n", "\n")
            from agentlint.loaders.hcl_ast import parse_hcl

            old = parse_hcl(old_text, path) if not path.endswith(".json") else None
        except HCLSyntaxError:
            old = None
        old_texts = _block_texts(old, old_text.split("\n")) if old is not None else {}
        new_texts = _block_texts(current, now_lines)
        spans = []
        for b in current.blocks:
            if old_texts.get(_block_key(b)) != new_texts[_block_key(b)]:
                spans.append((b.start_line, b.end_line))
                if b.type in _FOLDER_WIDE:
                    self.changed_folders.add(os.path.abspath(os.path.dirname(path) or "."))
        if set(old_texts) - set(new_texts):  # a removed block (a variable, a local...) can change the rest
            if any(key[0] in _FOLDER_WIDE for key in set(old_texts) - set(new_texts)):
                self.changed_folders.add(os.path.abspath(os.path.dirname(path) or "."))
        self.changed_blocks[path] = spans

    def touches(self, path: Optional[str], line: Optional[int]) -> bool:
        if not path:
            return False
        if os.path.abspath(os.path.dirname(path) or ".") in self.changed_folders:
            return True
        return line is not None and any(a <= line <= b for a, b in self.changed_blocks.get(path, []))

    def keep(self, findings: list[Finding]) -> list[Finding]:
        kept = []
        for f in findings:
            calls = list(self.via.get((f.stack, f.address), ())) + [
                p for s in f.trace for p in self.via.get((f.stack, s.address), ())]
            if self.touches(f.path, f.start_line) or any(self.touches(s.path, s.line) for s in f.trace) \
                    or any(os.path.abspath(os.path.dirname(p) or ".") in self.changed_folders for p in calls):
                kept.append(f)
        return kept


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return b""
