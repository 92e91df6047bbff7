"""Terraform/OpenTofu configuration -> resources with module addresses, values and lines.

A folder of `.tf`/`.tf.json`/`.tofu` files is a module. Folders that another scanned folder calls with a local
`source` are instantiated through that call (their resources get `module.<name>.` addresses and receive the
call's arguments as variables); every other folder is a root. Variables take their defaults, then
`terraform.tfvars`, `*.auto.tfvars` and explicit variable files, in Terraform's order.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from agentlint.loaders.cache import ParseCache, decode, encode
from agentlint.loaders.hcl_eval import Scope, evaluate
from agentlint.loaders.hcl_types import apply_type_defaults
from agentlint.loaders.parsed import Block, HCLSyntaxError, NestingLimit, ParsedFile
from agentlint.loaders.repository import inside
from agentlint.loaders.result import LoadResult
from agentlint.loaders.textfile import TextFileError, read_text
from agentlint.suppressions import file_suppressions
from agentlint.model import UNKNOWN_KEY, Limits, LoadError, Resource, Suppression, json_depth_exceeds
from agentlint.values import Unknown, hide

if TYPE_CHECKING:
    from agentlint.loaders.repository import Repository

MAX_MODULE_DEPTH = 12
_CALL_META_ARGS = {"source", "version", "count", "for_each", "providers", "depends_on"}
# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 24


@dataclass
class ModuleSource:
    folder: str
    files: list[ParsedFile] = field(default_factory=list)

    def blocks(self, kind: str) -> list[Block]:
        return [b for f in self.files for b in f.blocks if b.type == kind]


_TEMPLATE_MARKERS = re.compile(r"\{%-?\s*(if|for|endif|endfor|else|set|include|macro|block)\b|\{\{\s*[\w.]+\s*\}\}")


def parse_text(text: str, path: str, limits: Limits = Limits()) -> ParsedFile:
    """Parse configuration text (HCL or Terraform JSON syntax); raises on what cannot be read."""
    if path.endswith(".json"):
        return parse_tf_json(text, path, limits.max_nesting)
    from agentlint.loaders.hcl_ast import parse_hcl  # the parser loads only when a file needs parsing

    try:
        return parse_hcl(text, path, limits.max_nesting)
    except NestingLimit:
        raise
    except HCLSyntaxError as exc:
        if _TEMPLATE_MARKERS.search(text):
            raise HCLSyntaxError(f"looks like a template ({{% %}} / {{{{ }}}} tags), not Terraform; {exc}",
                                 exc.line) from None
        raise


def parse_config_file(path: str, limits: Limits = Limits()) -> ParsedFile:
    return parse_text(read_text(path, limits.max_config_bytes), path, limits)


def classify(exc: BaseException) -> tuple[str, Optional[int], str]:
    """(kind, line, message) of a file that could not be read or parsed."""
    if isinstance(exc, NestingLimit):
        return "limit", exc.line, str(exc)
    if isinstance(exc, HCLSyntaxError):
        return "parse-error", exc.line, str(exc)
    if isinstance(exc, TextFileError):
        return exc.kind, exc.line, str(exc)
    if isinstance(exc, json.JSONDecodeError):
        return "parse-error", exc.lineno, f"invalid JSON: {exc.msg}"
    if isinstance(exc, RecursionError):
        return "limit", None, "nested too deeply to parse; file skipped"
    # Anything else is agentlint's own failure on this file, not the user's syntax: said so, and never cached.
    return "internal-error", None, f"agentlint failed on this file ({exc.__class__.__name__}); please report it"


def _cached_parse(text: str, path: str, limits: Limits, cache: Optional[ParseCache]) -> ParsedFile:
    if cache is None:
        return parse_text(text, path, limits)
    key = cache.key(text.encode("utf-8", "surrogatepass"), "hcl")
    hit = cache.get(key, path)
    if hit is not None and not isinstance(hit, tuple):
        return hit
    parsed = parse_text(text, path, limits)
    cache.put(key, encode(parsed))
    return parsed


def _parse_job(job: tuple) -> tuple:
    """Runs in a worker process: returns marshal-friendly data, never raises for a bad file."""
    path, text, limits = job
    try:
        return ("ok", encode(parse_text(text, path, limits)))
    except Exception as exc:  # noqa: BLE001 - any failure of one file is that file's error, not the scan's
        return ("error",) + classify(exc)


def parse_files(paths: list[str], limits: Limits, cache: ParseCache, errors: list[LoadError],
                progress=None) -> dict[str, ParsedFile]:
    """Parse every file once: from the cache when its content was seen before, else in parallel when many."""
    results: dict[str, ParsedFile] = {}
    jobs: list[tuple] = []
    keys: dict[str, str] = {}
    for path in paths:
        try:
            text = read_text(path, limits.max_config_bytes)
        except TextFileError as exc:
            errors.append(LoadError(path=path, line=exc.line, kind=exc.kind, message=str(exc)))
            continue
        key = cache.key(text.encode("utf-8", "surrogatepass"), "json" if path.endswith(".json") else "hcl")
        hit = cache.get(key, path)
        if isinstance(hit, tuple):  # a cached failure: the same bytes fail the same way
            _, kind, line, message = hit
            errors.append(LoadError(path=path, line=line, kind=kind, message=message))
        elif hit is not None:
            results[path] = hit
        else:
            keys[path] = key
            jobs.append((path, text, limits))
    done = len(results)
    total = len(paths)
    if progress:
        progress(done, total)
    for path, outcome in _run_jobs(jobs):
        done += 1
        if progress:
            progress(done, total)
        if outcome[0] == "ok":
            results[path] = decode(outcome[1], path)
            cache.put(keys[path], outcome[1])
        else:
            _, kind, line, message = outcome
            errors.append(LoadError(path=path, line=line, kind=kind, message=message))
            if kind not in ("limit", "internal-error"):  # a raised limit or a fixed agentlint must re-read the file
                cache.put(keys[path], ("error", kind, line, message))
    return results


def _end_with_parent(parent: int) -> None:
    """Runs first in each parse worker: the worker ends when agentlint does, even when agentlint is killed
    (SIGKILL leaves no chance to stop the pool). Linux: the kernel sends SIGKILL on the parent's death; elsewhere
    (macOS) a thread watches for the worker being re-parented."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before the request took effect
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _run_jobs(jobs: list[tuple]):
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_MIN_FILES or workers < 2:
        for job in jobs:
            yield job[0], _parse_job(job)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import agentlint.loaders.hcl_ast  # noqa: F401 - loaded once here, inherited by forked workers

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, min(64, len(jobs) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_end_with_parent,
                             initargs=(os.getpid(),)) as pool:
        for job, outcome in zip(jobs, pool.map(_parse_job, jobs, chunksize=chunk)):
            yield job[0], outcome


