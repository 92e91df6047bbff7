"""What parsing a configuration file produces: blocks with lines, an expression AST, suppression comments.

Kept free of parser imports (lark, python-hcl2), so that a run served from the parse cache never loads the parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class HCLSyntaxError(Exception):
    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


class NestingLimit(HCLSyntaxError):
    pass


def statement_key(attr: str, index: int) -> str:
    """The `attr_lines` key of statement `index` (0-based) of the policy written in attribute `attr` (`statement`:
    the statement blocks of a policy document); loaders/statement_lines.py fills them in."""
    return f"{attr}.Statement[{index}]"


@dataclass
class Block:
    type: str
    labels: list[str]
    attrs: dict[str, tuple]
    attr_lines: dict[str, int]
    blocks: list["Block"]
    start_line: int
    end_line: int


    def meta(self, name: str):
        """A meta-argument (count, for_each) without forcing a lazily loaded body."""
        return self.attrs.get(name)


class LazyBlock(Block):
    """A block from the parse cache whose attributes are decoded on first use: most resources in a repository are
    never evaluated, so most cached bodies are never decoded."""

    def __init__(self, type: str, labels: list[str], meta: dict, attr_lines: dict, payload: bytes,
                 start_line: int, end_line: int, decode_body):
        self.type = type
        self.labels = labels
        self.attr_lines = attr_lines
        self.start_line = start_line
        self.end_line = end_line
        self._meta = meta
        self._payload = payload
        self._decode_body = decode_body

    def __getattr__(self, name: str):
        if name in ("attrs", "blocks"):
            self.attrs, self.blocks = self._decode_body(self._payload)
            return self.__dict__[name]
        raise AttributeError(name)

    def meta(self, name: str):
        if "attrs" in self.__dict__:
            return self.attrs.get(name)
        return self._meta.get(name)


@dataclass
class ParsedFile:
    path: str
    blocks: list[Block] = field(default_factory=list)
    attrs: dict[str, tuple] = field(default_factory=dict)  # top-level attributes: what a .tfvars file holds
    # (line, rules, reason, until): agentlint/suppressions.py reads them from comment tokens and applies them
    suppressions: list[tuple] = field(default_factory=list)
