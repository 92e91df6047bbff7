"""Terraform's pure built-in functions, on the evaluator's plain values, with Terraform's results.

Values are None, bool, int, float, str, list, dict and `Unknown`. Sets are lists (Terraform orders a set of
strings lexically and a set of numbers numerically, and so do these functions); tuples are lists, objects are dicts.
Whole numbers are ints (Terraform prints `3`, never `3.0`).

A function raises `FunctionError` where Terraform reports an error and `TooBig` where a result would pass the
budgets below; the evaluator turns both into unknowns. Nothing here runs code from the scanned tree: `format` is
a verb interpreter, never Python's `str.format`; regular expressions with nested quantifiers are refused (Python's
engine backtracks, Terraform's RE2 does not).
"""

from __future__ import annotations

import base64
import json
import math
import re
from decimal import Decimal
from typing import Any, Callable

from agentlint.values import Unknown

MAX_ELEMENTS = 100_000
MAX_STRING = 1_000_000
MAX_FORMAT_WIDTH = 10_000
MAX_REGEX_INPUT = 100_000


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
    if isinstance(v, str) and len(v) > MAX_STRING:
        raise TooBig("string too long")
    if isinstance(v, (list, dict)) and len(v) > MAX_ELEMENTS:
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
        if len(out) > MAX_ELEMENTS:
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
        if total > MAX_ELEMENTS:
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
    if (limit - start) / step > MAX_ELEMENTS:
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


# -- strings --------------------------------------------------------------------------------------------------


def _join(sep: Any, *lists: Any) -> str:
    if not lists:
        raise FunctionError("join needs a list")
    items = [x for lst in lists for x in _list(lst)]
    if any(x is None for x in items):
        raise FunctionError("null in join")
    return check_size(to_str(sep).join(to_str(x) for x in items))


def _split(sep: Any, s: Any) -> list:
    sep, s = to_str(sep), to_str(s)
    if sep == "":
        return list(s)
    return s.split(sep)


def _go_replacement(rep: str) -> str:
    """Go's regexp replacement template ($1, ${name}, $$) -> Python's."""
    out = []
    i = 0
    while i < len(rep):
        ch = rep[i]
        if ch == "$" and i + 1 < len(rep):
            if rep[i + 1] == "$":
                out.append("$")
                i += 2
                continue
            m = re.match(r"\{(\w+)\}|(\w+)", rep[i + 1:])
            if m:
                out.append(f"\\g<{m[1] or m[2]}>")
                i += 1 + m.end()
                continue
        out.append("\\\\" if ch == "\\" else ch)
        i += 1
    return "".join(out)


def _replace(s: Any, sub: Any, rep: Any) -> str:
    s, sub, rep = to_str(s), to_str(sub), to_str(rep)
    if len(sub) >= 2 and sub.startswith("/") and sub.endswith("/"):
        pattern = _compile(sub[1:-1])
        return check_size(pattern.sub(_go_replacement(rep), _regex_input(s)))
    if len(s) * max(1, len(rep)) > MAX_STRING * 4 and sub in s:
        raise TooBig("string too long")
    return check_size(s.replace(sub, rep))


# Nested quantifiers (`(a+)+`, `(a*)*`) can make a backtracking engine run for ever; RE2 has no such case.
_NESTED_QUANTIFIER = re.compile(r"\([^()]*[*+}?][^()]*\)\s*[*+{]")


def _compile(pattern: str) -> re.Pattern:
    if _NESTED_QUANTIFIER.search(pattern) or len(pattern) > 1000:
        raise TooBig("regular expression not evaluated (nested quantifiers)")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise FunctionError(f"invalid regular expression: {exc}") from None


def _regex_input(s: str) -> str:
    if len(s) > MAX_REGEX_INPUT:
        raise TooBig("regex input too long")
    return s


def _match_value(pattern: re.Pattern, m: re.Match) -> Any:
    if pattern.groupindex:
        return {name: m.group(name) for name in pattern.groupindex}
    if pattern.groups:
        return list(m.groups())
    return m.group(0)


def _regex(pattern: Any, s: Any) -> Any:
    p = _compile(to_str(pattern))
    m = p.search(_regex_input(to_str(s)))
    if m is None:
        raise FunctionError("pattern did not match")
    return _match_value(p, m)


