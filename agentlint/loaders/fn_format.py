"""Terraform's `format` and `formatlist`: a verb interpreter (Go's fmt verbs), never Python's `str.format`."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from agentlint.loaders.fn_encoding import _json_text
from agentlint.loaders.fn_values import (
    SIZES,
    MAX_FORMAT_WIDTH,
    FunctionError,
    TooBig,
    check_size,
    is_number,
    num_str,
    to_bool,
    to_number,
    to_str,
)

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
        if size > SIZES.string:
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
    if sum(len(x) for x in out) > SIZES.string:
        raise TooBig("string too long")
    return out
