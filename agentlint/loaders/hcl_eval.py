"""Evaluate expression ASTs (see hcl_ast) inside one module instance.

The evaluator is deliberately partial: literals, variables (defaults, tfvars, module arguments), locals, module
outputs, a set of pure Terraform functions, conditionals and arithmetic. Everything else becomes an `Unknown`
that carries the references it mentions. Nothing from the scanned tree is executed; `file()` reads a file only
when it lies inside the scan root.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any, Callable, Optional

from agentlint.values import Ref, Unknown

MAX_DEPTH = 200
MAX_FILE_FUNCTION_BYTES = 1_000_000

_SPECIAL_ROOTS = {"count", "each", "self", "terraform", "path"}


class Scope:
    """What an expression can see: a module instance's variables, locals, outputs of child modules."""

    def __init__(self, prefix: str, module_dir: str, scan_root: str, variables: dict[str, Any],
                 locals_ast: dict[str, tuple], child_outputs: Optional[Callable[[str, str], Any]] = None,
                 exists: Optional[Callable[[str], Optional[bool]]] = None):
        self.prefix = prefix  # "" or "module.a." (always ends with a dot when set)
        self.module_dir = module_dir
        self.scan_root = scan_root
        self.variables = variables
        self.locals_ast = locals_ast
        self._locals: dict[str, Any] = {}
        self._resolving: set[str] = set()
        self.child_outputs = child_outputs
        # Does the resource (module-local address) exist? False when its count is 0 or its for_each is empty.
        self.exists = exists or (lambda _addr: None)
        # Names bound inside one instance or expression: `each` -> {"key", "value"}, `count` -> {"index"}, a
        # `dynamic` block's iterator -> {"key", "value"}, a `for` expression's symbols -> their values.
        self.bindings: dict[str, Any] = {}

    def bind(self, names: dict[str, Any]) -> "Scope":
        """A scope that sees these names too (each/count of an instance, a dynamic iterator, for symbols).
        Variables, locals and outputs are shared: locals cannot refer to each, count or iterators in Terraform."""
        child = copy.copy(self)
        child.bindings = {**self.bindings, **names}
        return child

    def local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        if name not in self.locals_ast or name in self._resolving:
            return Unknown(f"local.{name}")
        self._resolving.add(name)
        try:
            value = evaluate(self.locals_ast[name], self)
        finally:
            self._resolving.discard(name)
        self._locals[name] = value
        return value


