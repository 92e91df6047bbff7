"""HCL text -> blocks with line ranges and a small expression AST.

python-hcl2's dict API drops line numbers and turns `jsonencode({...})` into an opaque string, so this module
walks the lark parse tree python-hcl2 builds (`propagate_positions=True` gives every node its lines) and keeps
expressions as plain tuples. Tuples are cheap, picklable (a parse cache can store them) and evaluated later, per
module instance, by `hcl_eval`.

Expression nodes:
  ("L", value)                         literal
  ("T", [str | node, ...])             string template
  ("R", root, [step, ...], text)       traversal: step = ("a", name) | ("i", node) | ("*", [step, ...]) (a splat
                                       with the steps applied to each element)
  ("C", name, [node, ...], text[, expand])  function call; expand: the last argument ends with `...`
  ("F", key_var, value_var, collection, key_node, value_node, cond_node, group, text)
                                       `for` expression: key_node None for a tuple `[for ...]`; key_var and
                                       cond_node may be None; group: `...` after the value of an object `for`
  ("O", [(key_node, value_node), ...]) object
  ("U", [node, ...])                   tuple
  ("Q", cond, then, else, text)        conditional
  ("B", op, left, right, text)         binary operation
  ("N", op, operand, text)             unary operation
  ("S", node, [step, ...], text)       steps applied to any other expression's value (`f(x).a[0]`, `[...][*].a`)
  ("X", text, [traversal, ...])        anything not modelled
Template parts (inside "T") are strings, expression nodes, and directives:
  ("TI", cond, [part, ...], [part, ...])          %{ if } ... %{ else } ... %{ endif }
  ("TF", key_var, value_var, coll, [part, ...])   %{ for } ... %{ endfor }
"""

from __future__ import annotations

import re
import sys

from lark import Token, Tree

from hcl2.api import parses_to_tree
from hcl2.postlexer import OPERATOR_TYPES

from agentlint.loaders.hcl_functions import FunctionError, num
from agentlint.loaders.hcl_parse import parse_tree
from agentlint.loaders.hcl_templates import TemplateConverter, _tokens_text
from agentlint.loaders.parsed import Block, HCLSyntaxError, NestingLimit, ParsedFile  # noqa: F401 (re-exported)
from agentlint.loaders.parsed import statement_key
from agentlint.loaders.statement_lines import statement_block_lines, statement_lines
from agentlint.suppressions import directives


MAX_TEXT = 120


_BRACKET = re.compile(r"[\[\]{}()]")


def _refuse_deep_brackets(text: str, max_nesting: int) -> None:
    """Refuse absurd bracket nesting before the parser sees it: 50,000 nested `[` cost python-hcl2's parser seconds
    before the converter's own depth check could say anything. The bound is ten times the limit, so brackets
    inside strings and heredocs (which this count does not tell apart) never refuse a real file."""
    bound = max_nesting * 10
    if text.count("[") + text.count("{") + text.count("(") <= bound:
        return
    depth = 0
    for m in _BRACKET.finditer(text):
        depth += 1 if m.group() in "[{(" else -1
        if depth > bound:
            line = text.count("\n", 0, m.start()) + 1
            raise NestingLimit(f"nested deeper than {max_nesting} levels (limit max-nesting); file skipped", line)


def parse_hcl(text: str, path: str, max_nesting: int = 100) -> ParsedFile:
    _refuse_deep_brackets(text, max_nesting)
    tree, text = parse_tree(text)
    converter = _Converter(text, max_nesting)
    body = tree.children[0]
    # Each nesting level costs a few Python frames; make room for the configured limit (capped at 1,000 levels).
    needed = max_nesting * 6 + 500
    previous = sys.getrecursionlimit()
    if needed > previous:
        sys.setrecursionlimit(needed)
    try:
        attrs = {}
        for c in body.children:
            if isinstance(c, Tree) and c.data == "attribute":
                attrs[_tokens_text(c.children[0]).strip().strip('"')] = converter.expr(c.children[-1])
        blocks = [_prune(b) for b in converter.body_blocks(body)]
        suppressions = directives(_comments(tree)) if "agentlint" in text else []
        return ParsedFile(path=path, blocks=blocks, attrs=attrs, suppressions=suppressions)
    finally:
        if needed > previous:
            sys.setrecursionlimit(previous)


