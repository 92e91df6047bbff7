"""Terragrunt files parsed without hcl_ast's pruning: their `terraform`, `include` and `locals` blocks and
`inputs`, expressions unevaluated."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Optional

from agentlint.loaders.parsed import Block

# -- parsing -------------------------------------------------------------------------------------------------


@dataclass
class _Config:
    """One parsed Terragrunt file, expressions unevaluated."""

    path: str
    locals_ast: dict[str, tuple] = field(default_factory=dict)
    inputs_ast: Optional[tuple] = None
    source_ast: Optional[tuple] = None
    source_line: Optional[int] = None
    terraform_line: Optional[int] = None
    includes: list[Block] = field(default_factory=list)


def _parse_unpruned(text: str, path: str, max_nesting: int):
    """hcl_ast.parse_hcl without its pruning: Terragrunt's `terraform` and `include` blocks carry what we need."""
    from lark import Tree

    from agentlint.loaders import hcl_ast

    tree, text = hcl_ast.parse_tree(text)  # read as Terraform and Terragrunt read it (heredoc markers, continuations)
    converter = hcl_ast._Converter(text, max_nesting)
    body = tree.children[0]
    attrs: dict[str, tuple] = {}
    attr_lines: dict[str, int] = {}
    with _recursion_room(max_nesting):
        for c in body.children:
            if isinstance(c, Tree) and c.data == "attribute":
                name = hcl_ast._tokens_text(c.children[0]).strip().strip('"')
                attrs[name] = converter.expr(c.children[-1])
                attr_lines[name] = c.meta.line
        blocks = converter.body_blocks(body)
    return attrs, attr_lines, blocks


class _recursion_room:
    """Each nesting level costs a few Python frames (parse, rewrite, evaluate)."""

    def __init__(self, max_nesting: int):
        self.needed = max_nesting * 8 + 500

    def __enter__(self):
        self.previous = sys.getrecursionlimit()
        if self.needed > self.previous:
            sys.setrecursionlimit(self.needed)

    def __exit__(self, *exc):
        if self.needed > self.previous:
            sys.setrecursionlimit(self.previous)
