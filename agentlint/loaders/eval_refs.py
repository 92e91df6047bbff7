"""What the evaluator knows about expressions without evaluating them: the resources they reference, their source
text, and whether a value holds unknowns. Walks are bounded: parts of a value can be shared, so a small expression
can describe an enormous value."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from agentlint.loaders import hcl_functions as fn
from agentlint.values import Ref, Unknown

_SPECIAL_ROOTS = {"count", "each", "self", "terraform", "path"}

if TYPE_CHECKING:
    from agentlint.loaders.hcl_eval import Scope


@dataclass(frozen=True, repr=False)
class Invalid(Unknown):
    """An expression Terraform would reject (a missing attribute, an index out of range, a function error).
    Still an unknown to everything downstream; `can()` tells it apart from a value that is merely not known."""


def _node_text(node: tuple) -> str:
    kind = node[0]
    if kind in ("R", "C", "S"):
        return node[3]
    if kind in ("Q", "B"):
        return node[4]
    if kind == "N":
        return node[3]
    if kind == "F":
        return node[8]
    if kind == "X":
        return node[1]
    if kind == "L":
        return json.dumps(node[1])
    return "(expression)"


def _template_text(parts: list) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif part[0] in ("TI", "TF"):
            out.append("%{...}")
        else:
            out.append("${" + _node_text(part) + "}")
    return "".join(out)


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


def _push_step_indexes(steps: list, bound: frozenset, stack: list) -> None:
    """The index expressions of traversal steps (splat sub-steps included): they can name resources too."""
    step_stack = list(steps)
    while step_stack:
        step = step_stack.pop()
        if step[0] == "i":
            stack.append((step[1], bound))
        elif step[0] == "*" and len(step) > 1:
            step_stack.extend(step[1])


def _collect_refs(node: tuple, scope: Scope) -> list[Ref]:
    """References to resources anywhere in an expression, with variables, locals and bound names followed.
    Names a `for` expression or template `for` binds are not resources: `[for r in x : r.arn]` names no `r`."""
    refs: list[Ref] = []
    stack: list[tuple] = [(node, frozenset())]
    seen = 0
    while stack and seen < 10_000:
        seen += 1
        cur, bound = stack.pop()
        if not isinstance(cur, tuple) or not cur:
            continue
        kind = cur[0]
        if kind == "R":
            root, steps = cur[1], cur[2]
            if root in bound:
                pass
            elif root in scope.bindings:
                refs.extend(_refs_of(scope.bindings[root]))
            else:
                ref = traversal_ref(root, steps, scope.prefix)
                if ref is not None:
                    # `"sa:${google_service_account.a[each.key].email}"`: the instance of this key, as a plain
                    # reference names it (a name a `for` binds here is not in scope: its key is not known)
                    refs.append(scope.keyed(ref, root, steps) if not bound and root != "module" else ref)
                elif root in ("var", "local") and steps and steps[0][0] == "a":
                    value = scope.variables.get(steps[0][1]) if root == "var" else scope.local(steps[0][1])
                    refs.extend(_refs_of(value))
            _push_step_indexes(steps, bound, stack)
        elif kind == "T":
            stack.extend((p, bound) for p in cur[1] if not isinstance(p, str))
        elif kind == "TI":
            stack.append((cur[1], bound))
            stack.extend((p, bound) for p in cur[2] + cur[3] if not isinstance(p, str))
        elif kind == "TF":
            inner = bound | {n for n in cur[1:3] if n}
            stack.append((cur[3], bound))
            stack.extend((p, inner) for p in cur[4] if not isinstance(p, str))
        elif kind == "F":
            inner = bound | {n for n in cur[1:3] if n}
            stack.append((cur[3], bound))
            stack.extend((n, inner) for n in cur[4:7] if n is not None)
        elif kind == "X":
            stack.extend((t, bound) for t in cur[2])
        elif kind == "S":
            stack.append((cur[1], bound))
            _push_step_indexes(cur[2], bound, stack)
        elif kind == "O":
            for k, v in cur[1]:
                stack.extend(((k, bound), (v, bound)))
        elif kind == "U":
            stack.extend((n, bound) for n in cur[1])
        elif kind == "C":
            stack.extend((n, bound) for n in cur[2])
        elif kind == "Q":
            stack.extend((n, bound) for n in cur[1:4])
        elif kind == "B":
            stack.extend((n, bound) for n in cur[2:4])
        elif kind == "N":
            stack.append((cur[2], bound))
    return refs


def contains_unknown(value: Any) -> bool:
    """Whether any part is unknown. A value too large to walk (parts can be shared, so a small expression can
    describe an enormous one) counts as unknown."""
    return _walk(value) != "known"


def _refs_of(value: Any) -> list[Ref]:
    """The references held inside a value, walking a bounded number of parts (parts can be shared, so a small
    expression can describe an enormous value)."""
    out: list[Ref] = []
    stack = [value]
    seen = 0
    while stack and seen < fn.SIZES.elements:
        seen += 1
        v = stack.pop()
        if isinstance(v, Unknown):
            out.extend(v.refs)
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return out


def _walk(value: Any) -> str:
    """"known", "unknown" (some part is) or "too-large" (more parts than a budget allows)."""
    stack = [value]
    seen = 0
    while stack:
        seen += 1
        if seen > fn.SIZES.elements * 10:
            return "too-large"
        v = stack.pop()
        if isinstance(v, Unknown):
            return "unknown"
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return "known"


def _is_index(key: Any) -> bool:
    try:
        return isinstance(fn.to_number(key), int)
    except fn.FunctionError:
        return False
