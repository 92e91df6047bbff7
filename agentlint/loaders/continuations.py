"""Expressions continued on the next line inside brackets, which Terraform reads and python-hcl2 8.1 refuses.

Terraform ignores newlines inside parentheses and brackets, so real modules write (checked with Terraform 1.11):

    try                                   { for c in local.connections :
    (var.a, null)                           (c.tenant != "" ? c.tenant : c.stage)
                                            => c }
    length(try(var.node_config
      .containerd_config, []))

python-hcl2's grammar refuses a newline before `(` of a call, before `=>` and before `.attribute`, and the whole
file became a parse error. When (and only when) python-hcl2 refuses a file, the loader retries it with those
newlines replaced by a space; the newlines taken out are put back as blank lines at the end of the expression (the
first newline outside the brackets where they were removed), so every line after the expression keeps its number.
Strings, templates, heredocs and comments are copied unchanged.
"""

from __future__ import annotations

import re
from typing import Optional

from agentlint.loaders.heredocs import heredoc_end

_IDENT_END = re.compile(r"[A-Za-z0-9_-]$")
_SPECIAL = re.compile(r"[#/\"<()\[\]{}\n]")


def join_continuations(text: str) -> Optional[str]:
    """The text with continuation newlines joined, or None when it has none."""
    out: list[str] = []
    stack: list[str] = []
    joined = 0
    pending = 0  # newlines taken out, waiting for the end of their expression
    flush_below = 0  # ... which is the first newline at a bracket depth below this one
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#" or text.startswith("//", i):
            j = _line_end(text, i)
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif c == '"':
            j = _string_end(text, i)
        elif c == "<" and (end := heredoc_end(text, i)) is not None:
            j = end
        elif c == "\n" and stack and (skip := _continuation(text, i, stack, out)):
            out.append(" ")
            joined += 1
            pending += 1
            flush_below = len(stack) if pending == 1 else min(flush_below, len(stack))
            i = skip
            continue
        elif c in "([{)]}\n":
            if c in "([{":
                stack.append(c)
            elif c in ")]}" and stack:
                stack.pop()
            elif c == "\n" and pending and len(stack) < flush_below:
                out.append("\n" * pending)
                pending = 0
            out.append(c)
            i += 1
            continue
        else:  # a run of ordinary characters, copied at once (a refused file may be megabytes)
            found = _SPECIAL.search(text, i + 1)
            j = n if found is None else found.start()
        out.append(text[i:j])
        i = j
    return "".join(out) + "\n" * pending if joined else None


def _continuation(text: str, i: int, stack: list[str], out: list[str]) -> Optional[int]:
    """Where the next line's continuation token starts, when the newline at `i` is one to join."""
    j = i + 1
    while j < len(text) and text[j] in " \t\r":
        j += 1
    if text.startswith("=>", j):
        return j
    if stack[-1] == "{":  # inside an object a newline separates items: only `=>` continues one
        return None
    before = "".join(out[-3:]).rstrip(" \t\r")
    if text.startswith("(", j) and _IDENT_END.search(before):
        return j  # `try` / `(`: a call split after its name
    if text.startswith(".", j) and j + 1 < len(text) and (text[j + 1].isalpha() or text[j + 1] == "_"):
        return j  # `.attribute` on the next line
    return None


def _line_end(text: str, i: int) -> int:
    j = text.find("\n", i)
    return len(text) if j < 0 else j


def _string_end(text: str, i: int) -> int:
    """The end of the quoted string starting at `i` (templates with nested strings included); at a line end when
    it is not closed (the parser reports that)."""
    j, n = i + 1, len(text)
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
        elif c == '"':
            return j + 1
        elif c == "\n":
            return j
        elif text.startswith(("$${", "%%{"), j):
            j += 3
        elif text.startswith(("${", "%{"), j):
            j = _template_end(text, j + 2)
        else:
            j += 1
    return n


def _template_end(text: str, j: int) -> int:
    depth, n = 1, len(text)
    while j < n:
        c = text[j]
        if c == '"':
            j = _string_end(text, j)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return n
