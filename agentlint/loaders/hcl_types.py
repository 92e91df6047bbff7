"""A variable's `type` constraint applied to the value it receives, as Terraform converts it.

Terraform converts a variable's value (default, tfvars or module argument) to its declared type: attributes an
object type does not declare are dropped, `optional(type, default)` attributes that are missing or null take their
default (nested objects, lists and maps of objects included, and defaults get their own nested defaults), missing
optional attributes without a default become null, and primitives convert (`list(string)` turns 1 into "1").
Policies are often built from such objects, so a default `actions = optional(list(string), ["s3:*"])` must be
seen. Anything not understood is left as it is; an unknown stays unknown.
"""

from __future__ import annotations

from typing import Any, Optional

from agentlint.loaders import hcl_functions as fn
from agentlint.values import Unknown

_MAX_DEPTH = 64


def apply_type_defaults(type_node: Optional[tuple], value: Any) -> Any:
    """The value converted to the type constraint `type_node` (an expression AST), defaults applied."""
    if type_node is None:
        return value
    try:
        return _convert(type_node, value, 0)
    except (fn.FunctionError, fn.TooBig, RecursionError):
        return value


def _convert(t: tuple, value: Any, depth: int) -> Any:
    if depth > _MAX_DEPTH or isinstance(value, Unknown) or value is None:
        return value
    kind = t[0]
    if kind == "R" and not t[2]:  # a bare type keyword
        name = t[1]
        if name == "string" and not isinstance(value, (list, dict)):
            return fn.to_str(value)
        if name == "number" and not isinstance(value, (list, dict)):
            return fn.to_number(value)
        if name == "bool" and not isinstance(value, (list, dict)):
            return fn.to_bool(value)
        return value
    if kind != "C" or len(t[2]) < 1:
        return value
    name, args = t[1], t[2]
    if name == "object" and args[0][0] == "O" and isinstance(value, dict):
        return _object(args[0], value, depth)
    if name in ("list", "set") and isinstance(value, list):
        items = [_convert(args[0], x, depth + 1) for x in value]
        if name == "set" and not any(isinstance(x, Unknown) for x in items):
            return fn.set_of(items)
        return items
    if name == "map" and isinstance(value, dict):
        return {k: _convert(args[0], v, depth + 1) for k, v in value.items()}
    if name == "tuple" and args[0][0] == "U" and isinstance(value, list) and len(args[0][1]) == len(value):
        return [_convert(et, x, depth + 1) for et, x in zip(args[0][1], value)]
    return value


def _object(spec: tuple, value: dict, depth: int) -> dict:
    out: dict = {}
    for key_node, attr_type in spec[1]:
        if key_node[0] != "L" or not isinstance(key_node[1], str):
            return value  # a computed attribute name: not a type Terraform accepts; leave the value alone
        attr = key_node[1]
        optional = attr_type[0] == "C" and attr_type[1] == "optional" and attr_type[2]
        inner = attr_type[2][0] if optional else attr_type
        given = value.get(attr)
        if given is not None:
            out[attr] = _convert(inner, given, depth + 1)
        elif optional and len(attr_type[2]) > 1:
            out[attr] = _convert(inner, _literal(attr_type[2][1]), depth + 1)
        elif optional or attr in value:
            out[attr] = None
        # a required attribute that is missing: Terraform rejects the value; nothing is made up here
    return out


def _literal(node: tuple) -> Any:
    """An `optional()` default: a constant expression (Terraform allows nothing else there)."""
    from agentlint.loaders.hcl_eval import Scope, evaluate

    return evaluate(node, Scope("", "", "", {}, {}))
