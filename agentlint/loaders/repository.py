"""Which Terraform a scan reads: the repository each input belongs to, its module folders, the calls between them,
the root modules that matter for the inputs, and which findings the inputs ask about.

Terraform evaluates a module only through the root module that calls it. So, however agentlint is invoked
(`scan .`, `scan infra`, `scan /abs/infra`, `scan infra/main.tf infra/iam.tf` from pre-commit), it reads the same
thing: the repository root (`--root`, else the enclosing git work tree, else the folder named), every module folder
in it, the call graph between them (local `source` paths anywhere inside the repository), and the root modules
whose calls reach a named file or folder. The named files and folders then decide which findings are reported:
those whose path passes through them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Optional

from agentlint.loaders.discover import VAR_SUFFIXES, config_kind, looks_like_plan, select_module_files
from agentlint.loaders.plan_binary import is_binary_plan  # binary plans (plan -out), recognised by content
from agentlint.loaders.textfile import TextFileError, read_text
from agentlint.model import Limits, LoadError

# A local module source in raw text; confirmed against the parsed `module` block before it counts as a call.
# (starts with the literal `source` so the regular expression engine can skip to it; the character before is checked
# in _candidate_calls: `source_dir = "./x"` or `my_source = "./x"` are not module sources)
_LOCAL_SOURCE = re.compile(r'source"?\s*[=:]\s*"(\.{1,2}(?:/[^"\n]*)?)"')
_BEFORE_SOURCE = set(' \t\r\n{;,"')
_AUTO_VARS = ("terraform.tfvars", "terraform.tfvars.json")
TERRAGRUNT_FILE = "terragrunt.hcl"


def is_auto_var_file(name: str) -> bool:
    return name in _AUTO_VARS or name.endswith((".auto.tfvars", ".auto.tfvars.json"))


def find_repository_root(path: str, explicit: Optional[str] = None) -> str:
    """`--root` when the path lies inside it, else the enclosing git work tree, else the folder named (a file's
    folder). Never the common ancestor of unrelated inputs."""
    path = os.path.abspath(path)
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    if explicit:
        root = os.path.abspath(explicit)
        if folder == root or folder.startswith(root.rstrip(os.sep) + os.sep):
            return root
    cur = folder
    while True:
        if os.path.exists(os.path.join(cur, ".git")):  # a folder, or a file in worktrees and submodules
            return cur
        parent = os.path.dirname(cur)
        if parent == cur:
            return folder
        cur = parent


def inside_folder(path: str, folder: str) -> bool:
    """Whether an absolute path is the folder or lies under it (by name, links not resolved)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def inside(path: str, root: str) -> bool:
    """Whether a path, symbolic links resolved, lies inside a folder (symbolic links resolved too)."""
    real = os.path.realpath(path)
    real_root = os.path.realpath(root)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


@dataclass
class Selection:
    """What the user named: files and folders (absolute). A finding is reported when its path passes through them."""

    files: set[str] = field(default_factory=set)
    folders: list[str] = field(default_factory=list)
    plans: set[str] = field(default_factory=set)

    def covers(self, path: Optional[str]) -> bool:
        if not path:
            return False
        path = os.path.abspath(path)
        return path in self.files or path in self.plans or self.in_named_folder(path)

    def in_named_folder(self, path: str) -> bool:
        """Whether an absolute, normalised path is a named folder or lies inside one."""
        return any(path == f or path.startswith(f.rstrip(os.sep) + os.sep) for f in self.folders)

    def covers_folder(self, folder: str) -> bool:
        """Whether a module folder holds anything named: a named configuration or variable file in it, or it lies
        inside a named folder. (A named plan names the plan, not the code beside it.)"""
        folder = os.path.abspath(folder)
        return any(os.path.dirname(f) == folder for f in self.files) or self.in_named_folder(folder)


