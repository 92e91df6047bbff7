"""Module folders: their files parsed once (override files applied), local module sources, modules installed by
`terraform init` (`.terraform/modules/modules.json`), and a root module's variable values from tfvars files."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from agentlint.loaders.cache import ParseCache
from agentlint.loaders.hcl_files import classify, parse_files, parse_text
from agentlint.loaders.hcl_eval import Scope, evaluate
from agentlint.loaders.parsed import Block, HCLSyntaxError, NestingLimit, ParsedFile
from agentlint.loaders.repository import inside
from agentlint.loaders.textfile import TextFileError, read_text
from agentlint.model import Limits, LoadError, Suppression, json_depth_exceeds
from agentlint.suppressions import file_suppressions

if TYPE_CHECKING:
    pass


@dataclass
class ModuleSource:
    folder: str
    files: list[ParsedFile] = field(default_factory=list)

    def blocks(self, kind: str) -> list[Block]:
        return [b for f in self.files for b in f.blocks if b.type == kind]


class _FolderLoader:
    """Module folders, parsed once (from the cache when unchanged), in parallel when many; on demand for folders the
    walk does not list (modules installed under `.terraform/modules`)."""

    def __init__(self, repo, limits: Limits, cache: ParseCache, errors: list[LoadError],
                 suppressions: Optional[list[Suppression]], progress):
        self.repo = repo
        self.limits = limits
        self.cache = cache
        self.errors = errors
        self.suppressions = suppressions
        self.progress = progress
        self.modules: dict[str, Optional[ModuleSource]] = {}
        self.files_read = 0

    def preload(self, folders: list[str]) -> None:
        todo = [f for f in folders if f not in self.modules]
        paths = []
        for folder in todo:
            names = self.repo.folders.get(folder)
            if names is None:
                names = _config_files(folder)
                if names:
                    self.repo.folders[folder] = names
            paths.extend(os.path.join(folder, n) for n in names or [])
        shown = {p: self.repo.show(p) for p in paths}
        parsed = parse_files([shown[p] for p in paths], self.limits, self.cache, self.errors, self.progress)
        self.files_read += len(paths)
        for folder in todo:
            names = self.repo.folders.get(folder)
            if not names:
                self.modules[folder] = None
                continue
            source = ModuleSource(self.repo.show(folder))
            for name in names:
                got = parsed.get(shown[os.path.join(folder, name)])
                if got is None:
                    continue
                source.files.append(got)
                if self.suppressions is not None:
                    self.suppressions.extend(file_suppressions(got))
            _apply_overrides(source)
            self.modules[folder] = source

    def get(self, folder: str) -> Optional[ModuleSource]:
        if folder not in self.modules:
            self.preload([folder])
        return self.modules.get(folder)

    def local_calls(self, folder: str) -> list[str]:
        source = self.get(folder)
        if source is None:
            return []
        out = []
        for call in source.blocks("module"):
            target = _local_source(folder, call)
            if target is not None and inside(target, self.repo.root):
                out.append(target)
        return out


def _config_files(folder: str) -> list[str]:
    try:
        names = [n for n in os.listdir(folder) if os.path.isfile(os.path.join(folder, n))]
    except OSError:
        return []
    from agentlint.loaders.discover import select_module_files

    return select_module_files(names)


def _installed_modules(root: str, repo, errors: list[LoadError]) -> dict[str, str]:
    """`.terraform/modules/modules.json`, written by `terraform init`: module key (`a.b`) -> installed folder."""
    path = os.path.join(root, ".terraform", "modules", "modules.json")
    if not os.path.isfile(path):
        return {}
    try:
        data = json.loads(read_text(path, 5_000_000))
    except (TextFileError, json.JSONDecodeError, RecursionError) as exc:
        kind, line, message = classify(exc)
        errors.append(LoadError(path=repo.show(path), line=line, kind=kind, message=message))
        return {}
    out: dict[str, str] = {}
    modules = data.get("Modules") if isinstance(data, dict) else None
    for entry in modules if isinstance(modules, list) else []:
        if not isinstance(entry, dict):
            continue
        key, folder = entry.get("Key"), entry.get("Dir")
        if isinstance(key, str) and key and isinstance(folder, str):
            out[key] = os.path.normpath(os.path.join(root, folder))
    return out


def _root_variables(root: str, repo, explicit: list[str], errors: list[LoadError], limits: Limits) -> dict[str, Any]:
    try:
        names = sorted(os.listdir(root))
    except OSError:
        names = []
    auto = [os.path.join(root, n) for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names]
    auto += [os.path.join(root, n) for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    # A variable file the tree links to from outside the repository is never read (the walk has said so).
    files = [repo.show(p) for p in auto if inside(p, repo.root)] + explicit
    values: dict[str, Any] = {}
    for path in files:
        try:
            text = read_text(path, limits.max_config_bytes)
            if path.endswith(".json"):
                data = json.loads(text)
                if json_depth_exceeds(data, limits.max_nesting):
                    raise NestingLimit(f"nested deeper than {limits.max_nesting} levels (limit max-nesting); file skipped")
                if isinstance(data, dict):
                    values.update(data)
                continue
            # Never through the parse cache: variable files hold the values teams keep out of code (tokens,
            # passwords), and the cache would store them in clear under the user's home. They are small to parse.
            attrs = parse_text(text, path, limits).attrs
        except (HCLSyntaxError, RecursionError, TextFileError, json.JSONDecodeError) as exc:
            kind, line, message = classify(exc)
            errors.append(LoadError(path=path, line=line, kind=kind, message=message))
            continue
        scope = Scope("", root, repo.root, {}, {})
        for name, node in attrs.items():
            values[name] = evaluate(node, scope)
    return values


def _local_source(folder: str, call: Block) -> Optional[str]:
    node = call.attrs.get("source")
    if not node or node[0] != "L" or not isinstance(node[1], str):
        return None
    src = node[1]
    if not (src.startswith("./") or src.startswith("../") or src in (".", "..")):
        return None
    return os.path.normpath(os.path.join(folder, src))


def _apply_overrides(source: ModuleSource) -> None:
    """`override.tf` and `*_override.tf` merge into the blocks they name, as Terraform does."""
    def is_override(path: str) -> bool:
        base = os.path.basename(path).split(".")[0]
        return base == "override" or base.endswith("_override")

    overrides = [f for f in source.files if is_override(f.path)]
    if not overrides:
        return
    source.files = [f for f in source.files if not is_override(f.path)]
    index = {(b.type, tuple(b.labels)): b for f in source.files for b in f.blocks}
    for f in overrides:
        for b in f.blocks:
            target = index.get((b.type, tuple(b.labels)))
            if target is None:
                continue
            target.attrs.update(b.attrs)
            target.blocks = [x for x in target.blocks if x.type not in {s.type for s in b.blocks}] + b.blocks
