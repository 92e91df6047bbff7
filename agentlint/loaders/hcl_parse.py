"""python-hcl2's parse tree of one file, read as Terraform reads it, and its syntax errors as agentlint
reports them (the token, redacted and shortened, with its line and column)."""

from __future__ import annotations

from hcl2.api import parses_to_tree
from lark import Tree
from lark.exceptions import LarkError

from agentlint.loaders.continuations import join_continuations
from agentlint.loaders.heredocs import close_heredoc_markers
from agentlint.loaders.parsed import HCLSyntaxError
from agentlint.values import redact


def parse_tree(text: str) -> tuple[Tree, str]:
    """python-hcl2's parse tree of a file, and the text it was parsed from (the converter's offsets point into it),
    for valid Terraform python-hcl2 refuses too: heredoc markers with trailing whitespace (always closed as Terraform
    closes them) and a call, `=>` or `.attr` continued on the next line inside brackets (joined only when the file
    is refused). Every line keeps its number. When the joined text fails too, its error is the one reported: the
    first may sit on a valid line."""
    text = close_heredoc_markers(text)
    try:
        return parses_to_tree(text), text
    except LarkError as exc:
        joined = join_continuations(text)
        tree, exc = _parse_or_error(joined, exc) if joined is not None else (None, exc)
        if tree is None:
            line = getattr(exc, "line", None)
            column = getattr(exc, "column", None)
            raise HCLSyntaxError(_syntax_message(exc), line if isinstance(line, int) and line > 0 else None,
                                 column if isinstance(column, int) and column > 0 else None) from None
        return tree, joined


def _parse_or_error(text: str, first: LarkError):
    try:
        return parses_to_tree(text), first
    except LarkError as exc:
        return None, exc


def _syntax_message(exc: LarkError) -> str:
    token = getattr(exc, "token", None)
    if token is not None:
        if str(token).startswith(("\n", "\r")):
            return "syntax error: unexpected end of line"
        shown = redact(str(token).split("\n", 1)[0])
        if len(shown) > 40:
            shown = shown[:37] + "..."
        return f"syntax error: unexpected {shown!r}" if shown else "syntax error: unexpected end of input"
    char = getattr(exc, "char", None)
    if char is not None:
        return f"syntax error: unexpected character {char!r}"
    return "syntax error"
