"""Terraform's pure built-in functions, on the evaluator's plain values, with Terraform's results: the table of
names the evaluator calls.

Values are None, bool, int, float, str, list, dict and `Unknown`. Sets are lists (Terraform orders a set of
strings lexically and a set of numbers numerically, and so do these functions); tuples are lists, objects are dicts.
Whole numbers are ints (Terraform prints `3`, never `3.0`).

A function raises `FunctionError` where Terraform reports an error and `TooBig` where a result would pass the
budgets; the evaluator turns both into unknowns. Nothing here runs code from the scanned tree. The functions live
by family: fn_values (the value model, errors, budgets), fn_collections, fn_strings, fn_format, fn_encoding; their
names are importable from here as before.
"""

from __future__ import annotations

import base64
import math
from typing import Any, Callable

from agentlint.loaders.fn_values import (  # noqa: F401 (re-exported)
    MAX_ELEMENTS, MAX_STRING, MAX_FORMAT_WIDTH, MAX_REGEX_INPUT, SIZES, FunctionError, TooBig, JSONText, is_number, num,
    decimal, to_number, num_str, to_str, to_bool, check_size, tf_equal, set_of, _unify_list, _list, _map, _int)
from agentlint.loaders.fn_collections import (  # noqa: F401 (re-exported)
    _concat, _merge, _flatten, _distinct, _compact, _tolist, _toset, _tomap, _length, _keys, _values, _lookup,
    _element, _index, _contains, _coalesce, _coalescelist, _one, _setproduct, _setunion, _setintersection,
    _setsubtract, _zipmap, _range, _sort, _slice, _numbers, _sum, _chunklist, _transpose, _matchkeys)
from agentlint.loaders.fn_strings import (  # noqa: F401 (re-exported)
    _join, _split, _go_replacement, _replace, _NESTED_QUANTIFIER, _compile, _regex_input, _match_value, _regex,
    _regexall, _trim, _trimprefix, _trimsuffix, _substr, _each_char, _basename, _dirname, _title, _indent, _chomp,
    _base64decode)
from agentlint.loaders.fn_format import (  # noqa: F401 (re-exported)
    _VERB, _format, _format_verb, _go_quote, _formatlist)
from agentlint.loaders.fn_time import _timeadd
from agentlint.loaders.fn_encoding import (  # noqa: F401 (re-exported)
    _json_text, _json_string, jsonencode, _normalize_decoded, _jsondecode, _yamldecode, _yaml_value, _yamlencode,
    _json_string_plain, _tostring, _tonumber, _tobool)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    # collections
    "concat": _concat,
    "merge": _merge,
    "flatten": _flatten,
    "distinct": _distinct,
    "compact": _compact,
    "toset": _toset,
    "tolist": _tolist,
    "tomap": _tomap,
    "keys": _keys,
    "values": _values,
    "lookup": _lookup,
    "element": _element,
    "index": _index,
    "contains": _contains,
    "length": _length,
    "coalesce": _coalesce,
    "coalescelist": _coalescelist,
    "one": _one,
    "setproduct": _setproduct,
    "setunion": _setunion,
    "setintersection": _setintersection,
    "setsubtract": _setsubtract,
    "zipmap": _zipmap,
    "range": _range,
    "sort": _sort,
    "reverse": lambda items: list(reversed(_list(items))),
    "slice": _slice,
    "chunklist": _chunklist,
    "transpose": _transpose,
    "matchkeys": _matchkeys,
    "alltrue": lambda items: all(to_bool(x) for x in _list(items)),
    "anytrue": lambda items: any(to_bool(x) for x in _list(items)),
    # numbers
    "sum": _sum,
    "min": lambda *args: min(_numbers(args)),
    "max": lambda *args: max(_numbers(args)),
    "abs": lambda v: num(abs(to_number(v))),
    "ceil": lambda v: math.ceil(to_number(v)),
    "floor": lambda v: math.floor(to_number(v)),
    "signum": lambda v: (to_number(v) > 0) - (to_number(v) < 0),
    "parseint": lambda s, base: int(to_str(s), _int(base)),
    # strings
    "format": _format,
    "formatlist": _formatlist,
    "join": _join,
    "split": _split,
    "replace": _replace,
    "lower": lambda s: _each_char(to_str(s), str.lower),
    "upper": lambda s: _each_char(to_str(s), str.upper),
    "title": _title,
    # Path functions that only read their argument (no file system): Go's filepath.Base / filepath.Dir on Linux.
    "basename": _basename,
    "dirname": _dirname,
    "trim": _trim,
    "trimspace": lambda s: to_str(s).strip(" \t\n\r\v\f\u0085\u00a0"),
    "trimprefix": _trimprefix,
    "trimsuffix": _trimsuffix,
    "startswith": lambda s, p: to_str(s).startswith(to_str(p)),
    "endswith": lambda s, p: to_str(s).endswith(to_str(p)),
    "substr": _substr,
    "strrev": lambda s: to_str(s)[::-1],
    "indent": _indent,
    "chomp": _chomp,
    "regex": _regex,
    "regexall": _regexall,
    # encodings and conversions
    "jsonencode": jsonencode,
    "jsondecode": _jsondecode,
    "yamlencode": _yamlencode,
    "yamldecode": _yamldecode,
    "base64encode": lambda s: base64.b64encode(to_str(s).encode("utf-8")).decode("ascii"),
    "base64decode": _base64decode,
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    # time: timeadd of a date written in the code (timestamp() is the apply's time and stays unknown)
    "timeadd": _timeadd,
}

# Functions that decide their result themselves when an argument is (or holds) an unknown: Terraform still knows
# a list's length when its elements are unknown, and concat/flatten/compact keep unknown elements (with their
# references) in place. Every other function returns an unknown as soon as any argument holds one.
UNKNOWN_TOLERANT = {"concat", "merge", "tolist", "toset", "flatten", "distinct", "compact", "length", "keys"}
