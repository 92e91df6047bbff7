"""Evaluate expression ASTs (see hcl_ast) inside one module instance.

The evaluator is deliberately partial: literals, variables (defaults, tfvars, module arguments), locals, module
outputs, a set of pure Terraform functions, conditionals and arithmetic. Everything else becomes an `Unknown`
that carries the references it mentions. Nothing from the scanned tree is executed; `file()` reads a file only
when it lies inside the scan root.
"""

from __future__ import annotations

import copy
import decimal
import json
from typing import Any, Callable, Optional

from agentlint.loaders import hcl_functions as fn
from agentlint.loaders.eval_budget import (  # noqa: F401
    MAX_EVAL_SECONDS, MAX_ITERATIONS, Budget, configure_budgets, size_budget)
from agentlint.loaders.eval_files import MAX_FILE_FUNCTION_BYTES, _inside_root, _read_file, _templatefile  # noqa: F401
from agentlint.loaders.eval_operators import UnsupportedOperator, apply_operator
from agentlint.loaders.eval_refs import (  # noqa: F401 (the evaluator's public names stay importable from here)
    _SPECIAL_ROOTS, Invalid, _collect_refs, _is_index, _node_text, _push_step_indexes, _refs_of, _template_text,
    _walk, contains_unknown, traversal_ref)
from agentlint.values import Ref, Unknown, UnknownText, UnknownYAML, VariableText

MAX_DEPTH = 200


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
        self.budget = Budget()  # shared with bound copies: one budget per module instance
        self.reads: Optional[tuple[dict, str]] = None  # (log, module folder) for the files file() reads

    def spend(self, iterations: int) -> bool:
        """Count loop iterations against the instance's budget; False once it (or its time) is used up."""
        return self.budget.spend(iterations)

    def bind(self, names: dict[str, Any]) -> "Scope":
        """A scope that sees these names too (each/count of an instance, a dynamic iterator, for symbols).
        Variables, locals and outputs are shared: locals cannot refer to each, count or iterators in Terraform."""
        child = copy.copy(self)
        child.bindings = {**self.bindings, **names}
        return child

    def keyed(self, ref: Ref, root: str, steps: list) -> Ref:
        """The reference with the instance key its index names, when known (for references collected from a larger
        expression, as a plain reference gets it in `_traverse`). Only a literal or a plain name (`each.key`,
        `count.index`, `var.x`) is read: collecting references evaluates nothing costly."""
        at = 2 if root == "data" else 1
        index = steps[at][1] if len(steps) > at and steps[at][0] == "i" else None
        if index is None or not (index[0] == "L" or (index[0] == "R" and all(s[0] == "a" for s in index[2]))):
            return ref
        return _with_instance_key(ref, root, steps, self, 0)

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
        scope.budget.hit(f"expressions nested deeper than {MAX_DEPTH} levels (locals referring to locals)")
        return Unknown("(expression nested too deeply)")
    kind = node[0]
    d = depth + 1
    if kind == "L":
        return node[1]
    if kind == "T":
        return _template(node, scope, d)
    if kind == "R":
        return _traverse(node, scope, d)
    if kind == "O":
        out: dict[str, Any] = {}
        for key_node, value_node in node[1]:
            key = evaluate(key_node, scope, d)
            if not isinstance(key, (str, int, float, bool)):
                return Unknown(_node_text(node), tuple(_collect_refs(node, scope)))
            out[fn.to_str(key)] = evaluate(value_node, scope, d)
        return out
    if kind == "U":
        return [evaluate(n, scope, d) for n in node[1]]
    if kind == "C":
        return _call(node, scope, d)
    if kind == "F":
        return _for(node, scope, d)
    if kind == "S":
        base = evaluate(node[1], scope, d)
        value = _apply_steps(base, node[2], node[3], scope, d)
        if isinstance(value, Unknown) and not value.refs:
            return type(value)(value.text, tuple(_collect_refs(node, scope)))
        return value
    if kind == "Q":
        cond = evaluate(node[1], scope, d)
        if cond in ("true", "false"):
            cond = cond == "true"
        if isinstance(cond, bool):
            return _unify_branches(evaluate(node[2], scope, d), evaluate(node[3], scope, d), cond)
        a = evaluate(node[2], scope, d)
        b = evaluate(node[3], scope, d)
        if a == b and not isinstance(a, Unknown):
            return a
        return Unknown(node[4], tuple(_collect_refs(node, scope)))
    if kind == "B":
        return _binary(node, scope, d)
    if kind == "N":
        value = evaluate(node[2], scope, d)
        try:
            if node[1] == "-" and not isinstance(value, Unknown):
                return fn.num(-fn.to_number(value))
            if node[1] == "!" and not isinstance(value, Unknown):
                return not fn.to_bool(value)
        except fn.FunctionError:
            return Invalid(node[3], tuple(_collect_refs(node, scope)))
        return Unknown(node[3], tuple(_collect_refs(node, scope)))
    # "X": not modelled
    return Unknown(node[1], tuple(_collect_refs(node, scope)))


