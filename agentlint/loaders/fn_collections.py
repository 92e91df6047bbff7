"""Terraform's collection and number functions (concat, merge, flatten, lookup, setproduct, range, sum...)."""

from __future__ import annotations

from typing import Any

from agentlint.loaders.fn_values import (
    SIZES,
    FunctionError,
    TooBig,
    _int,
    _list,
    _map,
    _unify_list,
    num,
    set_of,
    tf_equal,
    to_number,
    to_str,
)
from agentlint.values import Unknown

# -- collections ----------------------------------------------------------------------------------------------


def _concat(*lists: Any) -> list:
    # An unknown argument stays in the result as one unknown element: its references must not be lost.
    out: list = []
    for item in lists:
        if isinstance(item, Unknown):
            out.append(item)
        else:
            out.extend(_list(item))
    return out


def _merge(*maps: Any) -> Any:
    out: dict = {}
    for item in maps:
        if isinstance(item, Unknown):
            return Unknown("merge(...)", item.refs)
        if item is None:
            continue
        out.update(_map(item))
    return out


def _flatten(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    out: list = []
    for item in _list(value):
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
        if len(out) > SIZES.elements:
            raise TooBig("collection too large")
    return out


def _distinct(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    out: list = []
    for item in _list(value):
        if not any(tf_equal(item, x) if not isinstance(x, Unknown) else x == item for x in out):
            out.append(item)
    return out


def _compact(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    return [x for x in _list(value) if x not in (None, "")]


def _tolist(value: Any) -> Any:
    if isinstance(value, Unknown) or value is None:
        return value
    if any(isinstance(x, Unknown) for x in _list(value)):
        return list(value)
    return _unify_list(value)


def _toset(value: Any) -> Any:
    if isinstance(value, Unknown) or value is None:
        return value
    if any(isinstance(x, Unknown) for x in _list(value)):
        return _distinct(value)  # an unknown element keeps its place and its references
    return set_of(_unify_list(value))


def _tomap(value: Any) -> Any:
    if value is None:
        return None
    m = _map(value)
    values = _unify_list(list(m.values()))
    return dict(zip(m.keys(), values))


def _length(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, dict)):
        return len(value)  # elements may be unknown: the count is still known
    raise FunctionError("length of a value that has none")


def _keys(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    return sorted(_map(value))


def _values(value: Any) -> list:
    m = _map(value)
    return [m[k] for k in sorted(m)]


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    m = _map(mapping)
    key = to_str(key)
    if key in m:
        return m[key]
    if default:
        return default[0]
    raise FunctionError(f"no key {key!r}")


def _element(items: Any, index: Any) -> Any:
    items = _list(items)
    i = _int(index)
    if not items:
        raise FunctionError("element of an empty list")
    if i < 0:
        raise FunctionError("element with a negative index")
    return items[i % len(items)]


def _index(items: Any, value: Any) -> int:
    for i, item in enumerate(_list(items)):
        if tf_equal(item, value):
            return i
    raise FunctionError("item not found")


def _contains(items: Any, value: Any) -> bool:
    return any(tf_equal(x, value) for x in _list(items))


def _coalesce(*args: Any) -> Any:
    for arg in args:
        if arg is not None and arg != "":
            if isinstance(arg, str) or any(isinstance(a, str) for a in args if a is not None):
                return to_str(arg) if not isinstance(arg, (list, dict)) else arg
            return arg
    raise FunctionError("no non-null, non-empty argument")


def _coalescelist(*args: Any) -> Any:
    for arg in args:
        if _list(arg):
            return arg
    return []


def _one(value: Any) -> Any:
    items = _list(value)
    if len(items) > 1:
        raise FunctionError("more than one element")
    return items[0] if items else None


def _setproduct(*sets: Any) -> list:
    total = 1
    for s in sets:
        total *= len(_list(s))
        if total > SIZES.elements:
            raise TooBig("collection too large")
    if not sets:
        raise FunctionError("at least one argument")
    out: list = [[]]
    for s in sets:
        out = [prefix + [x] for prefix in out for x in s]
    return out


def _setunion(*sets: Any) -> list:
    return set_of([x for s in sets for x in _list(s)])


def _setintersection(first: Any, *rest: Any) -> list:
    return set_of([x for x in _list(first) if all(any(tf_equal(x, y) for y in _list(r)) for r in rest)])


def _setsubtract(a: Any, b: Any) -> list:
    return set_of([x for x in _list(a) if not any(tf_equal(x, y) for y in _list(b))])


def _zipmap(keys: Any, values: Any) -> dict:
    keys, values = _list(keys), _list(values)
    if len(keys) != len(values):
        raise FunctionError("keys and values differ in length")
    return {to_str(k): v for k, v in zip(keys, values)}


def _range(*args: Any) -> list:
    nums = [to_number(a) for a in args]
    if len(nums) == 1:
        start, limit, step = 0, nums[0], 1
    elif len(nums) == 2:
        start, limit, step = nums[0], nums[1], (1 if nums[1] >= nums[0] else -1)
    elif len(nums) == 3:
        start, limit, step = nums
    else:
        raise FunctionError("range takes one to three arguments")
    if step == 0:
        raise FunctionError("step must not be zero")
    if (limit - start) / step > SIZES.elements:
        raise TooBig("collection too large")
    out: list = []
    i = 0
    while True:
        v = num(start + i * step)
        if (step > 0 and v >= limit) or (step < 0 and v <= limit):
            return out
        out.append(v)
        i += 1


def _sort(items: Any) -> list:
    return sorted(to_str(x) for x in _list(items))


def _slice(items: Any, start: Any, end: Any) -> list:
    items = _list(items)
    s, e = _int(start), _int(end)
    if s < 0 or e > len(items) or s > e:
        raise FunctionError("slice index out of range")
    return items[s:e]


def _numbers(args: tuple) -> list:
    if len(args) == 1 and isinstance(args[0], list):
        raise FunctionError("min/max take numbers; use min(list...)")
    if not args:
        raise FunctionError("at least one argument")
    return [to_number(a) for a in args]


def _sum(items: Any) -> Any:
    items = _list(items)
    if not items:
        raise FunctionError("sum of an empty list")
    total: Any = 0
    for x in items:
        total = num(total + to_number(x))
    return total


def _chunklist(items: Any, size: Any) -> list:
    items = _list(items)
    n = _int(size)
    if n < 0:
        raise FunctionError("negative chunk size")
    if n == 0:
        return [items]
    return [items[i:i + n] for i in range(0, len(items), n)]


def _transpose(m: Any) -> dict:
    out: dict = {}
    for key in sorted(_map(m)):
        for v in _list(m[key]):
            out.setdefault(to_str(v), []).append(key)
    return out


def _matchkeys(values: Any, keys: Any, search: Any) -> list:
    values, keys = _list(values), _list(keys)
    if len(values) != len(keys):
        raise FunctionError("values and keys differ in length")
    return [v for v, k in zip(values, keys) if any(tf_equal(k, s) for s in _list(search))]