@dataclass
class Repository:
    """One repository's Terraform: module folders (absolute path -> config file names), calls between them."""

    root: str  # absolute
    display_base: Optional[str]  # paths are shown relative to the working directory, or absolute when None
    folders: dict[str, list[str]] = field(default_factory=dict)
    calls: dict[str, set[str]] = field(default_factory=dict)  # folder -> folders it may call (from raw text)
    selection: Selection = field(default_factory=Selection)
    plans: list[str] = field(default_factory=list)  # plan files found in named folders (display paths)
    named_plans: list[str] = field(default_factory=list)
    var_files: list[str] = field(default_factory=list)  # non-auto .tfvars named as inputs (display paths)
    terragrunt: list[str] = field(default_factory=list)  # every terragrunt.hcl of the repository (absolute)
    hcl_source_names: set[str] = field(default_factory=set)  # last folder names of `source` strings in .hcl files
    errors: list[LoadError] = field(default_factory=list)
    notices: list[LoadError] = field(default_factory=list)

    def show(self, path: str) -> str:
        """The path as reports print it: relative to the working directory when the input was named so."""
        if self.display_base is None:
            return path
        rel = os.path.relpath(path, self.display_base)
        return rel

    def named_folders(self) -> list[str]:
        return sorted(f for f in self.folders if self.selection.covers_folder(f))

    def region(self) -> set[str]:
        """The folders that matter for the inputs: those whose calls may reach a named folder (its callers, and
        theirs), and everything they call. Drawn from raw text, so a superset of the real calls."""
        callers: dict[str, set[str]] = {}
        for folder, targets in self.calls.items():
            for t in targets:
                callers.setdefault(t, set()).add(folder)
        ancestors = _closure(self.named_folders(), callers)
        return _closure(sorted(ancestors), self.calls)

    def roots(self, region: set[str]) -> list[str]:
        """Folders of the region no other folder calls, then the folders reached only through a cycle."""
        called = {t for f in region for t in self.calls.get(f, ()) if t != f}
        roots = sorted(f for f in region if f not in called and f in self.folders)
        reached = _closure(roots, self.calls)
        roots += sorted(f for f in region if f not in reached and f in self.folders)
        return roots

    def reach(self, root: str) -> set[str]:
        return _closure([root], self.calls)

    def selected_roots(self, region: set[str]) -> list[str]:
        """The roots whose calls reach a named file or folder."""
        return [r for r in self.roots(region) if any(self.selection.covers_folder(f) for f in self.reach(r))]


def _closure(start: list[str], edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        cur = stack.pop()
        if cur in seen:
            continue
        seen.add(cur)
        stack.extend(edges.get(cur, ()))
    return seen


def group_inputs(paths: list[str], explicit_root: Optional[str]) -> tuple[dict[str, list[str]], list[LoadError]]:
    """Inputs per repository root (in the order named)."""
    groups: dict[str, list[str]] = {}
    errors: list[LoadError] = []
    for raw in paths:
        if not os.path.exists(raw):
            errors.append(LoadError(path=raw, kind="unreadable", message="no such file or directory"))
            continue
        root = find_repository_root(raw, explicit_root)
        groups.setdefault(root, []).append(raw)
    return groups, errors


def survey(root: str, named: list[str], exclude: list, limits: Limits,
           respect_gitignore: bool = False) -> Repository:
    """Walk a repository: module folders, candidate module calls (from raw text), and what the inputs name."""
    display_base = None if all(os.path.isabs(p) for p in named) else os.getcwd()
    repo = Repository(root=root, display_base=display_base)
    for raw in named:
        path = os.path.abspath(raw)
        name = os.path.basename(path)
        if os.path.isdir(path):
            repo.selection.folders.append(path)
            continue
        if os.path.islink(raw) and not inside(path, root):
            repo.errors.append(LoadError(path=raw, kind="not-followed",
                                         message="symbolic link leads outside the repository; not read"))
            continue
        if config_kind(name) or name == TERRAGRUNT_FILE:
            repo.selection.files.add(path)
        elif is_auto_var_file(name):
            repo.selection.files.add(path)  # stands for its folder's module: the values it sets
        elif name.endswith(VAR_SUFFIXES):
            repo.var_files.append(raw)
            repo.selection.files.add(path)
        elif name.endswith(".json") or looks_like_plan(path) or is_binary_plan(path):
            repo.named_plans.append(raw)
            repo.selection.plans.add(path)
        else:
            repo.errors.append(LoadError(path=raw, kind="unsupported",
                                         message="not a Terraform/OpenTofu file, variable file or plan JSON"))
    if repo.selection.folders or repo.selection.files:
        # Plans alone need no walk: `agentlint scan ~/Downloads/plan.json` must not read all of ~/Downloads.
        _walk(repo, exclude, limits, respect_gitignore)
    return repo


def _walk(repo: Repository, exclude: list, limits: Limits, respect_gitignore: bool = False) -> None:
    root = repo.root
    excluder = gitignore = None
    if exclude:  # pathspec is imported only when there are patterns (start-up time of a pre-commit run)
        from agentlint.loaders.exclude import Excluder

        excluder = Excluder(exclude, root)
    if respect_gitignore:
        from agentlint.loaders.gitignore import GitIgnore

        gitignore = GitIgnore()
    named_paths = [*repo.selection.files, *repo.selection.folders, *repo.selection.plans]

    def git_ignored(rel: str, full: str, is_dir: bool) -> bool:  # what is named on the command line is read
        if gitignore is None or not gitignore.ignored(rel, is_dir):
            return False
        return not any(p == full or p.startswith(full.rstrip(os.sep) + os.sep) for p in named_paths)

    def onerror(exc: OSError) -> None:
        repo.errors.append(LoadError(path=repo.show(str(exc.filename or root)), kind="unreadable",
                                     message=f"cannot read: {exc.strerror}"))

    named_files = {f for f in repo.selection.files}
    # What the inputs name is read even where an exclude pattern covers it (as linters check a file named to them).
    named = named_files | set(repo.selection.folders) | repo.selection.plans
    named_dirs = {os.path.dirname(f) for f in named_files | repo.selection.plans}
    # A pre-commit run walks the whole repository for module calls, so this loop is kept lean: the relative path only
    # when .gitignore is read, symbolic links known from the folder listing, resolved only for the files it reads.
    for folder, dirs, files, links in _tree(root, onerror):
        # Symlinked folders are not descended into (no loops); files that link outside are skipped.
        if gitignore is not None:
            rel_folder = os.path.relpath(folder, root).replace(os.sep, "/")
            gitignore.read(folder, rel_folder, files)
            dirs[:] = [d for d in dirs if not git_ignored(_join(rel_folder, d), os.path.join(folder, d), True)]
            files = [n for n in files if not git_ignored(_join(rel_folder, n), os.path.join(folder, n), False)]
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not (excluder and excluder.excluded(os.path.join(folder, d), is_dir=True)
                                  and not any(inside_folder(n, os.path.join(folder, d)) for n in named)))
        # Plans (JSON or binary, any name) are looked for only where the inputs name something.
        selected = folder in named_dirs or repo.selection.in_named_folder(folder)
        kept = []
        for name in files:
            if not selected and not (config_kind(name) or name.endswith(".hcl")):
                continue
            full = os.path.join(folder, name)
            if excluder and full not in named_files and excluder.excluded(full):
                continue
            if name in links and not inside(full, root):
                if repo.selection.covers(full):
                    repo.notices.append(LoadError(path=repo.show(full), kind="not-followed",
                                                  message="symbolic link leads outside the repository; not read"))
                continue
            kept.append(name)
        if TERRAGRUNT_FILE in kept:  # `.terragrunt-cache` copies are hidden folders: never walked
            repo.terragrunt.append(os.path.join(folder, TERRAGRUNT_FILE))
        for name in kept:
            if name.endswith(".hcl"):  # Terragrunt configuration: which module folders its sources may name
                repo.hcl_source_names |= _source_names(os.path.join(folder, name), limits)
        config = select_module_files([n for n in kept if config_kind(n)])
        if config:
            repo.folders[folder] = config
            targets = set()
            for name in config:
                targets |= _candidate_calls(folder, os.path.join(folder, name), limits)
            if targets:
                repo.calls[folder] = targets
        if selected:
            for name in sorted(kept):
                if name.endswith(".json") and not config_kind(name) and not name.endswith(".tfvars.json"):
                    full = os.path.join(folder, name)
                    if repo.selection.covers(full) and (looks_like_plan(full) or is_binary_plan(full)):
                        repo.plans.append(repo.show(full))
                elif not config_kind(name) and repo.selection.covers(os.path.join(folder, name)) \
                        and is_binary_plan(os.path.join(folder, name)):  # binary plans: loaders/plan_input.py
                    repo.plans.append(repo.show(os.path.join(folder, name)))