def load_configuration(repo: "Repository", limits: Limits = Limits(), cache: Optional[ParseCache] = None,
                       progress=None, variables: Optional[dict[str, Any]] = None,
                       var_files: Optional[list[str]] = None) -> LoadResult:
    """Evaluate the root modules of one repository whose calls reach what the user named.

    `variables` are values from `TF_VAR_*` and `--var` (lowest and highest precedence are handled by the caller:
    they arrive already ordered). The result holds the resources, the root folders (stacks), the number of files read
    and what went wrong (errors, notices), and the suppression comments of the files read."""
    cache = cache or ParseCache(enabled=False)
    result = LoadResult()
    errors, notices, summary = result.errors, result.notices, result.summary
    loader = _FolderLoader(repo, limits, cache, errors, result.suppressions, progress)
    # A Terragrunt unit calls its module: the call graph has an edge from the unit's folder to it.
    unit_of = {os.path.abspath(u.stack): u for u in _terragrunt_units(repo, limits, errors, notices)}
    for folder, unit in unit_of.items():
        repo.calls.setdefault(folder, set()).add(os.path.abspath(unit.module_dir))
        repo.folders.setdefault(folder, [])
    # Callers first: their parsed `module` blocks confirm the call graph drawn from raw text.
    region = repo.region()
    callers = sorted(f for f in region if f in repo.calls)
    loader.preload(callers)
    repo.calls = {f: set(loader.local_calls(f)) | ({os.path.abspath(unit_of[f].module_dir)} if f in unit_of else set())
                  for f in callers}
    on_cycle = set(_cycle_members(repo.calls))
    roots = repo.selected_roots(region) + [f for f in sorted(on_cycle) if repo.selection.covers_folder(f)]
    roots = list(dict.fromkeys(roots))
    wanted = sorted({f for r in roots for f in repo.reach(r)})
    loader.preload(wanted)
    resources, stacks = result.resources, result.stacks
    cycles: set[frozenset] = set()
    for root in roots:
        unit = unit_of.get(root)
        folder = os.path.abspath(unit.module_dir) if unit is not None else root
        source = loader.get(folder)
        if source is None:
            continue
        stack = repo.show(root)
        stacks.append(stack)
        # A unit's inputs reach Terraform as TF_VAR_* values: the module's own tfvars win over them.
        values = dict(unit.inputs) if unit is not None else {}
        values.update(_root_variables(folder, repo, list(var_files or []) + repo.var_files, errors, limits,
                                      cache))
        values.update(variables or {})
        ctx = _RootContext(loader, repo, stack, folder, errors, notices, limits, cycles, on_cycle)
        via = (repo.show(unit.config_path),) if unit is not None else ()
        instance = _Instance(ctx, folder, "", "", values, (), via)
        resources.extend(instance.resources())
        ctx.report_not_installed(source)
        summary["modules_not_installed"] = summary.get("modules_not_installed", 0) + len(ctx.not_installed)
    result.files_read = loader.files_read
    return result


