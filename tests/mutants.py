"""Structure-aware mutators for the fuzz tests: they keep a file well-formed enough to reach the evaluator, the
graph and the rules (a byte flip mostly stops at the parser), then break its shape.

Plan JSON: retype a value anywhere in the document (object <-> list <-> string <-> number <-> null <-> bool),
delete a key, duplicate or empty a list, wrap a value, plant hostile text (Markdown, control characters, format
strings) in keys and values.
HCL: retype an attribute's value (a string where a map is expected, `jsonencode({...})` where a name is,
unknowns, splats, conditionals...), delete attributes, duplicate blocks, add `count` / `for_each` / `dynamic`
with odd collections.
"""

from __future__ import annotations

import copy
import json
import random
import re

HOSTILE_TEXT = ["", "*", "arn:aws:iam::*:role/*", "${var.x}", "{0.__class__}", "%s%d%q", "# x\n@here <img src=x>",
                "\x1b[31mred\x1b[0m", "a" * 3000, "\u202e", "null", "[*]", "..", "/etc/passwd"]
RETYPES = [None, True, False, 0, -1, 1.5e308, "", {}, [], [{}], [None], {"": None}, {"a": {"b": []}},
           [[[]]], "x", "*", ["*"], {"Fn::": 1}]


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in list(value.items())[:50]:
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value[:20]):
            yield from _paths(v, prefix + (i,))


def _get(doc, path):
    for step in path:
        doc = doc[step]
    return doc


def _set(doc, path, value):
    if not path:
        return value
    _get(doc, path[:-1])[path[-1]] = value
    return doc


def mutate_json(doc, rnd: random.Random):
    doc = copy.deepcopy(doc)
    for _ in range(rnd.randint(1, 4)):
        paths = list(_paths(doc))
        path = rnd.choice(paths)
        target = _get(doc, path)
        op = rnd.randrange(7)
        if op == 0:  # retype
            doc = _set(doc, path, copy.deepcopy(rnd.choice(RETYPES + HOSTILE_TEXT)))
        elif op == 1 and path and isinstance(_get(doc, path[:-1]), dict):  # delete a key
            del _get(doc, path[:-1])[path[-1]]
        elif op == 2 and isinstance(target, list) and target:  # duplicate or empty a list
            doc = _set(doc, path, target * rnd.randint(2, 3) if rnd.random() < 0.7 else [])
        elif op == 3:  # wrap
            doc = _set(doc, path, [target] if rnd.random() < 0.5 else {"value": target})
        elif op == 4 and isinstance(target, dict):  # a hostile key
            target[rnd.choice(HOSTILE_TEXT)] = copy.deepcopy(rnd.choice(RETYPES))
        elif op == 5 and isinstance(target, str):  # hostile text in a string
            doc = _set(doc, path, target + rnd.choice(HOSTILE_TEXT))
        elif op == 6 and isinstance(target, dict) and target:  # dict <-> list of its values
            doc = _set(doc, path, list(target.values()))
    return doc


HCL_VALUES = ['null', 'true', '0', '-1', '1e400', '""', '"*"', '[]', '{}', '[{}]', '{ a = {} }', '[null]',
              'jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })',
              'jsonencode({ a = 1 })', 'var.undeclared', 'local.missing', 'each.value', 'count.index',
              'module.nope.out', 'data.aws_iam_policy_document.nope.json', 'aws_iam_role.nope.arn',
              '[for x in [1, 2] : { k = x }]', '{ for k, v in { a = 1 } : k => v }', 'tolist(null)',
              'format("%d", "x")', 'file("/etc/passwd")', 'file("../../../outside")', '"${jsonencode({})}"',
              'toset([{}])', 'aws_iam_role.agent[*].arn', 'true ? {} : []', 'timeadd("2026-01-01T00:00:00Z", "-1h")',
              '"\\u202e\\u0007"', 'merge({}, null)', 'lookup({}, "a")', 'one([1, 2])', 'try(var.x.y, {})',
              'range(100000000)', 'format("{0:>2000000000}", "x")', '"%{ for x in var.y }${x}%{ endfor }"']
ATTRIBUTE = re.compile(r"^(\s*)([A-Za-z_][\w-]*)(\s*=\s*)(.+)$")
BLOCK_START = re.compile(r"^(\s*)(resource|data|module|variable|locals|output)\b.*\{\s*$")


def mutate_hcl(text: str, rnd: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rnd.randint(1, 4)):
        attrs = [i for i, line in enumerate(lines) if ATTRIBUTE.match(line) and line.rstrip().endswith(
            tuple('"])}0123456789eltruf'))]  # one-line values only: keeps the file parseable
        blocks = [i for i, line in enumerate(lines) if BLOCK_START.match(line)]
        op = rnd.randrange(6)
        if op <= 1 and attrs:  # retype a value
            i = rnd.choice(attrs)
            m = ATTRIBUTE.match(lines[i])
            lines[i] = f"{m.group(1)}{m.group(2)}{m.group(3)}{rnd.choice(HCL_VALUES)}"
        elif op == 2 and attrs:  # delete an attribute
            del lines[rnd.choice(attrs)]
        elif op == 3 and blocks:  # duplicate a block (same address twice) or add count / for_each to it
            i = rnd.choice(blocks)
            if rnd.random() < 0.5:
                lines.insert(i + 1, f"  {rnd.choice(['count', 'for_each'])} = {rnd.choice(HCL_VALUES)}")
            else:
                depth, j = 0, i
                while j < len(lines):
                    depth += lines[j].count("{") - lines[j].count("}")
                    if depth <= 0 and j > i:
                        break
                    j += 1
                lines[j + 1:j + 1] = lines[i:j + 1]
        elif op == 4 and blocks:  # a dynamic block over an odd collection
            i = rnd.choice(blocks)
            lines.insert(i + 1, f'  dynamic "statement" {{\n    for_each = {rnd.choice(HCL_VALUES)}\n'
                                f'    content {{\n      actions = statement.value\n    }}\n  }}')
        elif op == 5 and attrs:  # hostile text in a string value
            i = rnd.choice(attrs)
            m = ATTRIBUTE.match(lines[i])
            lines[i] = f"{m.group(1)}{m.group(2)}{m.group(3)}{json.dumps(rnd.choice(HOSTILE_TEXT))}"
    return "\n".join(lines)