def _regexall(pattern: Any, s: Any) -> list:
    p = _compile(to_str(pattern))
    return check_size([_match_value(p, m) for m in p.finditer(_regex_input(to_str(s)))])


def _trim(s: Any, cutset: Any) -> str:
    return to_str(s).strip(to_str(cutset)) if to_str(cutset) else to_str(s)


def _trimprefix(s: Any, prefix: Any) -> str:
    s, prefix = to_str(s), to_str(prefix)
    return s[len(prefix):] if prefix and s.startswith(prefix) else s


def _trimsuffix(s: Any, suffix: Any) -> str:
    s, suffix = to_str(s), to_str(suffix)
    return s[:-len(suffix)] if suffix and s.endswith(suffix) else s


def _substr(s: Any, offset: Any, length: Any) -> str:
    s = to_str(s)
    off, n = _int(offset), _int(length)
    if off < 0:
        off += len(s)
        if off < 0:
            raise FunctionError("offset out of range")
    if off > len(s):
        raise FunctionError("offset out of range")
    if n < 0:
        return s[off:]
    return s[off:off + n]


def _each_char(s: str, change: Callable[[str], str]) -> str:
    # Go maps one character to one character: "ß" stays "ß" in upper case (Python would write "SS").
    return "".join(c2 if len(c2 := change(c)) == 1 else c for c in s)


def _basename(path: Any) -> str:
    text = to_str(path)
    if text == "":
        return "."
    stripped = text.rstrip("/")
    return stripped.rsplit("/", 1)[-1] if stripped else "/"


def _dirname(path: Any) -> str:
    text = to_str(path)
    import posixpath

    if "/" not in text:
        return "."
    head = text[:text.rfind("/") + 1]
    return posixpath.normpath(head) if head.strip("/") else "/"


def _title(s: Any) -> str:
    # Go's strings.Title: a letter after a non-letter (or at the start) is upper-cased; the rest is kept.
    out = []
    prev_letter = False
    for ch in to_str(s):
        out.append(ch.upper() if not prev_letter and ch.isalpha() else ch)
        prev_letter = ch.isalpha() or ch.isdigit() or ch == "_" or ch == "'"
    return "".join(out)


def _indent(n: Any, s: Any) -> str:
    pad = " " * _int(n)
    if len(pad) > MAX_FORMAT_WIDTH:
        raise TooBig("indent too wide")
    lines = to_str(s).split("\n")
    return check_size("\n".join([lines[0]] + [pad + ln for ln in lines[1:]]))


def _chomp(s: Any) -> str:
    return re.sub(r"(?:\r\n|\n)+\Z", "", to_str(s))