def _tree(root: str, onerror):
    """os.walk's top-down order (a folder, then each of its subfolders as the caller left them in `dirs`), with the
    names of the files that are symbolic links, read from the listing itself (no lstat per entry); a symbolic link
    to a folder is listed in `dirs` but never entered, as os.walk does."""
    stack = [root]
    while stack:
        top = stack.pop()
        try:
            with os.scandir(top) as listing:
                entries = list(listing)
        except OSError as exc:
            onerror(exc)
            continue
        dirs: list[str] = []
        files: list[str] = []
        links: set[str] = set()
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                dirs.append(entry.name)
            else:
                files.append(entry.name)
            if entry.is_symlink():
                links.add(entry.name)
        yield top, dirs, files, links
        stack.extend(os.path.join(top, d) for d in reversed(dirs) if d not in links)


def _join(rel_folder: str, name: str) -> str:
    return name if rel_folder == "." else f"{rel_folder}/{name}"


_ANY_SOURCE = re.compile(r'(?:^|[\s{;,])source\s*=\s*"([^"\n]*)"')


def _source_names(path: str, limits: Limits) -> set[str]:
    """The last folder name of each `source` string (`../../modules//agent?ref=v1` -> `agent`)."""
    try:
        text = read_text(path, limits.max_config_bytes)
    except TextFileError:
        return set()
    names = set()
    for m in _ANY_SOURCE.finditer(text):
        value = m.group(1).split("?", 1)[0].rstrip("/")
        names.add(value.rsplit("/", 1)[-1])
    return names


def _candidate_calls(folder: str, path: str, limits: Limits) -> set[str]:
    """Folders a file may call through a local `source`. Raw text is enough to draw the call graph; the loader
    confirms each call against the parsed `module` block."""
    try:
        text = read_text(path, limits.max_config_bytes)
    except TextFileError:
        return set()
    if "source" not in text:
        return set()
    return {os.path.normpath(os.path.join(folder, m.group(1))) for m in _LOCAL_SOURCE.finditer(text)
            if m.start() == 0 or text[m.start() - 1] in _BEFORE_SOURCE}