def _terragrunt_units(repo, limits: Limits, errors: list[LoadError], notices: list[LoadError]) -> list:
    """The repository's Terragrunt units that run a module agentlint can read; the others become notices."""
    if not repo.terragrunt:
        return []
    from agentlint.loaders.terragrunt import find_terragrunt_roots

    named = [p for p in sorted(repo.terragrunt) if repo.selection.covers(p)]
    found, problems = find_terragrunt_roots([repo.show(p) for p in named], repo.root, limits)
    for problem in problems:
        (errors if problem.kind in ("parse-error", "limit", "unreadable", "unsupported") else notices).append(problem)
    # The other units matter when they run a module that was named (a module changed alone): their problems are
    # theirs, not this scan's.
    others = [repo.show(p) for p in sorted(repo.terragrunt) if p not in named]
    # Only when a named folder may be the module a unit runs (a `source` in some .hcl file ends with its name, or is
    # computed): reading every unit of a large Terragrunt repository for each pre-commit run would cost too much.
    folder_names = {os.path.basename(f) for f in repo.named_folders()}
    if others and (folder_names & repo.hcl_source_names or any("${" in n for n in repo.hcl_source_names)):
        found += find_terragrunt_roots(others, repo.root, limits)[0]
    units = []
    for unit in found:
        if unit.module_dir is None:
            if repo.selection.covers(unit.config_path):
                notices.append(LoadError(path=repo.show(unit.config_path), line=unit.line,
                                         kind="module-not-followed", message=unit.problem or "module not found"))
            continue
        units.append(unit)
    return units


def _call_path(calls: dict[str, set[str]], start: str, goal: str) -> Optional[tuple[str, ...]]:
    """The folders from `start` to `goal` along module calls (breadth first), or None."""
    previous: dict[str, Optional[str]] = {start: None}
    queue = [start]
    while queue:
        cur = queue.pop(0)
        if cur == goal:
            path = [cur]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])
            return tuple(reversed(path))
        for nxt in sorted(calls.get(cur, ())):
            if nxt not in previous:
                previous[nxt] = cur
                queue.append(nxt)
    return None


