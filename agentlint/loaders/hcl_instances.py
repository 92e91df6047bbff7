"""Module instances: one per root module and per module call instance (count / for_each), each with its scope;
resources with their evaluated values, dynamic blocks and meta-arguments; module calls followed with their
arguments, and not-installed or unreadable modules reported as notices."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Optional

from agentlint.loaders.eval_budget import evaluation
from agentlint.loaders.hcl_eval import Scope, evaluate
from agentlint.loaders.hcl_folders import ModuleSource, _FolderLoader, _installed_modules, _local_source
from agentlint.loaders.hcl_types import apply_type_defaults
from agentlint.loaders.parsed import Block
from agentlint.loaders.repository import inside
from agentlint.model import UNKNOWN_KEY, Limits, LoadError, Resource
from agentlint.values import Unknown, hide

if TYPE_CHECKING:
    pass


MAX_MODULE_DEPTH = 12
_CALL_META_ARGS = {"source", "version", "count", "for_each", "providers", "depends_on"}



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
        self.reads: Optional[dict] = None  # model.file_reads
        self.outside = 0  # local module calls whose source leaves the repository (not followed)
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
        reads = default_scope.reads = (ctx.reads, os.path.abspath(shown)) if ctx.reads is not None else None
        variables: dict[str, Any] = {}
        for block in self.source.blocks("variable"):
            if not block.labels:
                continue
            name = block.labels[0]
            if name in inputs:
                variables[name] = inputs[name]
            elif "default" in block.attrs:
                with evaluation():
                    variables[name] = evaluate(block.attrs["default"], default_scope)
            else:
                variables[name] = Unknown(f"var.{name}")
            variables[name] = apply_type_defaults(block.attrs.get("type"), variables[name])  # optional() defaults
            if block.attrs.get("sensitive") == ("L", True):
                hide(variables[name])  # evaluated with its real value, never printed (shown as a marker)
        self.scope = Scope(prefix, shown, ctx.repo.root, variables, locals_ast, self.child_output, self.exists)
        self.scope.module_value = self.module_value
        self.scope.reads = reads
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
            with evaluation():
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
            ctx.outside += 1
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
                    res = Resource(
                        address=self.prefix + local + suffix, mode=mode, type=rtype, name=name, vals=None,
                        path=f.path, stack=self.ctx.stack,
                        start_line=block.start_line, end_line=block.end_line, attr_lines=dict(block.attr_lines),
                        calls_via=self.calls_via,
                    )
                    res.evaluate = _deferred(block, scope, res)
                    out.append(res)
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
    with evaluation():
        return _expand_instances(block, scope, limits, on_cap)


def _expand_instances(block: Block, scope: Scope, limits: Limits, on_cap=None) -> list[tuple[str, Scope]]:
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


def _deferred(block: Block, scope: Scope, res: Resource):
    """The resource's attributes, evaluated when first read, within the instance's budget. A budget hit during this
    evaluation is kept on the resource (the engine reports it as a `limit` error at the resource's line)."""
    def run() -> dict:
        budget = scope.budget
        before = budget.hits
        with evaluation():
            values = block_values(block, scope)
        if budget.hits > before:
            res.limit = budget.exceeded
        return values
    return run


def block_values(block: Block, scope: Scope) -> dict[str, Any]:
    values: dict[str, Any] = {name: evaluate(node, scope) for name, node in block.attrs.items()}
    for sub in block.blocks:
        if sub.type == "dynamic" and sub.labels:
            values.setdefault(sub.labels[0], []).extend(dynamic_blocks(sub, scope))
            continue
        nested = block_values(sub, scope)
        nested["__line__"] = sub.start_line  # nested blocks keep their line, for precise finding locations
        if sub.type == "provisioner" and sub.labels:
            nested["__type__"] = sub.labels[0]  # "file", "remote-exec", "local-exec": what the block does
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
