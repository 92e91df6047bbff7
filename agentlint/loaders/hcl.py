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
from typing import Any, Optional

from agentlint.loaders.cache import ParseCache, decode, encode
from agentlint.loaders.discover import Inputs
from agentlint.loaders.hcl_eval import Scope, evaluate
from agentlint.loaders.hcl_types import apply_type_defaults
from agentlint.loaders.parsed import Block, HCLSyntaxError, NestingLimit, ParsedFile
from agentlint.loaders.textfile import TextFileError, read_text
from agentlint.model import Limits, LoadError, Resource, Suppression, json_depth_exceeds
from agentlint.values import Unknown

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
    return "parse-error", None, f"cannot parse: {exc.__class__.__name__}"


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
            if kind != "limit":  # limits are settings: a raised limit must re-read the file
                cache.put(keys[path], ("error", kind, line, message))
    return results


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
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for job, outcome in zip(jobs, pool.map(_parse_job, jobs, chunksize=chunk)):
            yield job[0], outcome


def file_suppressions(parsed: ParsedFile) -> list[Suppression]:
    """Each comment covers the top-level block it sits on, above (the line before) or inside."""
    out = []
    for line, rules, reason in parsed.suppressions:
        block = next((b for b in parsed.blocks if b.start_line <= line <= b.end_line), None) or next(
            (b for b in parsed.blocks if b.start_line == line + 1), None)
        address = None
        if block is not None:
            address = ".".join(([] if block.type == "resource" else [block.type]) + block.labels)
        out.append(Suppression(path=parsed.path, line=line, rules=rules, reason=reason, block_address=address,
                               block_start=block.start_line if block else None,
                               block_end=block.end_line if block else None))
    return out


def load_configuration(inputs: Inputs, errors: list[LoadError], notices: list[LoadError],
                       scan_root: str, limits: Limits = Limits(),
                       suppressions: Optional[list[Suppression]] = None, cache: Optional[ParseCache] = None,
                       progress=None) -> tuple[list[Resource], list[str], int]:
    cache = cache or ParseCache(enabled=False)
    all_paths = [p for paths in inputs.module_dirs.values() for p in paths]
    parsed_files = parse_files(all_paths, limits, cache, errors, progress)
    modules: dict[str, ModuleSource] = {}
    files_read = len(all_paths)
    for folder, paths in inputs.module_dirs.items():
        source = ModuleSource(folder)
        for path in paths:
            parsed = parsed_files.get(path)
            if parsed is None:
                continue
            source.files.append(parsed)
            if suppressions is not None:
                suppressions.extend(file_suppressions(parsed))
        _apply_overrides(source)
        modules[folder] = source

    called: set[str] = set()
    for folder, source in modules.items():
        for call in source.blocks("module"):
            target = _local_source(folder, call)
            if target and target != folder:
                called.add(target)
    roots = [f for f in modules if f not in called]

    resources: list[Resource] = []
    stacks: list[str] = []
    for root in sorted(roots):
        stacks.append(root)
        variables = _root_variables(root, inputs.var_files, errors, limits, cache)
        instance = _Instance(modules, root, "", variables, root, scan_root, (), errors, notices)
        resources.extend(instance.resources())
    return resources, stacks, files_read


def _local_source(folder: str, call: Block) -> Optional[str]:
    node = call.attrs.get("source")
    if not node or node[0] != "L" or not isinstance(node[1], str):
        return None
    src = node[1]
    if not (src.startswith("./") or src.startswith("../")):
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