def _cycle_members(calls: dict[str, set[str]]) -> list[str]:
    """Folders on a cycle of module calls (Terraform refuses them; each is still scanned as a root of its own)."""
    members: list[str] = []
    for start in sorted(calls):
        stack = [(start, iter(sorted(calls.get(start, ()))))]
        seen = {start}
        found = False
        while stack and not found:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
            elif nxt == start:
                found = True
            elif nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, iter(sorted(calls.get(nxt, ())))))
        if found:
            members.append(start)
    return members


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


class _RootContext:
    """What every module instance under one root module shares."""

    def __init__(self, loader: _FolderLoader, repo, stack: str, root: str, errors: list[LoadError],
                 notices: list[LoadError], limits: Limits, cycles: set, on_cycle: set[str] = frozenset()):
        self.loader = loader
        self.repo = repo
        self.stack = stack
        self.root = root
        self.errors = errors
        self.notices = notices
        self.limits = limits
        self.cycles = cycles
        # A root on a cycle of module calls is read on its own: its calls into the cycle are not followed (each
        # folder of the cycle is a root of its own, so nothing is read twice).
        self.on_cycle = on_cycle if root in on_cycle else frozenset()
        self.installed = _installed_modules(root, repo, errors)
        self.not_installed: list[str] = []
        self.module_instances = 0

    def report_not_installed(self, source: ModuleSource) -> None:
        if not self.not_installed:
            return
        path = source.files[0].path if source.files else self.repo.show(self.root)
        names = ", ".join(self.not_installed[:5]) + (", ..." if len(self.not_installed) > 5 else "")
        count = len(self.not_installed)
        self.notices.append(LoadError(
            path=path, kind="module-not-installed",
            message=f"{count} module call{'s are' if count != 1 else ' is'} not installed ({names}); run "
                    f"terraform init (or tofu init) so agentlint can read {'them' if count != 1 else 'it'}"))


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


def _root_variables(root: str, repo, explicit: list[str], errors: list[LoadError], limits: Limits,
                    cache: Optional[ParseCache] = None) -> dict[str, Any]:
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
            attrs = _cached_parse(text, path, limits, cache).attrs
        except (HCLSyntaxError, RecursionError, TextFileError, json.JSONDecodeError) as exc:
            kind, line, message = classify(exc)
            errors.append(LoadError(path=path, line=line, kind=kind, message=message))
            continue
        scope = Scope("", root, repo.root, {}, {})
        for name, node in attrs.items():
            values[name] = evaluate(node, scope)
    return values