# python-hcl2's grammar keeps every comment as an NL_OR_COMMENT token (one comment or one newline each); its
# post-lexer glues the newline or comment just before a binary operator or `?` onto that operator's token (which
# keeps the operator's position). Strings and heredocs are single tokens of other types: text inside them is never
# a comment.
_NL_OR_COMMENT = re.compile(r"#.*\n|//.*\n|/\*(?:.|\n)*?\*/|\n[ \t]*")


def _comments(tree: Tree) -> list[tuple[int, str]]:
    """(first line, text) of each comment in the parse tree."""
    out = []
    for token in tree.scan_values(lambda v: isinstance(v, Token)):
        value = str(token)
        if token.type == "NL_OR_COMMENT":
            if value[:1] in "#/":
                out.append((token.line, value))
        elif token.type in OPERATOR_TYPES and value[:1] in "#/\n":
            m = _NL_OR_COMMENT.match(value)
            if m and m.group(0)[:1] in "#/":  # a comment merged into the operator that follows it
                out.append((token.line - m.group(0).count("\n"), m.group(0)))
    return sorted(out)


# What the evaluator reads from blocks other than resources, data sources, modules and locals. The rest
# (descriptions, validations, provider and terraform settings) is dropped at parse time: it is never evaluated, and
# keeping it would make every cached file carry it. Line ranges stay, for suppressions and --diff-base.
_KEEP = {"variable": {"default", "type", "sensitive"}, "output": {"value"}}
_EVALUATED = {"resource", "data", "module", "locals"}


def _prune(block: Block) -> Block:
    if block.type in _EVALUATED:
        return block
    keep = _KEEP.get(block.type, set())
    block.attrs = {k: v for k, v in block.attrs.items() if k in keep}
    block.blocks = []
    return block


def parse_expression(text: str) -> tuple:
    """Parse a lone expression (used for interpolations inside heredocs)."""
    tree = parses_to_tree("__x = " + text)
    attr = next(c for c in tree.children[0].children if isinstance(c, Tree) and c.data == "attribute")
    # Offsets in the converter's source must line up with the wrapped text.
    return _Converter("__x = " + text).expr(attr.children[-1])