def evaluate(node: tuple, scope: Scope, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        return Unknown("(expression nested too deeply)")
    kind = node[0]
    d = depth + 1
    if kind == "L":
        return node[1]
    if kind == "T":
        return _template(node[1], scope, d)
    if kind == "R":
        return _traverse(node, scope, d)
    if kind == "O":
        out: dict[str, Any] = {}
        for key_node, value_node in node[1]:
            key = evaluate(key_node, scope, d)
            if not isinstance(key, (str, int, float, bool)):
                return Unknown(_node_text(node), tuple(_collect_refs(node, scope)))
            out[str(key)] = evaluate(value_node, scope, d)
        return out
    if kind == "U":
        return [evaluate(n, scope, d) for n in node[1]]
    if kind == "C":
        return _call(node, scope, d)
    if kind == "Q":
        cond = evaluate(node[1], scope, d)
        if isinstance(cond, bool):
            return evaluate(node[2] if cond else node[3], scope, d)
        a = evaluate(node[2], scope, d)
        b = evaluate(node[3], scope, d)
        if a == b and not isinstance(a, Unknown):
            return a
        return Unknown(node[4], tuple(_collect_refs(node, scope)))
    if kind == "B":
        return _binary(node, scope, d)
    if kind == "N":
        value = evaluate(node[2], scope, d)
        if node[1] == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
        if node[1] == "!" and isinstance(value, bool):
            return not value
        return Unknown(node[3], tuple(_collect_refs(node, scope)))
    # "X": not modelled
    return Unknown(node[1], tuple(_collect_refs(node, scope)))


def _node_text(node: tuple) -> str:
    kind = node[0]
    if kind in ("R", "C"):
        return node[3]
    if kind in ("Q", "B"):
        return node[4]
    if kind == "N":
        return node[3]
    if kind == "X":
        return node[1]
    if kind == "L":
        return json.dumps(node[1])
    return "(expression)"


def _template(parts: list, scope: Scope, depth: int) -> Any:
    out: list[str] = []
    unknown = False
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        value = evaluate(part, scope, depth)
        if isinstance(value, bool):
            out.append("true" if value else "false")
        elif isinstance(value, (str, int, float)):
            out.append(str(value))
        else:
            unknown = True
            out.append("${" + _node_text(part) + "}")
    text = "".join(out)
    if unknown:
        refs = []
        for part in parts:
            if not isinstance(part, str):
                refs.extend(_collect_refs(part, scope))
        return Unknown(text, tuple(refs))
    return text


def traversal_ref(root: str, steps: list, scope_prefix: str) -> Optional[Ref]:
    """The resource reference a traversal names, or None for variables, locals and specials."""
    names = []
    for step in steps:
        if step[0] == "a":
            names.append(step[1])
        elif step[0] == "i":
            continue  # instance keys and indexes do not change which resource is meant
        else:
            break
    if root == "data":
        if len(names) < 2:
            return None
        return Ref(f"{scope_prefix}data.{names[0]}.{names[1]}", ".".join(names[2:]))
    if root == "module":
        if not names:
            return None
        return Ref(f"{scope_prefix}module.{names[0]}", ".".join(names[1:]))
    if root in ("var", "local") or root in _SPECIAL_ROOTS or not names:
        return None
    return Ref(f"{scope_prefix}{root}.{names[0]}", ".".join(names[1:]))


def _collect_refs(node: tuple, scope: Scope) -> list[Ref]:
    """References to resources anywhere in an expression, with variables and locals followed."""
    refs: list[Ref] = []
    stack = [node]
    seen = 0
    while stack and seen < 10_000:
        seen += 1
        cur = stack.pop()
        if not isinstance(cur, tuple) or not cur:
            continue
        kind = cur[0]
        if kind == "R":
            root, steps = cur[1], cur[2]
            ref = traversal_ref(root, steps, scope.prefix)
            if ref is not None:
                refs.append(ref)
            elif root in ("var", "local") and steps and steps[0][0] == "a":
                value = scope.variables.get(steps[0][1]) if root == "var" else scope.local(steps[0][1])
                if isinstance(value, Unknown):
                    refs.extend(value.refs)
            for step in steps:
                if step[0] == "i":
                    stack.append(step[1])
        elif kind == "T":
            stack.extend(p for p in cur[1] if not isinstance(p, str))
        elif kind == "X":
            stack.extend(cur[2])
        elif kind == "O":
            for k, v in cur[1]:
                stack.extend((k, v))
        elif kind == "U":
            stack.extend(cur[1])
        elif kind == "C":
            stack.extend(cur[2])
        elif kind == "Q":
            stack.extend(cur[1:4])
        elif kind == "B":
            stack.extend(cur[2:4])
        elif kind == "N":
            stack.append(cur[2])
    return refs


def _traverse(node: tuple, scope: Scope, depth: int) -> Any:
    _, root, steps, text = node
    if root in scope.bindings:
        return _apply_steps(scope.bindings[root], steps, text, scope, depth)
    if root in ("each", "count", "self"):
        return Unknown(text)  # outside an expanded instance: the key or index is not known here
    if root == "var" and steps and steps[0][0] == "a":
        name = steps[0][1]
        value = scope.variables.get(name, Unknown(f"var.{name}"))
        return _apply_steps(value, steps[1:], text, scope, depth)
    if root == "local" and steps and steps[0][0] == "a":
        return _apply_steps(scope.local(steps[0][1]), steps[1:], text, scope, depth)
    if root == "path" and steps and steps[0][0] == "a":
        if steps[0][1] in ("module", "root", "cwd"):
            return scope.module_dir if steps[0][1] == "module" else scope.scan_root
    if root == "module" and len(steps) >= 2 and steps[0][0] == "a" and steps[1][0] == "a":
        if scope.child_outputs is not None:
            value = scope.child_outputs(steps[0][1], steps[1][1])
            if value is not None:
                return _apply_steps(value, steps[2:], text, scope, depth)
    ref = traversal_ref(root, steps, scope.prefix)
    if ref is not None and root != "module":
        ref = _with_instance_key(ref, root, steps, scope, depth)
        local = Ref(ref.address[len(scope.prefix):]).base
        state = scope.exists(local)
        splat = any(step[0] == "*" for step in steps)
        if state is False:
            return [] if splat else Unknown(text)  # an absent resource: try() falls back, splats are empty
        if splat:
            return [Unknown(text, (ref,))]
    return Unknown(text, (ref,) if ref else ())


def _with_instance_key(ref: Ref, root: str, steps: list, scope: Scope, depth: int) -> Ref:
    """`aws_iam_role.r[each.key]`: the reference names one instance when the key is known, so the graph links the
    instance of the same key, not the first one."""
    at = 2 if root == "data" else 1
    if len(steps) <= at or steps[at][0] != "i" or any(s[0] != "a" for s in steps[:at]):
        return ref
    key = evaluate(steps[at][1], scope, depth)
    if isinstance(key, bool) or not isinstance(key, (str, int)):
        return ref
    shown = f"[{key}]" if isinstance(key, int) else "[" + json.dumps(key, ensure_ascii=False) + "]"
    return Ref(ref.address + shown, ref.attr)


def _apply_steps(value: Any, steps: list, text: str, scope: Scope, depth: int) -> Any:
    for step in steps:
        if isinstance(value, Unknown):
            return Unknown(text, value.refs)
        if step[0] == "a":
            if isinstance(value, dict) and step[1] in value:
                value = value[step[1]]
            else:
                return Unknown(text)
        elif step[0] == "i":
            key = evaluate(step[1], scope, depth)
            if isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool) and -len(value) <= key < len(value):
                value = value[key]
            elif isinstance(value, dict) and isinstance(key, (str, int)) and str(key) in value:
                value = value[str(key)]
            else:
                return Unknown(text)
        else:
            return Unknown(text)
    return value