class _Instance:
    """One instance of a module folder, at one address prefix (`module.a["x"].`)."""

    def __init__(self, ctx: _RootContext, folder: str, prefix: str, key_path: str, inputs: dict[str, Any],
                 chain: tuple[str, ...], calls_via: tuple[str, ...]):
        self.ctx = ctx
        self.source = ctx.loader.get(folder) or ModuleSource(ctx.repo.show(folder))
        self.folder = folder
        self.prefix = prefix
        self.key_path = key_path  # module key as modules.json writes it: `a.b`, no instance keys
        self.chain = chain + (folder,)
        self.calls_via = calls_via  # files of the module calls that lead here (for which inputs named it)
        self._children: dict[str, list[_Instance]] = {}
        locals_ast: dict[str, tuple] = {}
        for block in self.source.blocks("locals"):
            locals_ast.update(block.attrs)
        self.outputs = {b.labels[0]: b.attrs.get("value") for b in self.source.blocks("output") if b.labels}
        shown = self.source.folder
        default_scope = Scope(prefix, shown, ctx.repo.root, {}, {})
        variables: dict[str, Any] = {}
        for block in self.source.blocks("variable"):
            if not block.labels:
                continue
            name = block.labels[0]
            if name in inputs:
                variables[name] = inputs[name]
            elif "default" in block.attrs:
                variables[name] = evaluate(block.attrs["default"], default_scope)
            else:
                variables[name] = Unknown(f"var.{name}")
            variables[name] = apply_type_defaults(block.attrs.get("type"), variables[name])  # optional() defaults
            if block.attrs.get("sensitive") == ("L", True):
                hide(variables[name])  # evaluated with its real value, never printed (shown as a marker)
        self.scope = Scope(prefix, shown, ctx.repo.root, variables, locals_ast, self.child_output, self.exists)
        self.scope.module_value = self.module_value
        self.key = ""  # this instance's key in its call: "", `[0]` or `["a"]`
        self.calls = {b.labels[0]: b for b in self.source.blocks("module") if b.labels}
        self._blocks: dict[str, Block] = {}
        for kind in ("resource", "data"):
            for b in self.source.blocks(kind):
                if len(b.labels) >= 2:
                    local = f"{b.labels[0]}.{b.labels[1]}" if kind == "resource" else f"data.{b.labels[0]}.{b.labels[1]}"
                    self._blocks[local] = b
        self._exists: dict[str, Optional[bool]] = {}

    def exists(self, local: str) -> Optional[bool]:
        """False when `count` is 0 or `for_each` is empty (known); None when it cannot be told."""
        if local in self._exists:
            return self._exists[local]
        self._exists[local] = None  # a count that reads its own resource cannot be decided
        block = self._blocks.get(local)
        state: Optional[bool] = None
        if block is not None:  # read from the expansion itself, so both agree on what count / for_each create
            expanded = expand_instances(block, self.scope, self.ctx.limits)
            state = False if not expanded else None if any(k == UNKNOWN_KEY for k, _ in expanded) else True
        self._exists[local] = state
        return state

    def children(self, name: str) -> list["_Instance"]:
        if name in self._children:
            return self._children[name]
        self._children[name] = []  # guards against a module whose arguments read its own outputs
        call = self.calls.get(name)
        if call is None:
            return []
        expanded = expand_instances(call, self.scope, self.ctx.limits, self._notice_cap(call, f"module.{name}"))
        if not expanded:
            return []  # count = 0 / empty for_each: the module creates nothing
        target = self._target(name, call)
        if target is None:
            return []
        out = []
        for suffix, scope in expanded:
            self.ctx.module_instances += 1
            if self.ctx.module_instances > self.ctx.limits.max_instances:
                self._note(call, "limit", f"module {self.prefix}module.{name}: more than "
                           f"{self.ctx.limits.max_instances} module instances under this root (limit max-instances); "
                           "the rest are not read")
                break
            args = {k: evaluate(v, scope) for k, v in call.attrs.items() if k not in _CALL_META_ARGS}
            key_path = f"{self.key_path}.{name}" if self.key_path else name
            child = _Instance(self.ctx, target, f"{self.prefix}module.{name}{suffix}.", key_path, args,
                              self.chain, self.calls_via + (self._call_path(call),))
            child.key = suffix
            out.append(child)
        self._children[name] = out
        return out

    def module_value(self, name: str) -> Any:
        """A call with `for_each` or `count` as an expression sees it: a map of instances by key (for_each) or a list
        (count), each an object of the instance's outputs, evaluated when read. None when not decidable."""
        call = self.calls.get(name)
        if call is None:
            return None
        instances = self.children(name)
        if any(inst.key == UNKNOWN_KEY for inst in instances):
            return None
        if call.attrs.get("count") is None and call.attrs.get("for_each") is None:
            return _Outputs(instances[0]) if len(instances) == 1 else None
        if call.attrs.get("count") is not None:
            return [_Outputs(inst) for inst in instances]
        return {json.loads(inst.key[1:-1]): _Outputs(inst) for inst in instances}

    def _target(self, name: str, call: Block) -> Optional[str]:
        ctx = self.ctx
        key_path = f"{self.key_path}.{name}" if self.key_path else name
        target = _local_source(self.folder, call)
        if target is None:
            target = ctx.installed.get(key_path)
            if target is None:
                ctx.not_installed.append(f"{self.prefix}module.{name}")
                return None
        if not inside(target, ctx.repo.root):
            self._note(call, "module-not-followed", f"module {self.prefix}module.{name}: source leaves the "
                       "repository; not followed")
            return None
        if ctx.loader.get(target) is None:
            self._note(call, "module-not-followed", f"module {self.prefix}module.{name}: no Terraform files in "
                       f"{ctx.repo.show(target)}; not scanned")
            return None
        if target in self.chain or target in ctx.on_cycle:
            back = _call_path(ctx.repo.calls, target, self.folder) if target not in self.chain else None
            loop = (self.chain[self.chain.index(target):] + (target,)) if back is None else (self.folder,) + back
            if frozenset(loop) not in ctx.cycles:
                ctx.cycles.add(frozenset(loop))
                shown = " -> ".join(ctx.repo.show(f) for f in loop)
                ctx.errors.append(LoadError(path=self._call_path(call), line=call.start_line, kind="module-cycle",
                                            message=f"module {self.prefix}module.{name}: module calls form a cycle "
                                                    f"({shown}); Terraform refuses this configuration"))
            return None
        if len(self.chain) > MAX_MODULE_DEPTH:
            ctx.errors.append(LoadError(path=self._call_path(call), line=call.start_line, kind="limit",
                                        message=f"module {self.prefix}module.{name}: module calls nested deeper than "
                                                f"{MAX_MODULE_DEPTH} levels; not followed"))
            return None
        return target

    def _note(self, call: Block, kind: str, message: str) -> None:
        self.ctx.notices.append(LoadError(path=self._call_path(call), line=call.start_line, kind=kind,
                                          message=message))

    def _notice_cap(self, block: Block, what: str):
        def note(count: int) -> None:
            self.ctx.notices.append(LoadError(
                path=self._call_path(block), line=block.start_line, kind="limit",
                message=f"{self.prefix}{what}: {count} instances; only the first {self.ctx.limits.max_instances} "
                        "are read (limit max-instances)"))
        return note

    def _call_path(self, call: Block) -> str:
        for f in self.source.files:
            if any(b is call for b in f.blocks):  # identity: == would compare whole block trees
                return f.path
        return self.source.folder

    def child_output(self, module_name: str, output: str) -> Any:
        instances = self.children(module_name)
        call = self.calls.get(module_name)
        if len(instances) != 1 or call is None or call.attrs.get("count") or call.attrs.get("for_each"):
            return None
        inst = instances[0]
        if output not in inst.outputs or inst.outputs[output] is None:
            return None
        return evaluate(inst.outputs[output], inst.scope)

    def resources(self) -> list[Resource]:
        out: list[Resource] = []
        for f in self.source.files:
            for block in f.blocks:
                if block.type not in ("resource", "data") or len(block.labels) < 2:
                    continue
                rtype, name = block.labels[0], block.labels[1]
                mode = "managed" if block.type == "resource" else "data"
                local = f"{rtype}.{name}" if mode == "managed" else f"data.{rtype}.{name}"
                for suffix, scope in expand_instances(block, self.scope, self.ctx.limits,
                                                      self._notice_cap(block, local)):
                    out.append(Resource(
                        address=self.prefix + local + suffix, mode=mode, type=rtype, name=name, vals=None,
                        evaluate=_deferred(block, scope), path=f.path, stack=self.ctx.stack,
                        start_line=block.start_line, end_line=block.end_line, attr_lines=dict(block.attr_lines),
                        calls_via=self.calls_via,
                    ))
        for name in self.calls:
            for inst in self.children(name):
                out.extend(inst.resources())
        return out


