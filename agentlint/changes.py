"""Change-aware scanning for pull requests: keep the findings a change introduces or touches.

- Plans (`--changed-only`): a finding is kept when its resource, or any resource on its agent -> identity ->
  policy path, is created, updated or replaced by the plan. An unchanged agent whose role gets a new policy
  attachment is therefore reported.
- Code (`--diff-base REF`): a finding is kept when its block, or any block on its path, differs from the same file
  at git REF (new files count as changed). A changed `locals`, `variable`, `module` or `output` block, or a changed
  `.tfvars` file, can change any value in its folder, so it marks the whole folder as changed.

git is asked for file contents with `git cat-file blob` (no textconv filters, no hooks, no fsmonitor).
"""

from __future__ import annotations

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
        raise ChangeError("--diff-base needs git on PATH") from None
    except subprocess.TimeoutExpired:
        raise ChangeError(f"git did not answer within {timeout} s") from None
    return out.stdout if out.returncode == 0 else None


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
        for folder in folders:
            top = _git(["rev-parse", "--show-toplevel"], folder)
            if top is None:
                raise ChangeError(f"{folder} is not inside a git repository (--diff-base needs one)")
            self.roots[folder] = top.decode().strip()
        if folders and _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], folders[0]) is None:
            raise ChangeError(f"git does not know the revision {ref!r}")
        for path in paths:
            self._compare(path)
        for folder in folders:
            for name in os.listdir(folder):
                if name.endswith((".tfvars", ".tfvars.json")) and self._old(os.path.join(folder, name)) != \
                        _read(os.path.join(folder, name)):
                    self.changed_folders.add(os.path.abspath(folder))

    def _old(self, path: str) -> Optional[bytes]:
        folder = os.path.dirname(path) or "."
        root = self.roots.get(folder) or (_git(["rev-parse", "--show-toplevel"], folder) or b"").decode().strip()
        rel = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
        return _git(["cat-file", "blob", f"{self.ref}:{rel}"], root)

    def _compare(self, path: str) -> None:
        current = parse_config_file(path)
        now_lines = _read(path).decode("utf-8", "replace").replace("\r\n", "\n").split("\n")
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
