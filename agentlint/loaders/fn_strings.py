"""Terraform's string functions (join, split, replace, regex, trim, substr, basename, indent...).

Regular expressions with nested quantifiers are refused: Python's engine backtracks, Terraform's RE2 does not."""

from __future__ import annotations

import base64
import re
from typing import Any, Callable

from agentlint.loaders.fn_values import (
    SIZES,
    MAX_FORMAT_WIDTH,
    MAX_REGEX_INPUT,
    FunctionError,
    TooBig,
    _int,
    _list,
    check_size,
    to_str,
)

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
    if len(s) * max(1, len(rep)) > SIZES.string * 4 and sub in s:
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