def _binary(node: tuple, scope: Scope, depth: int) -> Any:
    _, op, left_node, right_node, text = node
    a = evaluate(left_node, scope, depth)
    b = evaluate(right_node, scope, depth)
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return Unknown(text, tuple(_collect_refs(node, scope)))
    try:
        if op == "==":
            return a == b
        if op == "!=":
            return a != b
        if op == "&&" and isinstance(a, bool) and isinstance(b, bool):
            return a and b
        if op == "||" and isinstance(a, bool) and isinstance(b, bool):
            return a or b
        numeric = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b))
        if numeric:
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if op == "/" and b:
                return a / b
            if op == "%" and b:
                return a % b
            if op == "<":
                return a < b
            if op == ">":
                return a > b
            if op == "<=":
                return a <= b
            if op == ">=":
                return a >= b
    except (TypeError, ValueError, OverflowError):
        pass
    return Unknown(text, tuple(_collect_refs(node, scope)))


# -- functions -----------------------------------------------------------------------------------------------


def _call(node: tuple, scope: Scope, depth: int) -> Any:
    _, name, arg_nodes, text = node
    name = name.split("::")[-1] if name.startswith("provider::") else name
    if name in ("try", "coalesce"):
        for arg in arg_nodes:
            value = evaluate(arg, scope, depth)
            if not isinstance(value, Unknown) and not (name == "coalesce" and value in (None, "")):
                return value
        return Unknown(text, tuple(_collect_refs(node, scope)))
    args = [evaluate(a, scope, depth) for a in arg_nodes]
    if name == "jsonencode" and len(args) == 1:
        # Kept as an object: policy documents are read structurally, unknown parts stay marked.
        return args[0]
    if name == "file" and len(args) == 1 and isinstance(args[0], str):
        return _read_file(args[0], scope, text)
    if any(_contains_unknown(a) for a in args) and name not in ("concat", "merge", "tolist", "toset", "flatten", "distinct", "compact"):
        return Unknown(text, tuple(_collect_refs(node, scope)))
    fn = _FUNCTIONS.get(name)
    if fn is None:
        return Unknown(text, tuple(_collect_refs(node, scope)))
    try:
        return fn(*args)
    except Exception:  # a function applied to values of the wrong shape is simply not decidable here
        return Unknown(text, tuple(_collect_refs(node, scope)))