class _Outputs(dict):
    """A module instance's outputs as an object, each evaluated when first read (reading one output must not
    evaluate the others: they may be expensive, or refer back to the caller)."""

    def __init__(self, instance: "_Instance"):
        super().__init__()
        self._instance = instance
        self._names = [n for n, node in instance.outputs.items() if node is not None]

    def _value(self, name: str) -> Any:
        if not dict.__contains__(self, name):
            dict.__setitem__(self, name, evaluate(self._instance.outputs[name], self._instance.scope))
        return dict.__getitem__(self, name)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __getitem__(self, name: str) -> Any:
        if name not in self._names:
            raise KeyError(name)
        return self._value(name)

    def get(self, name: str, default: Any = None) -> Any:
        return self._value(name) if name in self._names else default

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def keys(self):
        return list(self._names)

    def values(self):
        return [self._value(n) for n in self._names]

    def items(self):
        return [(n, self._value(n)) for n in self._names]


def expand_instances(block: Block, scope: Scope, limits: Limits, on_cap=None) -> list[tuple[str, Scope]]:
    """The instances a resource or module call creates, as Terraform addresses them: (`[0]` / `["key"]` / "", scope
    with `count.index` or `each.key`/`each.value` bound). An undecidable `count` or `for_each` gives one instance of
    unknown key, `[*]`, whose values see `count.index` / `each.*` as unknown: never dropped, never read as safe."""
    count_node, each_node = block.meta("count"), block.meta("for_each")
    if count_node is not None:
        count = evaluate(count_node, scope)
        if isinstance(count, bool):
            count = int(count)
        if isinstance(count, float) and count.is_integer():
            count = int(count)
        if isinstance(count, str) and count.strip().isdigit():  # `-var n=3`: Terraform converts to the number type
            count = int(count)
        if not isinstance(count, int) or count < 0:
            return [(UNKNOWN_KEY, scope.bind({"count": {"index": Unknown("count.index")}}))]
        if count > limits.max_instances and on_cap:
            on_cap(count)
        return [(f"[{i}]", scope.bind({"count": {"index": i}})) for i in range(min(count, limits.max_instances))]
    if each_node is None:
        return [("", scope)]
    each = evaluate(each_node, scope)
    pairs: list[tuple[Any, Any]] = []
    unknown = False
    if isinstance(each, dict):
        pairs = sorted(each.items())
    elif isinstance(each, list):
        seen = set()
        for item in each:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                key = str(item) if not isinstance(item, str) else item
                if key not in seen:
                    seen.add(key)
                    pairs.append((key, item))
            else:
                unknown = True
        pairs.sort(key=lambda kv: kv[0])
    else:
        unknown = True
    if len(pairs) > limits.max_instances:
        if on_cap:
            on_cap(len(pairs))
        pairs = pairs[:limits.max_instances]
    out = [(f"[{json.dumps(str(k), ensure_ascii=False)}]", scope.bind({"each": {"key": str(k), "value": v}}))
           for k, v in pairs]
    if unknown:
        out.append((UNKNOWN_KEY, scope.bind({"each": {"key": Unknown("each.key"), "value": Unknown("each.value")}})))
    return out


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


