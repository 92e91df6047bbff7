"""References into blocks and objects of other resources: which resource and which attribute path a value names.

The evaluator keeps a reference it cannot resolve as an `Unknown` whose `refs` name the resource and whose `text`
is the source expression. `Ref.attr` drops index steps and stops at splats, so the attribute path is read again
from the text here: `kubernetes_service_account_v1.agent.metadata[0].name` -> ("metadata", 0, "name"),
`one(google_service_account.agent[*].email)` -> ("email",), `jsondecode(azapi_resource.p.output).identity.principalId`
-> ("output", "identity", "principalId"), `azapi_resource.p.output.identity.principalId` (azapi v2) likewise.

Only a value that is exactly one reference (optionally inside `one()`, `tostring()`, `jsondecode()` or a template
with nothing else, `"${x.y}"`) is a `Reference`; a reference inside a larger expression (`"${x.name}-agent"`) is
not, and stays unknown. `value_at` reads the referenced resource's evaluated values at the path (nested blocks are
lists of dicts); anything it cannot read is `MISSING`, never a guess.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Optional, Union

from agentlint.values import Ref, Unknown

Step = Union[str, int]  # an attribute or key (str), an index (int), or SPLAT
SPLAT = "[*]"


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()

# Functions that leave the reference they wrap naming the same thing (`one(x[*].y)` is x.y for one instance).
_TRANSPARENT = ("one", "tostring", "jsondecode", "tolist", "toset")
_CALL = re.compile(r"^(?P<fn>[a-z]+)\((?P<inner>.*)\)(?P<rest>(?:\.[A-Za-z_][\w-]*|\[[^\]]*\])*)$", re.S)
_STEP = re.compile(r'\.(?P<attr>[A-Za-z_][\w-]*)|\[\s*(?P<index>\d+)\s*\]|\.(?P<dotindex>\d+)(?![\w-])'
                   r'|\[\s*"(?P<key>[^"]*)"\s*\]|(?P<splat>\[\s*\*\s*\]|\.\*)')
_HEAD = re.compile(r"^(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*")


@dataclass(frozen=True)
class Reference:
    ref: Ref  # the resource (module-qualified address, as the graph looks it up)
    steps: tuple[Step, ...]  # the attribute path inside the resource's values (instance keys removed)

    @property
    def attr(self) -> tuple[str, ...]:
        """The attribute names of the path, without indexes and splats: ("metadata", "name")."""
        return tuple(s for s in self.steps if isinstance(s, str) and s != SPLAT)


def parse_reference(value: Any) -> Optional[Reference]:
    """The one resource attribute a value is exactly a reference to, or None."""
    if not isinstance(value, Unknown) or not value.refs:
        return None
    refs = set(value.refs)
    if len(refs) != 1:
        return None
    ref = next(iter(refs))
    text = value.text.strip()
    if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
        text = text[2:-1].strip()
    steps = _steps(text, 0)
    if steps is None:
        return None
    head, path = steps  # head: the module-local address the text names; the Ref's address adds the module path
    if not (ref.address == head or ref.address.endswith("." + head)):
        return None
    # Indexes and splats right after the address select instances (count / for_each), not values.
    while path and (isinstance(path[0], int) or path[0] == SPLAT or
                    (isinstance(path[0], str) and path[0].startswith("key:"))):
        path = path[1:]
    return Reference(ref, tuple(s[4:] if isinstance(s, str) and s.startswith("key:") else s for s in path))


def _steps(text: str, depth: int) -> Optional[tuple[str, list]]:
    if depth > 4:
        return None
    m = _CALL.match(text)
    if m:
        if m.group("fn") not in _TRANSPARENT:
            return None
        inner = _steps(m.group("inner").strip(), depth + 1)
        if inner is None:
            return None
        rest = _path(m.group("rest"))
        return None if rest is None else (inner[0], inner[1] + rest)
    head = _HEAD.match(text)
    if head is None:
        return None
    rest = _path(text[head.end():])
    return None if rest is None else (head.group(0), rest)


def _path(text: str) -> Optional[list]:
    out: list = []
    pos = 0
    while pos < len(text):
        m = _STEP.match(text, pos)
        if m is None:
            return None
        if m.group("attr") is not None:
            out.append(m.group("attr"))
        elif m.group("index") is not None or m.group("dotindex") is not None:  # x[0] and the legacy x.0
            out.append(int(m.group("index") or m.group("dotindex")))
        elif m.group("key") is not None:
            out.append("key:" + m.group("key"))
        else:
            out.append(SPLAT)
        pos = m.end()
    return out


def value_at(values: Any, steps: tuple[Step, ...]) -> Any:
    """The value at a path inside evaluated values, or MISSING. A nested block list without an index is read only
    when it holds exactly one block (the index was not written, or a splat was unwrapped by `one()`); a JSON string
    met on the way is decoded (`jsondecode(x.output).identity`)."""
    cur = values
    for step in steps:
        if isinstance(cur, Unknown):
            return MISSING
        if isinstance(cur, str) and isinstance(step, str) and step != SPLAT:
            try:
                cur = json.loads(cur)
            except ValueError:
                return MISSING
        if isinstance(step, int):
            if isinstance(cur, list) and -len(cur) <= step < len(cur):
                cur = cur[step]
                continue
            return MISSING
        if step == SPLAT:
            if isinstance(cur, list) and len(cur) == 1:
                cur = cur[0]
                continue
            return MISSING
        if isinstance(cur, list):
            if len(cur) != 1:
                return MISSING
            cur = cur[0]
        if not isinstance(cur, dict) or step not in cur:
            return MISSING
        cur = cur[step]
    return cur
