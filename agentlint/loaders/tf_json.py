"""Terraform JSON syntax (`.tf.json`) -> the same blocks and expression nodes as HCL, with lines found in the text."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from agentlint.loaders.parsed import Block, HCLSyntaxError, NestingLimit, ParsedFile
from agentlint.model import json_depth_exceeds

if TYPE_CHECKING:
    pass


def parse_tf_json(text: str, path: str, max_nesting: int = 100) -> ParsedFile:
    data = json.loads(text)
    if json_depth_exceeds(data, max_nesting):
        raise NestingLimit(f"nested deeper than {max_nesting} levels (limit max-nesting); file skipped")
    if not isinstance(data, dict):
        raise HCLSyntaxError("a .tf.json file must hold a JSON object", 1)
    from agentlint.loaders.hcl_ast import _Converter

    conv = _Converter("")
    finder = _LineFinder(text)
    blocks: list[Block] = []
    for kind, content in data.items():
        for body_kind in _as_list(content):
            if not isinstance(body_kind, dict):
                continue
            if kind in ("resource", "data"):
                for rtype, named in body_kind.items():
                    for name, bodies in (named or {}).items():
                        for body in _as_list(bodies):
                            line = finder.find(kind, rtype, name)
                            blocks.append(_json_block(conv, kind, [rtype, name], body, line))
            elif kind in ("module", "variable", "output"):
                for name, bodies in body_kind.items():
                    for body in _as_list(bodies):
                        blocks.append(_json_block(conv, kind, [name], body, finder.find(kind, name)))
            elif kind == "locals":
                blocks.append(_json_block(conv, "locals", [], body_kind, finder.find("locals")))
    return ParsedFile(path=path, blocks=blocks)


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _json_block(conv, kind: str, labels: list[str], body: Any, line: int) -> Block:
    attrs = {}
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "//":
                continue
            attrs[key] = _json_node(conv, value, kind == "variable" and key == "default")
    return Block(type=kind, labels=labels, attrs=attrs, attr_lines={}, blocks=[], start_line=line, end_line=line)


def _json_node(conv, value: Any, literal: bool) -> tuple:
    if isinstance(value, str):
        return ("L", value) if literal or "${" not in value and "%{" not in value else conv.template_from_text(value)
    if isinstance(value, dict):
        return ("O", [(("L", k), _json_node(conv, v, literal)) for k, v in value.items()])
    if isinstance(value, list):
        return ("U", [_json_node(conv, v, literal) for v in value])
    return ("L", value)


class _LineFinder:
    """JSON parsers do not keep lines; find a block's key path in the text, in order."""

    def __init__(self, text: str):
        self.text = text

    def find(self, *keys: str) -> int:
        pos = 0
        for key in keys:
            found = self.text.find(json.dumps(key), pos)
            if found < 0:
                break
            pos = found
        return self.text.count("\n", 0, pos) + 1