def _deferred(block: Block, scope: Scope):
    return lambda: block_values(block, scope)


def block_values(block: Block, scope: Scope) -> dict[str, Any]:
    values: dict[str, Any] = {name: evaluate(node, scope) for name, node in block.attrs.items()}
    for sub in block.blocks:
        if sub.type == "dynamic" and sub.labels:
            values.setdefault(sub.labels[0], []).extend(dynamic_blocks(sub, scope))
            continue
        nested = block_values(sub, scope)
        nested["__line__"] = sub.start_line  # nested blocks keep their line, for precise finding locations
        values.setdefault(sub.type, []).append(nested)
    return values


def dynamic_blocks(sub: Block, scope: Scope) -> list[dict[str, Any]]:
    """A `dynamic` block's generated blocks: one per element of `for_each` (map entries by key, list elements by
    index), with the iterator (`iterator = x`, else the block's label) bound to `key`/`value`. An empty collection
    generates nothing; an undecidable one generates one block whose iterator is unknown (never dropped)."""
    content = next((b for b in sub.blocks if b.type == "content"), None)
    if content is None:
        return []
    name = sub.labels[0]
    it_node = sub.attrs.get("iterator")
    if it_node and it_node[0] == "R" and not it_node[2]:
        name = it_node[1]
    elif it_node and it_node[0] == "L" and isinstance(it_node[1], str):
        name = it_node[1]
    each = evaluate(sub.attrs["for_each"], scope) if "for_each" in sub.attrs else Unknown("for_each")
    if isinstance(each, dict):
        pairs = sorted(each.items())
    elif isinstance(each, list):
        pairs = list(enumerate(each))
    else:
        pairs = [(Unknown(f"{name}.key"), Unknown(f"{name}.value"))]
    out = []
    for key, value in pairs[:10_000]:
        nested = block_values(content, scope.bind({name: {"key": key, "value": value}}))
        nested["__line__"] = sub.start_line
        out.append(nested)
    return out


