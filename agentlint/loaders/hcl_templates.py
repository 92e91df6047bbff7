"""String templates and heredocs -> template parts (see hcl_ast for the node shapes).

python-hcl2 keeps a heredoc as one token: its interpolations and `%{ if }` / `%{ for }` directives are read here,
with Terraform's strip markers (`~`) and `<<-` indentation rules. `TemplateConverter` is the part of the parse tree
converter (hcl_ast._Converter) that handles strings; it asks the converter for expressions (`self.expr`,
`self.parse_expression`).
"""

from __future__ import annotations

import re
from typing import Optional

from hcl2.utils import process_escape_sequences
from lark import Token, Tree
from lark.exceptions import LarkError


def _tokens_text(node) -> str:
    if isinstance(node, Token):
        return str(node)
    return "".join(_tokens_text(c) for c in node.children)


class TemplateConverter:
    def e_string(self, node: Tree) -> tuple:
        parts = self.string_parts(node)
        if all(isinstance(p, str) for p in parts):
            return ("L", "".join(parts))
        return ("T", parts)

    def string_parts(self, node: Tree) -> list:
        flat: list = []
        for part in node.children:
            if not isinstance(part, Tree):
                continue
            inner = part.children[0]
            if isinstance(inner, Token):
                if inner.type == "STRING_CHARS":
                    flat.append(process_escape_sequences(str(inner)))
                elif inner.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                    flat.append(str(inner)[1:])
                else:
                    flat.append(str(inner))
            elif inner.data == "interpolation":
                flat.append(self.expr(self._trees(inner)[0]))
            else:
                flat.append(self._directive(inner))
        _merge_strings(flat)
        _apply_strip_markers(flat)
        parts = _nest_template(flat)
        if parts is None:  # unbalanced directives: Terraform rejects the file; keep the references
            return [("X", self.text(node), self.traversals(node))]
        return parts

    def _directive(self, node: Tree) -> tuple:
        """A flat directive marker; `_nest_template` turns the sequence into if/for parts."""
        tokens = [c for c in node.children if isinstance(c, Token)]
        strip_left = len(tokens) > 1 and tokens[1].type == "STRIP_MARKER"
        strip_right = len(tokens) > 1 and tokens[-2].type == "STRIP_MARKER"
        trees = self._trees(node)
        if node.data == "template_if_start":
            return ("%if", strip_left, strip_right, self.expr(trees[0]))
        if node.data == "template_for_start":
            names = [_tokens_text(t).strip() for t in trees if t.data == "identifier"]
            coll = self.expr([t for t in trees if t.data != "identifier"][0])
            key, value = (names[0], names[1]) if len(names) == 2 else (None, names[0])
            return ("%for", strip_left, strip_right, key, value, coll)
        word = {"template_else": "%else", "template_endif": "%endif", "template_endfor": "%endfor"}[node.data]
        return (word, strip_left, strip_right)

    def e_template_string(self, node: Tree) -> tuple:
        return ("L", str(node.children[0])[2:-2])

    def e_heredoc_template(self, node: Tree, trim: bool = False) -> tuple:
        raw = str(node.children[0])
        first_nl = raw.index("\n")
        marker = raw[2 + trim:first_nl].strip()
        body = raw[first_nl + 1:].rstrip("\r\n")
        lines = body.split("\n")
        if lines and lines[-1].strip() == marker:
            lines = lines[:-1]
        text = "\n".join(ln.rstrip("\r") for ln in lines) + ("\n" if lines else "")
        return self.template_from_text(text, dedent=trim)

    def e_heredoc_template_trim(self, node: Tree) -> tuple:
        return self.e_heredoc_template(node, trim=True)

    def template_from_text(self, text: str, dedent: bool = False) -> tuple:
        """Split a heredoc's text into literal text, `${...}` interpolations and `%{...}` directives. Literal
        text is kept as one token a line, as HCL's scanner gives it: strip markers and `<<-` act on tokens."""
        flat: list = []
        i = 0
        n = len(text)
        buf: list[str] = []
        while i < n:
            if text.startswith("$${", i) or text.startswith("%%{", i):
                buf.append(text[i + 1:i + 3])
                i += 3
                continue
            if text.startswith("${", i) or text.startswith("%{", i):
                end = _matching_brace(text, i + 2)
                if end < 0:
                    return ("X", text, [])
                if buf:
                    flat.extend(_LINE_TOKENS.findall("".join(buf)))
                    buf = []
                item = self._heredoc_item(text[i], text[i + 2:end])
                if item is None:
                    return ("X", text, [])
                flat.append(item)
                i = end + 1
                continue
            buf.append(text[i])
            i += 1
        if buf:
            flat.extend(_LINE_TOKENS.findall("".join(buf)))
        _apply_strip_markers(flat)
        if dedent:
            _dedent(flat)
        parts = _nest_template(flat)
        if parts is None:
            return ("X", text, [])
        if all(isinstance(p, str) for p in parts):
            return ("L", "".join(parts))
        return ("T", parts)

    def _heredoc_item(self, sigil: str, inner: str) -> Optional[tuple]:
        strip_left = inner.startswith("~")
        strip_right = inner.endswith("~") and len(inner) > strip_left
        body = inner[1 if strip_left else 0:len(inner) - (1 if strip_right else 0)].strip()

        def expr(src: str) -> tuple:
            try:
                return self.parse_expression(src)
            except (LarkError, StopIteration, RecursionError):
                return ("X", src, [])

        if sigil == "$":
            return ("%interp", strip_left, strip_right, expr(body))
        word = body.split(None, 1)[0] if body else ""
        if word in ("else", "endif", "endfor") and body == word:
            return ("%" + word, strip_left, strip_right)
        if word == "if":
            return ("%if", strip_left, strip_right, expr(body[2:]))
        match = _FOR_DIRECTIVE.match(body)
        if match:
            key, value = (match[1], match[2]) if match[2] else (None, match[1])
            return ("%for", strip_left, strip_right, key, value, expr(match[3]))
        return None