def _contains_unknown(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, Unknown):
            return True
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def _read_file(rel: str, scope: Scope, text: str) -> Any:
    path = os.path.realpath(os.path.join(scope.module_dir, rel))
    root = os.path.realpath(scope.scan_root)
    if os.path.commonpath([path, root]) != root:
        return Unknown(text)
    try:
        if os.path.getsize(path) > MAX_FILE_FUNCTION_BYTES:
            return Unknown(text)
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError, ValueError):
        return Unknown(text)


def _jsondecode(s: str) -> Any:
    return json.loads(s)


def _concat(*lists: Any) -> Any:
    # An unknown argument stays in the result as one unknown element: its references must not be lost.
    out: list = []
    for item in lists:
        if isinstance(item, Unknown):
            out.append(item)
        else:
            out.extend(item)
    return out


def _merge(*maps: Any) -> Any:
    out: dict = {}
    for item in maps:
        if isinstance(item, Unknown):
            return Unknown("merge(...)", item.refs)
        if item is None:
            continue
        out.update(item)
    return out


def _flatten(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    out: list = []
    for item in value:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def _distinct(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    out: list = []
    for item in value:
        if item not in out:
            out.append(item)
    return out


def _format(fmt: str, *args: Any) -> str:
    return fmt.replace("%%", "\x00").replace("%s", "{}").replace("%d", "{}").replace("%v", "{}").format(*args).replace("\x00", "%")


def _lookup(mapping: dict, key: str, *default: Any) -> Any:
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise KeyError(key)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "jsondecode": _jsondecode,
    "concat": _concat,
    "merge": _merge,
    "flatten": _flatten,
    "distinct": _distinct,
    "compact": lambda v: v if isinstance(v, Unknown) else [x for x in v if x not in (None, "")],
    "tolist": lambda v: v if isinstance(v, Unknown) else list(v),
    "toset": lambda v: v if isinstance(v, Unknown) else _distinct(list(v)),
    "tomap": lambda v: dict(v),
    "tostring": lambda v: v if isinstance(v, str) else json.dumps(v) if not isinstance(v, (int, float)) else str(v),
    "tonumber": lambda v: v if isinstance(v, (int, float)) else float(v) if "." in v else int(v),
    "tobool": lambda v: v if isinstance(v, bool) else {"true": True, "false": False}[v],
    "lower": lambda s: s.lower(),
    "upper": lambda s: s.upper(),
    "trimspace": lambda s: s.strip(),
    "join": lambda sep, items: sep.join(str(i) for i in items),
    "split": lambda sep, s: s.split(sep),
    "format": _format,
    "replace": lambda s, old, new: s.replace(old, new),
    "length": lambda v: len(v),
    "lookup": _lookup,
    "element": lambda items, i: items[i % len(items)],
    "keys": lambda m: sorted(m.keys()),
    "values": lambda m: [m[k] for k in sorted(m.keys())],
    "contains": lambda items, v: v in items,
    "sort": lambda items: sorted(items),
    "startswith": lambda s, p: s.startswith(p),
    "endswith": lambda s, p: s.endswith(p),
    "min": lambda *v: min(v),
    "max": lambda *v: max(v),
    "abs": lambda v: abs(v),
}