def _unify_branches(a: Any, b: Any, cond: bool) -> Any:
    """Both results of a conditional take one type: `true ? 1 : "a"` is "1" in Terraform."""
    chosen, other = (a, b) if cond else (b, a)
    primitive = (str, bool, int, float)
    if isinstance(chosen, primitive) and isinstance(other, str) and not isinstance(chosen, str):
        return fn.to_str(chosen)
    return chosen


def _for(node: tuple, scope: Scope, depth: int) -> Any:
    _, key_var, value_var, coll_node, key_node, value_node, cond_node, group, text = node
    coll = evaluate(coll_node, scope, depth)

    def unknown() -> Unknown:
        return Unknown(text, tuple(_collect_refs(node, scope)))

    if isinstance(coll, Unknown):
        return unknown()
    if isinstance(coll, dict):
        pairs = [(k, coll[k]) for k in sorted(coll)]  # Terraform iterates maps and objects in key order
    elif isinstance(coll, list):
        pairs = list(enumerate(coll))
    else:
        return Invalid(text, tuple(_collect_refs(node, scope)))
    if len(pairs) > fn.SIZES.elements or not scope.spend(len(pairs)):
        return unknown()
    items: list = []
    obj: dict[str, Any] = {}
    for k, v in pairs:
        # Past the time limit every remaining item would come back unknown one by one, each still paying for its
        # scope and its unknowns: on 100,000 items that ran seconds past a 0.2 s limit. The whole `for` is unknown.
        if not scope.spend(0):
            return unknown()
        inner = scope.bind({value_var: v} if key_var is None else {key_var: k, value_var: v})
        if cond_node is not None:
            keep = evaluate(cond_node, inner, depth)
            if keep in ("true", "false"):
                keep = keep == "true"
            if not isinstance(keep, bool):
                return unknown()
            if not keep:
                continue
        value = evaluate(value_node, inner, depth)
        if key_node is None:
            items.append(value)
            continue
        key = evaluate(key_node, inner, depth)
        if isinstance(key, Unknown) or isinstance(key, (list, dict)) or key is None:
            return unknown()
        key = fn.to_str(key)
        if group:
            obj.setdefault(key, []).append(value)
        elif key in obj:
            return Invalid(text, tuple(_collect_refs(node, scope)))  # duplicate key without `...`
        else:
            obj[key] = value
    return items if key_node is None else obj


def _template(node: tuple, scope: Scope, depth: int) -> Any:
    parts = node[1]
    if len(parts) == 1 and not isinstance(parts[0], str) and parts[0][0] not in ("TI", "TF"):
        # "${x}" alone is x itself, of whatever type (Terraform does not convert it to a string).
        return evaluate(parts[0], scope, depth)
    out: list[str] = []
    try:
        complete = _render_parts(parts, scope, depth, out, [fn.SIZES.string])
    except fn.FunctionError:
        complete = False
    except fn.TooBig as exc:
        scope.budget.hit(f"string template: {exc} (limit max-string)")
        complete = False
    if not complete:
        refs: list = []
        for part in parts:
            if not isinstance(part, str):
                refs.extend(_collect_refs(part, scope))
        return Unknown(_template_text(parts), tuple(refs))
    return "".join(out)