_LINE_TOKENS = re.compile(r"[^\n]*\n|[^\n]+")
_FOR_DIRECTIVE = re.compile(r"for\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\s+(.+)\Z", re.S)


def _apply_strip_markers(items: list) -> None:
    """Strip markers (`~`) remove the whitespace of the literal text next to them, newlines included."""
    for i, item in enumerate(items):
        if isinstance(item, tuple) and item[0].startswith("%"):
            if item[1] and i > 0 and isinstance(items[i - 1], str):
                items[i - 1] = items[i - 1].rstrip(" \t\r\n")
            if item[2] and i + 1 < len(items) and isinstance(items[i + 1], str):
                items[i + 1] = items[i + 1].lstrip(" \t\r\n")


def _dedent(items: list) -> None:
    """`<<-` heredocs lose the smallest indentation of their lines. As in HCL, this runs on the literal tokens
    (one a line) after strip markers were applied: a line that starts with an interpolation or directive counts
    as indentation 0, and a blank line does not count."""
    smallest: Optional[int] = None
    newline = True
    adjust: list[int] = []
    for i, item in enumerate(items):
        if newline:
            newline = False
            spaces: Optional[int] = 0
            if isinstance(item, str):
                trimmed = item.lstrip()
                if not trimmed and item.endswith("\n"):
                    spaces = None
                else:
                    spaces = len(item) - len(trimmed)
                    adjust.append(i)
            if spaces is not None:
                smallest = spaces if smallest is None else min(smallest, spaces)
        if isinstance(item, str) and item.endswith("\n"):
            newline = True
    for i in adjust:
        items[i] = items[i][smallest or 0:]


def _nest_template(flat: list) -> Optional[list]:
    """Flat template items (strip markers applied) -> parts with nested if/for directives; None when directives
    do not balance."""
    items = list(flat)
    # Each frame: (opening directive, parts of the current branch, parts of the then-branch once %else is seen)
    stack: list[list] = [[None, [], None]]
    for item in items:
        kind = item[0] if isinstance(item, tuple) else ""
        top = stack[-1]
        if isinstance(item, str):
            if item:
                top[1].append(item)
        elif kind == "%interp":
            top[1].append(item[3])
        elif kind in ("%if", "%for"):
            stack.append([item, [], None])
        elif kind == "%else":
            if top[0] is None or top[0][0] != "%if" or top[2] is not None:
                return None
            top[2], top[1] = top[1], []
        elif kind in ("%endif", "%endfor"):
            if top[0] is None or top[0][0] != kind.replace("end", ""):
                return None
            stack.pop()
            opening = top[0]
            if kind == "%endif":
                then, other = (top[2], top[1]) if top[2] is not None else (top[1], [])
                node = ("TI", opening[3], then, other)
            else:
                node = ("TF", opening[3], opening[4], opening[5], top[1])
            stack[-1][1].append(node)
        elif not kind.startswith("%"):
            top[1].append(item)
        else:
            return None
    if len(stack) != 1:
        return None
    parts = stack[0][1]
    _merge_strings(parts)
    return parts


def _merge_strings(parts: list) -> None:
    i = 0
    while i < len(parts) - 1:
        if isinstance(parts[i], str) and isinstance(parts[i + 1], str):
            parts[i] += parts.pop(i + 1)
        else:
            i += 1


def _matching_brace(text: str, start: int) -> int:
    depth = 1
    i = start
    in_str = False
    while i < len(text):
        ch = text[i]
        if in_str:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1