class _Converter(TemplateConverter):
    def __init__(self, source: str, max_nesting: int = 100):
        self.source = source
        self.max_nesting = max_nesting
        self.depth = 0

    def _enter(self, node) -> None:
        self.depth += 1
        if self.depth > self.max_nesting:
            line = getattr(getattr(node, "meta", None), "line", None)
            raise NestingLimit(f"nested deeper than {self.max_nesting} levels (limit max-nesting); file skipped",
                               line if isinstance(line, int) else None)

    # -- structure ---------------------------------------------------------------------------------------

    def body_blocks(self, body: Tree) -> list[Block]:
        return [self.block(c) for c in body.children if isinstance(c, Tree) and c.data == "block"]

    def block(self, node: Tree) -> Block:
        self._enter(node)
        try:
            return self._block(node)
        finally:
            self.depth -= 1

    def _block(self, node: Tree) -> Block:
        children = [c for c in node.children if isinstance(c, Tree)]
        head = children[0]
        labels: list[str] = []
        body = None
        for c in children[1:]:
            if c.data == "body":
                body = c
            elif c.data == "string":
                labels.append(self._plain_string(c))
            elif c.data in ("identifier", "keyword", "literal_value"):
                labels.append(_tokens_text(c))
        attrs: dict[str, tuple] = {}
        attr_lines: dict[str, int] = {}
        blocks: list[Block] = []
        if body is not None:
            for c in body.children:
                if not isinstance(c, Tree):
                    continue
                if c.data == "attribute":
                    name = _tokens_text(c.children[0]).strip()
                    if head_is_string(c.children[0]):
                        name = name.strip('"')
                    attrs[name] = self.expr(c.children[-1])
                    attr_lines[name] = c.meta.line
                    for i, line in enumerate(statement_lines(c.children[-1]) or ()):
                        attr_lines[statement_key(name, i)] = line  # policy statements, for finding locations
                elif c.data == "block":
                    sub = self.block(c)
                    blocks.append(sub)
                    attr_lines.setdefault(sub.type, sub.start_line)
            statement_block_lines(blocks, attr_lines)
        return Block(
            type=_tokens_text(head).strip(),
            labels=labels,
            attrs=attrs,
            attr_lines=attr_lines,
            blocks=blocks,
            start_line=node.meta.line,
            end_line=node.meta.end_line,
        )

    def _plain_string(self, node: Tree) -> str:
        parts = self.string_parts(node)
        return "".join(p if isinstance(p, str) else "${...}" for p in parts)

    # -- expressions -------------------------------------------------------------------------------------

    def text(self, node) -> str:
        """Source text of an expression, for messages only (they show at most 80 characters). Capped, because
        nested calls would otherwise repeat their whole text at every level, which bloats the parse cache."""
        meta = getattr(node, "meta", None)
        if meta is not None and not meta.empty:
            if meta.end_pos - meta.start_pos > MAX_TEXT:
                return self.source[meta.start_pos:meta.start_pos + MAX_TEXT - 3] + "..."
            return self.source[meta.start_pos:meta.end_pos]
        text = _tokens_text(node)
        return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 3] + "..."

    def expr(self, node) -> tuple:
        if isinstance(node, Token):
            return self.token(node)
        counted = node.data != "expr_term"  # a wrapper rule, not a nesting level a user would count
        if counted:
            self._enter(node)
        try:
            handler = getattr(self, "e_" + node.data, None)
            if handler is None:
                return ("X", self.text(node), self.traversals(node))
            return handler(node)
        finally:
            if counted:
                self.depth -= 1

    def token(self, tok: Token) -> tuple:
        if tok.type == "INT_LITERAL":
            return ("L", int(tok))
        if tok.type == "FLOAT_LITERAL":
            return ("L", num(float(tok)))
        return ("X", str(tok), [])

    def _trees(self, node: Tree) -> list[Tree]:
        return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]

    def e_expr_term(self, node: Tree) -> tuple:
        inner = self._trees(node)
        if len(inner) == 1:
            return self.expr(inner[0])
        tokens = [c for c in node.children if isinstance(c, Token)]
        if tokens:
            return self.token(tokens[0])
        return ("X", self.text(node), [])

    def e_int_lit(self, node: Tree) -> tuple:
        return ("L", int(node.children[0]))

    def e_float_lit(self, node: Tree) -> tuple:
        try:
            return ("L", num(float(node.children[0])))  # 1.5e3 is the whole number 1500, as Terraform prints it
        except FunctionError:  # 1e400: Terraform's numbers are arbitrary precision; ours are not, so unknown
            return ("X", str(node.children[0]), [])

    def e_literal_value(self, node: Tree) -> tuple:
        word = str(node.children[0])
        return ("L", {"true": True, "false": False, "null": None}[word])

    def e_identifier(self, node: Tree) -> tuple:
        return ("R", str(node.children[0]), [], str(node.children[0]))

    def e_keyword(self, node: Tree) -> tuple:
        return ("L", str(node.children[0]))

    def parse_expression(self, text: str) -> tuple:
        return parse_expression(text)

    def e_tuple(self, node: Tree) -> tuple:
        return ("U", [self.expr(c) for c in self._trees(node)])

    def e_object(self, node: Tree) -> tuple:
        items = []
        for elem in self._trees(node):
            key_node, value_node = [c for c in elem.children if isinstance(c, Tree)]
            key_inner = self._trees(key_node)[0] if key_node.data == "object_elem_key" else key_node
            key = self.expr(key_inner)
            if key[0] == "R" and not key[2]:
                key = ("L", key[1])  # bare identifiers are literal keys in HCL objects
            items.append((key, self.expr(value_node)))
        return ("O", items)

    def e_function_call(self, node: Tree) -> tuple:
        idents = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
        name = "::".join(str(i.children[0]) for i in idents)
        args: list[tuple] = []
        expand = False
        for c in node.children:
            if isinstance(c, Tree) and c.data == "arguments":
                args = [self.expr(a) for a in self._trees(c)]
                expand = any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in c.children)
        if expand:
            return ("C", name, args, self.text(node), True)
        return ("C", name, args, self.text(node))

    def e_for_tuple_expr(self, node: Tree) -> tuple:
        return self._for(node, tuple_form=True)

    def e_for_object_expr(self, node: Tree) -> tuple:
        return self._for(node, tuple_form=False)

    def _for(self, node: Tree, tuple_form: bool) -> tuple:
        trees = self._trees(node)
        intro = trees[0]
        intro_trees = self._trees(intro)
        # The symbols are bare identifiers; the collection, the intro's last child, is wrapped in an expr_term.
        names = [_tokens_text(t).strip() for t in intro_trees if t.data == "identifier"]
        coll = self.expr(intro_trees[-1])
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        body = trees[1:]
        cond = None
        if body and body[-1].data == "for_cond":
            cond = self.expr(self._trees(body[-1])[0])
            body = body[:-1]
        if tuple_form:
            return ("F", key_var, value_var, coll, None, self.expr(body[0]), cond, False, self.text(node))
        group = any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in node.children)
        return ("F", key_var, value_var, coll, self.expr(body[0]), self.expr(body[1]), cond, group, self.text(node))

    def _traversal(self, node: Tree, step: tuple) -> tuple:
        base = self.expr(self._trees(node)[0])
        if base[0] == "R":
            return ("R", base[1], base[2] + [step], self.text(node))
        if base[0] == "S":
            return ("S", base[1], base[2] + [step], self.text(node))
        # The base is not a reference (`f(x)[0]`): the steps apply to its value.
        return ("S", base, [step], self.text(node))

    def e_get_attr_expr_term(self, node: Tree) -> tuple:
        get_attr = self._trees(node)[1]
        name = _tokens_text(self._trees(get_attr)[0]).strip()
        return self._traversal(node, ("a", name))

    def e_index_expr_term(self, node: Tree) -> tuple:
        index = self._trees(node)[1]
        if index.data == "short_index":
            tok = [c for c in index.children if isinstance(c, Token) and c.type == "INT_LITERAL"][0]
            return self._traversal(node, ("i", ("L", int(tok))))
        return self._traversal(node, ("i", self.expr(self._trees(index)[0])))

    def e_attr_splat_expr_term(self, node: Tree) -> tuple:
        # The legacy `.*` splat applies only the attribute steps that follow it; an index after them applies
        # to the resulting list (HCL spec: SplatAttr = "." "*" GetAttr*).
        inner = self._splat_steps(self._trees(node)[1])
        n = 0
        while n < len(inner) and inner[n][0] == "a":
            n += 1
        out = self._traversal(node, ("*", inner[:n]))
        if n < len(inner):
            out = (out[0], out[1], out[2] + inner[n:], out[3])
        return out

    def e_full_splat_expr_term(self, node: Tree) -> tuple:
        return self._traversal(node, ("*", self._splat_steps(self._trees(node)[1])))

    def _splat_steps(self, splat: Tree) -> list:
        steps: list = []
        for c in self._trees(splat):
            if c.data == "get_attr":
                steps.append(("a", _tokens_text(self._trees(c)[0]).strip()))
            elif c.data == "short_index":
                tok = [t for t in c.children if isinstance(t, Token) and t.type == "INT_LITERAL"][0]
                steps.append(("i", ("L", int(tok))))
            else:
                steps.append(("i", self.expr(self._trees(c)[0])))
        return steps

    def e_conditional(self, node: Tree) -> tuple:
        c, a, b = self._trees(node)
        return ("Q", self.expr(c), self.expr(a), self.expr(b), self.text(node))

    def e_binary_op(self, node: Tree) -> tuple:
        left, term = self._trees(node)[:2]
        op_node, right = self._trees(term)[:2]
        return ("B", _tokens_text(op_node).strip(), self.expr(left), self.expr(right), self.text(node))

    def e_unary_op(self, node: Tree) -> tuple:
        op = str(node.children[0])
        return ("N", op, self.expr(node.children[1]), self.text(node))

    def traversals(self, node) -> list[tuple]:
        """Every traversal inside an unmodelled expression, so its references still count."""
        found: list[tuple] = []
        stack = [node]
        while stack:
            cur = stack.pop()
            if not isinstance(cur, Tree):
                continue
            if cur.data in ("get_attr_expr_term", "index_expr_term", "attr_splat_expr_term", "full_splat_expr_term"):
                converted = self.expr(cur)
                if converted[0] == "R":
                    found.append(converted)
                    continue
            stack.extend(cur.children)
        return found


def head_is_string(node) -> bool:
    return isinstance(node, Tree) and node.data == "string"