def _render_parts(parts: list, scope: Scope, depth: int, out: list[str], budget: list[int]) -> bool:
    """Append the rendered parts to out; False when any part is not known (or not a string). budget holds the
    characters still allowed: a `%{ for }` over a large collection must not build an unbounded string."""
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif part[0] == "TI":
            cond = evaluate(part[1], scope, depth)
            if cond in ("true", "false"):
                cond = cond == "true"
            if not isinstance(cond, bool):
                return False
            if not _render_parts(part[2] if cond else part[3], scope, depth, out, budget):
                return False
        elif part[0] == "TF":
            _, key_var, value_var, coll_node, body = part
            coll = evaluate(coll_node, scope, depth)
            if isinstance(coll, dict):
                pairs = [(k, coll[k]) for k in sorted(coll)]
            elif isinstance(coll, list):
                pairs = list(enumerate(coll))
            else:
                return False
            if len(pairs) > fn.SIZES.elements or not scope.spend(len(pairs)):
                return False
            for k, v in pairs:
                inner = scope.bind({value_var: v} if key_var is None else {key_var: k, value_var: v})
                if not _render_parts(body, inner, depth, out, budget):
                    return False
        else:
            value = evaluate(part, scope, depth)
            if isinstance(value, Unknown) or value is None or isinstance(value, (list, dict)):
                return False
            out.append(fn.to_str(value))
        if isinstance(part, str) or part[0] not in ("TI", "TF"):
            budget[0] -= len(out[-1])
            if budget[0] < 0:
                raise fn.TooBig("template too long")
    return True


def _traverse(node: tuple, scope: Scope, depth: int) -> Any:
    _, root, steps, text = node
    if root in scope.bindings:
        return _apply_steps(scope.bindings[root], steps, text, scope, depth)
    if root in ("each", "count", "self"):
        return Unknown(text)  # outside an expanded instance: the key or index is not known here
    if root == "var" and steps and steps[0][0] == "a":
        name = steps[0][1]
        value = scope.variables.get(name, Unknown(f"var.{name}"))
        if isinstance(value, str) and len(steps) == 1:
            return VariableText(value, f"var.{name}")  # rules tell a value passed in from one written in the code
        return _apply_steps(value, steps[1:], text, scope, depth)
    if root == "local" and steps and steps[0][0] == "a":
        return _apply_steps(scope.local(steps[0][1]), steps[1:], text, scope, depth)
    if root == "path" and steps and steps[0][0] == "a":
        if steps[0][1] in ("module", "root", "cwd"):
            return scope.module_dir if steps[0][1] == "module" else scope.scan_root
    if root == "module" and steps and steps[0][0] == "a" and (len(steps) == 1 or steps[1][0] != "a"):
        # `module.x["a"].out`, `module.x[0].out`, `module.x[*].out`: the instances of a call with for_each/count
        module_value = getattr(scope, "module_value", None)
        value = module_value(steps[0][1]) if module_value is not None else None
        if value is not None:
            return _apply_steps(value, steps[1:], text, scope, depth)
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
    for i, step in enumerate(steps):
        if isinstance(value, Unknown):
            return Unknown(text, value.refs) if not isinstance(value, Invalid) else Invalid(text, value.refs)
        if step[0] == "a":
            if isinstance(value, dict) and step[1] in value:
                value = value[step[1]]
            else:
                return Invalid(text)  # Terraform: unsupported attribute
        elif step[0] == "i":
            key = evaluate(step[1], scope, depth)
            if isinstance(key, Unknown):
                return Unknown(text, tuple(_refs_of(key)) + tuple(_refs_of(value)))
            if isinstance(value, list) and not isinstance(key, bool) and _is_index(key) and -1 < int(fn.to_number(key)) < len(value):
                value = value[int(fn.to_number(key))]
            elif isinstance(value, dict) and isinstance(key, (str, int, float)) and not isinstance(key, bool) and fn.to_str(key) in value:
                value = value[fn.to_str(key)]
            else:
                return Invalid(text)  # Terraform: invalid index
        else:
            # A splat on a known value: null gives [], a non-list value a one-element list; the steps after
            # `[*]` apply to each element.
            if value is None:
                return _apply_steps([], steps[i + 1:], text, scope, depth)
            elements = value if isinstance(value, list) else [value]
            sub = step[1] if len(step) > 1 else []
            value = [_apply_steps(e, sub, text, scope, depth) for e in elements]
    return value


