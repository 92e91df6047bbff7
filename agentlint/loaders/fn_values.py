"""Terraform's pure built-in functions: the value model they share (numbers, strings, booleans, equality, sets),
their errors and budgets. The functions themselves are in fn_collections, fn_strings, fn_format and fn_encoding;
hcl_functions holds the table of names.

Values are None, bool, int, float, str, list, dict and `Unknown`. Sets are lists (Terraform orders a set of
strings lexically and a set of numbers numerically, and so do these functions); tuples are lists, objects are dicts.
Whole numbers are ints (Terraform prints `3`, never `3.0`).

A function raises `FunctionError` where Terraform reports an error and `TooBig` where a result would pass the
budgets below; the evaluator turns both into unknowns. Nothing here runs code from the scanned tree: `format` is
a verb interpreter, never Python's `str.format`; regular expressions with nested quantifiers are refused (Python's
engine backtracks, Terraform's RE2 does not).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

MAX_ELEMENTS = 100_000
MAX_STRING = 1_000_000
MAX_FORMAT_WIDTH = 10_000
MAX_REGEX_INPUT = 100_000


class Sizes:
    """The size budgets a scan runs with: the defaults above, or `[limits]` max-string / max-elements (set once per
    scan by hcl_eval.configure_budgets; read at call time, so functions see the configured values)."""

    def __init__(self):
        self.elements = MAX_ELEMENTS
        self.string = MAX_STRING


SIZES = Sizes()


class FunctionError(Exception):
    """Terraform would stop with an error here."""


class TooBig(Exception):
    """The result would pass a budget (elements, string length, format width)."""


class JSONText(str):
    """`jsonencode` of a fully known value: Terraform's exact string, carrying the decoded object, so policy
    parsing can read it structurally without decoding it again."""

    decoded: Any

    def __new__(cls, text: str, decoded: Any) -> "JSONText":
        obj = super().__new__(cls, text)
        obj.decoded = decoded
        return obj


# -- numbers and strings --------------------------------------------------------------------------------------


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def num(v: Any) -> Any:
    """A whole number is an int (2e100 included, exactly as written); other numbers are floats."""
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise FunctionError("number out of range")
        if v == v.to_integral_value():
            return int(v)
        return num(float(v))  # 0.999... (160 nines) is 1 once rounded to what a plan can show
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise FunctionError("number out of range")
        if v.is_integer():
            return int(Decimal(repr(v)))
    return v


def decimal(v: Any) -> Decimal:
    """A number as a Decimal, from its shortest decimal form (0.1 is 0.1, not its binary approximation)."""
    if isinstance(v, Decimal):
        return v
    return Decimal(v) if isinstance(v, int) else Decimal(repr(v))


def to_number(v: Any) -> Any:
    if is_number(v):
        return num(v)
    if isinstance(v, str):
        text = v.strip()
        if re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", text) and text == v:
            value = float(text) if re.search(r"[.eE]", text) else int(text)
            return num(value)
    raise FunctionError(f"cannot convert {v!r} to number")


def num_str(v: Any) -> str:
    if isinstance(v, int):
        return str(v)
    v = num(v)
    if isinstance(v, int):
        return str(v)
    return format(Decimal(repr(v)), "f")


def to_str(v: Any) -> str:
    """Terraform's conversion of a primitive to string (templates, tostring, join)."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if is_number(v):
        return num_str(v)
    raise FunctionError("cannot convert to string")


def to_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if v in ("true", "false"):
        return v == "true"
    raise FunctionError(f"cannot convert {v!r} to bool")


def check_size(v: Any) -> Any:
    if isinstance(v, str) and len(v) > SIZES.string:
        raise TooBig("string too long")
    if isinstance(v, (list, dict)) and len(v) > SIZES.elements:
        raise TooBig("collection too large")
    return v


def tf_equal(a: Any, b: Any) -> bool:
    """Terraform's `==`: values of different types are never equal (1 != "1", 1 != true)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) or is_number(b):
        return is_number(a) and is_number(b) and num(a) == num(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(tf_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(tf_equal(a[k], b[k]) for k in a)
    if a is None or b is None:
        return a is None and b is None
    return isinstance(a, str) and isinstance(b, str) and a == b


def set_of(items: list) -> list:
    """Terraform's set: distinct, strings lexically and numbers numerically ordered; mixed primitives become strings."""
    out: list = []
    for item in items:
        if not any(tf_equal(item, x) for x in out):
            out.append(item)
    if not out:
        return out
    if all(isinstance(x, str) for x in out):
        return sorted(out)
    if all(is_number(x) for x in out) or all(isinstance(x, bool) for x in out):
        return sorted(out)
    if all(isinstance(x, (str, bool)) or is_number(x) for x in out):
        return set_of([to_str(x) for x in out])
    return out


def _unify_list(items: list) -> list:
    """A list needs one element type: mixed strings, numbers and bools become strings, as Terraform converts."""
    if any(isinstance(x, str) for x in items) and all(isinstance(x, (str, bool)) or is_number(x) or x is None for x in items):
        return [None if x is None else to_str(x) for x in items]
    return list(items)


def _list(v: Any) -> list:
    if isinstance(v, list):
        return v
    raise FunctionError("a list is required")


def _map(v: Any) -> dict:
    if isinstance(v, dict):
        return v
    raise FunctionError("a map or object is required")


def _int(v: Any) -> int:
    n = to_number(v)
    if not isinstance(n, int):
        raise FunctionError("a whole number is required")
    return n
