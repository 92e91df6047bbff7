"""Lines of the IAM policy statements written inside an attribute, so findings on a statement can point at it.

The expression AST keeps no lines, and `jsonencode({...})` and heredoc JSON are values by the time a rule sees
them. Read at parse time from the lark tree instead, for the two spellings whose statements can be counted without
evaluating anything: `jsonencode({... Statement = [{...}, ...]})` (a literal tuple, or one object) and a heredoc
holding a JSON policy. Statement i (as `iam.policy.from_json_object` numbers them) is at `lines[i]`. Anything else
(`concat(...)`, a `for`, a template directive) gives no lines: the finding falls back to the attribute's line.
"""

from __future__ import annotations

from typing import Optional

from lark import Token, Tree

from agentlint.loaders.parsed import statement_key


def statement_block_lines(blocks: list, attr_lines: dict[str, int]) -> None:
    """`statement` blocks of a policy document, numbered as a plan renders them (in order), unless a `dynamic`
    block generates some (then the numbers are not known before evaluation)."""
    statements = [b for b in blocks if b.type == "statement"]
    if statements and not any(b.type == "dynamic" and b.labels[:1] == ["statement"] for b in blocks):
        for i, b in enumerate(statements):
            attr_lines[statement_key("statement", i)] = b.start_line


def statement_lines(expr: Tree) -> Optional[list[int]]:
    """Lines of the statements of the policy an attribute's expression writes, or None."""
    node = _unwrap(expr)
    if isinstance(node, Tree) and node.data == "function_call":
        name = next((c for c in node.children if isinstance(c, Tree) and c.data == "identifier"), None)
        args = next((c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None)
        if name is None or args is None or _text(name) != "jsonencode":
            return None
        first = next((c for c in args.children if isinstance(c, Tree)), None)
        return _object_statements(_unwrap(first)) if first is not None else None
    if isinstance(node, Tree) and node.data in ("heredoc_template", "heredoc_template_trim"):
        token = next((c for c in node.children if isinstance(c, Token)), None)
        return _heredoc_statements(token) if token is not None else None
    if isinstance(node, Token) and node.type.startswith("HEREDOC"):
        return _heredoc_statements(node)
    return None


def _unwrap(node):
    """`expr_term` wrappers (and parentheses) around the one expression they hold."""
    while isinstance(node, Tree) and node.data == "expr_term":
        inner = [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
        if len(inner) != 1:
            break
        node = inner[0]
    return node


def _text(node) -> str:
    return "".join(str(t) for t in node.scan_values(lambda v: isinstance(v, Token))).strip().strip('"')


def _object_statements(obj) -> Optional[list[int]]:
    if not (isinstance(obj, Tree) and obj.data == "object"):
        return None
    for elem in obj.children:
        if not (isinstance(elem, Tree) and elem.data == "object_elem"):
            continue
        trees = [c for c in elem.children if isinstance(c, Tree)]
        if len(trees) < 2 or _text(trees[0]) != "Statement":
            continue
        value = _unwrap(trees[-1])
        if isinstance(value, Tree) and value.data == "object":
            return [value.meta.line]
        if isinstance(value, Tree) and value.data == "tuple":
            items = [_unwrap(c) for c in value.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
            if all(isinstance(i, Tree) and i.data == "object" for i in items):
                return [i.meta.line for i in items]
        return None
    return None


def _heredoc_statements(token: Token) -> Optional[list[int]]:
    text = str(token)
    if "%{" in text or "\n" not in text:
        return None
    body_start = text.index("\n") + 1  # the body starts on the line after `<<EOF`
    offsets = json_statement_offsets(text[body_start:])
    if offsets is None:
        return None
    first = token.line + 1
    body = text[body_start:]
    return [first + body.count("\n", 0, off) for off in offsets]


def json_statement_offsets(text: str) -> Optional[list[int]]:
    """Offsets of the elements of the top-level object's `Statement` array (or of the one `Statement` object) in a
    JSON text. A scanner of brackets and strings only: `${...}` interpolations and trailing commas do not matter."""
    i, n = 0, len(text)
    depth = 0
    key: Optional[str] = None
    expect_value = False
    while i < n:
        ch = text[i]
        if ch == '"':
            end = _string_end(text, i)
            if depth == 1 and not expect_value:
                key = text[i + 1:end]
            i = end + 1
            continue
        if ch == "$" and text.startswith("${", i):
            i = _interpolation_end(text, i) + 1
            continue
        if ch == ":" and depth == 1:
            expect_value = True
        elif ch == "," and depth == 1:
            expect_value, key = False, None
        elif ch in "[{":
            if depth == 1 and expect_value and key == "Statement":
                return [i] if ch == "{" else _array_elements(text, i)
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return None


def _array_elements(text: str, start: int) -> Optional[list[int]]:
    out: list[int] = []
    depth, i, n = 0, start, len(text)
    want = True  # the next non-blank character at depth 1 starts an element
    while i < n:
        ch = text[i]
        if depth == 1 and want and not ch.isspace() and ch not in ",]":
            if ch != "{":
                return None  # a statement that is not an object literal: cannot be counted
            out.append(i)
            want = False
        if ch == '"':
            i = _string_end(text, i) + 1
            continue
        if ch == "$" and text.startswith("${", i):
            i = _interpolation_end(text, i) + 1
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return out
        elif ch == "," and depth == 1:
            want = True
        i += 1
    return None


def _string_end(text: str, start: int) -> int:
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith("${", i):  # an interpolation may hold quotes of its own: "${format("%s", x)}"
            i = _interpolation_end(text, i) + 1
            continue
        if text[i] == '"':
            return i
        i += 1
    return len(text)


def _interpolation_end(text: str, start: int) -> int:
    depth, i = 0, start + 1
    while i < len(text):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)