def _binary(node: tuple, scope: Scope, depth: int) -> Any:
    value = _binary_exact(node, scope, depth)
    if isinstance(value, decimal.Decimal):
        try:
            return fn.num(value)
        except fn.FunctionError:
            return Invalid(node[4], tuple(_collect_refs(node, scope)))
    return value


def _operand(node: tuple, scope: Scope, depth: int) -> Any:
    # Nested arithmetic stays exact; the outermost operation rounds once.
    if node[0] == "B" and node[1] in ("+", "-", "*", "/", "%"):
        return _binary_exact(node, scope, depth + 1)
    return evaluate(node, scope, depth)


def _binary_exact(node: tuple, scope: Scope, depth: int) -> Any:
    _, op, left_node, right_node, text = node
    if depth > MAX_DEPTH:
        scope.budget.hit(f"expressions nested deeper than {MAX_DEPTH} levels (locals referring to locals)")
        return Unknown("(expression nested too deeply)")
    a = _operand(left_node, scope, depth)
    b = _operand(right_node, scope, depth)
    # No short cut: Terraform's `false && x` is unknown while x is (checked against Terraform 1.11).
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return Unknown(text, tuple(_collect_refs(node, scope)))
    try:
        return apply_operator(op, a, b)
    except UnsupportedOperator:
        pass
    except (fn.FunctionError, TypeError, ValueError, OverflowError, decimal.InvalidOperation):
        return Invalid(text, tuple(_collect_refs(node, scope)))
    return Unknown(text, tuple(_collect_refs(node, scope)))


# -- functions -----------------------------------------------------------------------------------------------


def _call(node: tuple, scope: Scope, depth: int) -> Any:
    name, arg_nodes, text = node[1], node[2], node[3]
    expand = len(node) > 4 and node[4]
    name = name.split("::")[-1] if name.startswith("provider::") else name

    def unknown() -> Unknown:
        return Unknown(text, tuple(_collect_refs(node, scope)))

    if name == "try" and not expand:
        # Arguments are tried in order and an unknown one is passed over: a fallback is still a value the code
        # can take (an error in Terraform and a value not known here look alike).
        for arg in arg_nodes:
            value = evaluate(arg, scope, depth)
            if not isinstance(value, Unknown):
                return value
        return unknown()
    if name == "can" and len(arg_nodes) == 1:
        value = evaluate(arg_nodes[0], scope, depth)
        if isinstance(value, Invalid):
            return False
        return unknown() if contains_unknown(value) else True
    args = [evaluate(a, scope, depth) for a in arg_nodes]
    if expand and args:
        last = args.pop()
        if not isinstance(last, list):
            return unknown()
        args.extend(last)
    if name == "jsonencode" and len(args) == 1:
        state = _walk(args[0])
        if state == "unknown":
            # Kept as an object: policy documents are read structurally, unknown parts stay marked.
            return args[0]
        if state == "too-large":
            return unknown()
    if name == "yamlencode" and len(args) == 1 and _walk(args[0]) == "unknown":
        # Unknown as text, as any function of an unknown value; the object rides along (Helm release values).
        return UnknownYAML(text, tuple(_collect_refs(node, scope)), args[0])
    if name == "file" and len(args) == 1 and isinstance(args[0], str):
        return _read_file(args[0], scope, text)
    if name == "templatefile" and len(args) == 2 and isinstance(args[0], str) and isinstance(args[1], dict):
        return _templatefile(args[0], args[1], scope, text, depth)
    if name in ("base64encode", "base64gzip") and len(args) == 1 and isinstance(args[0], Unknown):  # boot scripts
        return UnknownText(text, tuple(_collect_refs(node, scope)), getattr(args[0], "template", "") or args[0].text)
    if any(contains_unknown(a) for a in args) and name not in fn.UNKNOWN_TOLERANT:
        return unknown()
    function = fn.FUNCTIONS.get(name)
    if function is None:
        return unknown()
    if not scope.spend(1):
        return unknown()
    try:
        return fn.check_size(function(*args))
    except fn.TooBig as exc:
        scope.budget.hit(f"{name}(): {exc} ({size_budget(str(exc))})")
        return unknown()
    except Exception:  # noqa: BLE001 - a function applied to values of the wrong shape is an error in Terraform
        return Invalid(text, tuple(_collect_refs(node, scope)))