# -- Terraform JSON syntax ------------------------------------------------------------------------------------


def parse_tf_json(text: str, path: str, max_nesting: int = 100) -> ParsedFile:
    data = json.loads(text)
    if json_depth_exceeds(data, max_nesting):
        raise NestingLimit(f"nested deeper than {max_nesting} levels (limit max-nesting); file skipped")
    if not isinstance(data, dict):
        raise HCLSyntaxError("a .tf.json file must hold a JSON object", 1)
    from agentlint.loaders.hcl_ast import _Converter

    conv = _Converter("")
    finder = _LineFinder(text)
    blocks: list[Block] = []
    for kind, content in data.items():
        for body_kind in _as_list(content):
            if not isinstance(body_kind, dict):
                continue
            if kind in ("resource", "data"):
                for rtype, named in body_kind.items():
                    for name, bodies in (named or {}).items():
                        for body in _as_list(bodies):
                            line = finder.find(kind, rtype, name)
                            blocks.append(_json_block(conv, kind, [rtype, name], body, line))
            elif kind in ("module", "variable", "output"):
                for name, bodies in body_kind.items():
                    for body in _as_list(bodies):
                        blocks.append(_json_block(conv, kind, [name], body, finder.find(kind, name)))
            elif kind == "locals":
                blocks.append(_json_block(conv, "locals", [], body_kind, finder.find("locals")))
    return ParsedFile(path=path, blocks=blocks)


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _json_block(conv, kind: str, labels: list[str], body: Any, line: int) -> Block:
    attrs = {}
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "//":
                continue
            attrs[key] = _json_node(conv, value, kind == "variable" and key == "default")
    return Block(type=kind, labels=labels, attrs=attrs, attr_lines={}, blocks=[], start_line=line, end_line=line)


def _json_node(conv, value: Any, literal: bool) -> tuple:
    if isinstance(value, str):
        return ("L", value) if literal or "${" not in value and "%{" not in value else conv.template_from_text(value)
    if isinstance(value, dict):
        return ("O", [(("L", k), _json_node(conv, v, literal)) for k, v in value.items()])
    if isinstance(value, list):
        return ("U", [_json_node(conv, v, literal) for v in value])
    return ("L", value)


class _LineFinder:
    """JSON parsers do not keep lines; find a block's key path in the text, in order."""

    def __init__(self, text: str):
        self.text = text

    def find(self, *keys: str) -> int:
        pos = 0
        for key in keys:
            found = self.text.find(json.dumps(key), pos)
            if found < 0:
                break
            pos = found
        return self.text.count("\n", 0, pos) + 1