def _base64decode(s: Any) -> str:
    try:
        return base64.b64decode(to_str(s), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise FunctionError("invalid base64") from None


# -- format ---------------------------------------------------------------------------------------------------

_VERB = re.compile(r"%(?:\[(\d+)\])?([-+ 0#]*)(\d+)?(?:\.(\d+))?(.)", re.S)


def _format(fmt: Any, *args: Any) -> str:
    """Terraform's `format` verbs, interpreted here: the format string is never handed to Python's formatting."""
    fmt = to_str(fmt)
    out: list[str] = []
    pos = 0
    next_arg = 0
    size = 0
    for m in _VERB.finditer(fmt):
        out.append(fmt[pos:m.start()])
        pos = m.end()
        explicit, flags, width, precision, verb = m.groups()
        if verb == "%" and not (explicit or flags or width or precision):
            out.append("%")
            continue
        if explicit:
            next_arg = int(explicit) - 1
        if next_arg >= len(args) or next_arg < 0:
            raise FunctionError("not enough arguments for format")
        value = args[next_arg]
        next_arg += 1
        w = int(width) if width else 0
        p = int(precision) if precision is not None else None
        if w > MAX_FORMAT_WIDTH or (p or 0) > MAX_FORMAT_WIDTH:
            raise TooBig("format width too large")
        text = _format_verb(verb, flags, p, value)
        if len(text) < w:
            if "-" in flags:
                text = text + " " * (w - len(text))
            elif "0" in flags and verb in "dfeEgGxXbo" and is_number(to_number(value) if verb not in "xX" or not isinstance(value, str) else value):
                sign = text[0] if text[:1] in "+- " else ""
                text = sign + "0" * (w - len(text)) + text[len(sign):]
            else:
                text = " " * (w - len(text)) + text
        size += len(text)
        if size > MAX_STRING:
            raise TooBig("string too long")
        out.append(text)
    out.append(fmt[pos:])
    return check_size("".join(out))


def _format_verb(verb: str, flags: str, precision: Any, value: Any) -> str:
    if verb == "v":
        if isinstance(value, (list, dict)) or value is None:
            return _json_text(value) if value is not None else "null"
        return to_str(value)
    if verb == "s":
        if value is None:
            raise FunctionError("null value for %s")
        text = to_str(value)
        return text[:precision] if precision is not None else text
    if verb == "q":
        return _go_quote(to_str(value))
    if verb == "t":
        return "true" if to_bool(value) else "false"
    number = to_number(value)
    sign = "+" if "+" in flags else " " if " " in flags else ""
    if verb in "dboxX":
        if not isinstance(number, int):
            raise FunctionError(f"%{verb} needs a whole number")
        body = {"d": "d", "b": "b", "o": "o", "x": "x", "X": "X"}[verb]
        text = format(abs(number), body)
        if "#" in flags and verb in "xX":
            text = ("0x" if verb == "x" else "0X") + text
        return ("-" if number < 0 else sign) + text
    if verb in "fFeEgG":
        p = 6 if precision is None and verb in "fFeE" else precision
        if verb in "gG" and p is None:
            text = num_str(abs(number))
        else:
            text = format(Decimal(repr(float(abs(number)))) if verb in "fF" else abs(float(number)), f".{p}{verb}")
            if verb in "eE":
                text = re.sub(r"([eE][-+])(\d)$", r"\g<1>0\2", text)
        return ("-" if number < 0 else sign) + text
    raise FunctionError(f"unsupported format verb %{verb}")


def _go_quote(s: str) -> str:
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _formatlist(fmt: Any, *args: Any) -> list:
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise FunctionError("list arguments differ in length")
    if not lengths:
        return [_format(fmt, *args)]
    n = lengths.pop()
    out = [_format(fmt, *[a[i] if isinstance(a, list) else a for a in args]) for i in range(n)]
    if sum(len(x) for x in out) > MAX_STRING:
        raise TooBig("string too long")
    return out


# -- JSON and YAML --------------------------------------------------------------------------------------------


def _json_text(value: Any) -> str:
    """Terraform's JSON: keys sorted, no spaces, `<`, `>`, `&` escaped as Go escapes them, whole numbers bare."""
    parts: list[str] = []
    size = [0]

    def emit(v: Any) -> None:
        # Values can share parts ([x, x] nested 40 times): count as we go, never after.
        size[0] += 1
        if size[0] > MAX_STRING:
            raise TooBig("value too large to encode")
        if v is None:
            parts.append("null")
        elif isinstance(v, bool):
            parts.append("true" if v else "false")
        elif is_number(v):
            parts.append(num_str(v))
        elif isinstance(v, str):
            parts.append(_json_string(v))
        elif isinstance(v, list):
            parts.append("[")
            for i, x in enumerate(v):
                if i:
                    parts.append(",")
                emit(x)
            parts.append("]")
        elif isinstance(v, dict):
            parts.append("{")
            for i, k in enumerate(sorted(v)):
                if i:
                    parts.append(",")
                parts.append(_json_string(k))
                parts.append(":")
                emit(v[k])
            parts.append("}")
        else:
            raise FunctionError("value cannot be encoded")

    emit(value)
    return check_size("".join(parts))


def _json_string(s: str) -> str:
    text = json.dumps(s, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def jsonencode(value: Any) -> Any:
    return JSONText(_json_text(value), value)


def _normalize_decoded(v: Any) -> Any:
    if isinstance(v, float):
        return num(v)
    if isinstance(v, list):
        return [_normalize_decoded(x) for x in v]
    if isinstance(v, dict):
        return {k: _normalize_decoded(x) for k, x in v.items()}
    return v


def _jsondecode(s: Any) -> Any:
    if isinstance(s, JSONText):
        return s.decoded
    try:
        return _normalize_decoded(json.loads(to_str(s)))
    except (json.JSONDecodeError, RecursionError):
        raise FunctionError("invalid JSON") from None


def _yamldecode(s: Any) -> Any:
    try:
        import yaml
    except ImportError:  # PyYAML is optional: without it the value is simply not decided
        raise TooBig("yaml not available") from None

    class Loader(yaml.SafeLoader):
        """Terraform reads YAML 1.1 booleans, `y` and `n` included (go-yaml's resolver)."""

    Loader.bool_values = {**yaml.SafeLoader.bool_values, "y": True, "n": False}
    Loader.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
                                      for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(
        r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
        list("yYnNtTfFoO"))
    text = to_str(s)
    if len(text) > MAX_STRING:
        raise TooBig("yaml too long")
    try:
        loader = Loader(text)
        try:
            value = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError:
        raise FunctionError("invalid YAML") from None
    return _yaml_value(value)


def _yaml_value(v: Any) -> Any:
    if isinstance(v, float):
        return num(v)
    if isinstance(v, list):
        return [_yaml_value(x) for x in v]
    if isinstance(v, dict):
        return {to_str(k) if not isinstance(k, str) else k: _yaml_value(x) for k, x in v.items()}
    if v is None or isinstance(v, (bool, int, str)):
        return v
    return str(v)  # dates and other YAML types Terraform reads as strings


def _yamlencode(value: Any) -> str:
    """Terraform's yamlencode layout: block style, keys sorted, strings double-quoted."""
    lines: list[str] = []

    def scalar(v: Any) -> str:
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "true" if v else "false"
        if is_number(v):
            return num_str(v)
        return _json_string_plain(v)

    def emit(v: Any, indent: str, lead: str) -> None:
        # lead: text before the value on its first line ("- " or "key: ")
        if len(lines) > MAX_ELEMENTS or len(indent) > MAX_FORMAT_WIDTH:
            raise TooBig("value too large to encode")
        if isinstance(v, dict) and v:
            first = True
            for k in sorted(v):
                prefix = lead if first else indent
                first = False
                item = v[k]
                if isinstance(item, dict) and item:
                    lines.append(f"{prefix}{_json_string_plain(k)}:")
                    emit(item, indent + "  ", indent + "  ")
                elif isinstance(item, list) and item:
                    lines.append(f"{prefix}{_json_string_plain(k)}:")
                    emit(item, indent, indent)
                else:
                    lines.append(f"{prefix}{_json_string_plain(k)}: {flow(item)}")
        elif isinstance(v, list) and v:
            first = True
            for item in v:
                prefix = lead if first else indent
                first = False
                if (isinstance(item, (dict, list))) and item:
                    emit(item, indent + "  ", prefix + "- ")
                else:
                    lines.append(f"{prefix}- {flow(item)}")
        else:
            lines.append(f"{lead}{flow(v)}")

    def flow(v: Any) -> str:
        if isinstance(v, dict):
            return "{}"
        if isinstance(v, list):
            return "[]"
        return scalar(v)

    emit(value, "", "")
    return check_size("\n".join(lines) + "\n")


def _json_string_plain(s: str) -> str:
    return '"' + json.dumps(s, ensure_ascii=False)[1:-1] + '"'


# -- the table ------------------------------------------------------------------------------------------------


def _tostring(v: Any) -> Any:
    if v is None:
        return None
    return to_str(v)


def _tonumber(v: Any) -> Any:
    return None if v is None else to_number(v)


def _tobool(v: Any) -> Any:
    return None if v is None else to_bool(v)


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
}

# Functions that decide their result themselves when an argument is (or holds) an unknown: Terraform still knows
# a list's length when its elements are unknown, and concat/flatten/compact keep unknown elements (with their
# references) in place. Every other function returns an unknown as soon as any argument holds one.
UNKNOWN_TOLERANT = {"concat", "merge", "tolist", "toset", "flatten", "distinct", "compact", "length", "keys"}