def _root_variables(root: str, explicit: list[str], errors: list[LoadError], limits: Limits,
                    cache: Optional[ParseCache] = None) -> dict[str, Any]:
    try:
        names = sorted(os.listdir(root))
    except OSError:
        names = []
    files = [os.path.join(root, n) for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names]
    files += [os.path.join(root, n) for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    files += explicit
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
        scope = Scope("", root, root, {}, {})
        for name, node in attrs.items():
            values[name] = evaluate(node, scope)
    return values


class _Instance:
    """One instantiation of a module folder, at one address prefix."""

    def __init__(self, modules: dict[str, ModuleSource], folder: str, prefix: str, inputs: dict[str, Any],
                 stack: str, scan_root: str, chain: tuple[str, ...], errors: list[LoadError],
                 notices: list[LoadError]):
        self.modules = modules
        self.source = modules[folder]
        self.folder = folder
        self.prefix = prefix
        self.stack = stack
        self.scan_root = scan_root
        self.chain = chain + (folder,)
        self.errors = errors
        self.notices = notices
        self._children: dict[str, Optional[_Instance]] = {}
        locals_ast: dict[str, tuple] = {}
        for block in self.source.blocks("locals"):
            locals_ast.update(block.attrs)
        self.outputs = {b.labels[0]: b.attrs.get("value") for b in self.source.blocks("output") if b.labels}
        default_scope = Scope(prefix, folder, scan_root, {}, {})
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
        self.scope = Scope(prefix, folder, scan_root, variables, locals_ast, self.child_output, self.exists)
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
        if block is not None:
            state = instances_exist(block.meta("count"), block.meta("for_each"), self.scope)
        self._exists[local] = state
        return state

    def child(self, name: str) -> Optional["_Instance"]:
        if name in self._children:
            return self._children[name]
        self._children[name] = None  # guards against a module whose arguments read its own outputs
        call = self.calls.get(name)
        if call is None:
            return None
        if instances_exist(call.attrs.get("count"), call.attrs.get("for_each"), self.scope) is False:
            return None  # count = 0 / empty for_each: the module creates nothing
        target = _local_source(self.folder, call)
        if target is None:
            src = call.attrs.get("source")
            shown = src[1] if src and src[0] == "L" else "(computed)"
            self.notices.append(LoadError(path=self._call_path(call), line=call.start_line, kind="module-not-followed",
                                          message=f"module {self.prefix}module.{name}: source {shown!r} is not local; its resources are not scanned"))
            return None
        if not _inside(target, self.scan_root):
            self.notices.append(LoadError(path=self._call_path(call), line=call.start_line, kind="module-not-followed",
                                          message=f"module {self.prefix}module.{name}: source leaves the scanned folder; not followed"))
            return None
        if target not in self.modules:
            self.notices.append(LoadError(path=self._call_path(call), line=call.start_line, kind="module-not-followed",
                                          message=f"module {self.prefix}module.{name}: no Terraform files in {target}; not scanned"))
            return None
        if target in self.chain or len(self.chain) > MAX_MODULE_DEPTH:
            self.errors.append(LoadError(path=self._call_path(call), line=call.start_line, kind="unsupported",
                                         message=f"module {self.prefix}module.{name}: recursive or too deeply nested module calls"))
            return None
        args = {k: evaluate(v, self.scope) for k, v in call.attrs.items() if k not in _CALL_META_ARGS}
        inst = _Instance(self.modules, target, f"{self.prefix}module.{name}.", args, self.stack, self.scan_root,
                         self.chain, self.errors, self.notices)
        self._children[name] = inst
        return inst

    def _call_path(self, call: Block) -> str:
        for f in self.source.files:
            if any(b is call for b in f.blocks):  # identity: == would compare whole block trees
                return f.path
        return self.folder

    def child_output(self, module_name: str, output: str) -> Any:
        inst = self.child(module_name)
        if inst is None or output not in inst.outputs or inst.outputs[output] is None:
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
                if self.exists(local) is False:
                    continue  # count = 0 / empty for_each: Terraform creates nothing
                out.append(Resource(
                    address=self.prefix + local, mode=mode, type=rtype, name=name, vals=None,
                    evaluate=_deferred(block, self.scope), path=f.path, stack=self.stack,
                    start_line=block.start_line, end_line=block.end_line, attr_lines=dict(block.attr_lines),
                ))
        for name in self.calls:
            inst = self.child(name)
            if inst is not None:
                out.extend(inst.resources())
        return out


def instances_exist(count_node: Optional[tuple], each_node: Optional[tuple], scope: Scope) -> Optional[bool]:
    """Whether a resource or module call creates anything: False when `count` is 0 or `for_each` is empty,
    None when that cannot be evaluated, True otherwise."""
    if count_node is not None:
        count = evaluate(count_node, scope)
        if isinstance(count, bool):
            count = int(count)
        return count > 0 if isinstance(count, (int, float)) else None
    if each_node is not None:
        each = evaluate(each_node, scope)
        return len(each) > 0 if isinstance(each, (dict, list)) else None
    return True


def _inside(path: str, root: str) -> bool:
    path = os.path.realpath(path)
    root = os.path.realpath(root)
    return path == root or os.path.commonpath([path, root]) == root


def _deferred(block: Block, scope: Scope):
    return lambda: block_values(block, scope)


def block_values(block: Block, scope: Scope) -> dict[str, Any]:
    values: dict[str, Any] = {name: evaluate(node, scope) for name, node in block.attrs.items()}
    for sub in block.blocks:
        if sub.type == "dynamic" and sub.labels:
            content = next((b for b in sub.blocks if b.type == "content"), None)
            if content is not None:
                nested = block_values(content, scope)
                nested["__line__"] = sub.start_line
                values.setdefault(sub.labels[0], []).append(nested)
            continue
        nested = block_values(sub, scope)
        nested["__line__"] = sub.start_line  # nested blocks keep their line, for precise finding locations
        values.setdefault(sub.type, []).append(nested)
    return values


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
