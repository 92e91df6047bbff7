"""A plan's configuration references -> references to the resource instances they name, as Terraform resolves them.

`configuration` expressions list references relative to their module (`aws_iam_role.r.arn`, `var.role_arn`,
`module.roles.arn`); they are made absolute here and followed through `var.` (the module call's argument in the
parent module) and `module.` (the child module's output expression) hops, down to resources.

Instance keys are kept where they are known, so a reference names one instance, not the first of many:
- written in the reference: `module.roles["a"].arn`, `aws_iam_role.r[0].arn`;
- dynamic: Terraform writes `module.roles[each.key].arn` as two references, `module.roles` and `each.key` (the
  output name is left out once the call is indexed). The key is the referring object's own: the last instance key
  of the resource (or module call instance) the expression belongs to, as `each.key` / `count.index` evaluate
  there; `each.value` is taken as the key too (a set's values are its keys). The instance must be one the plan has
  (`planned_values` addresses); otherwise, or when nothing in the expression gives the key, the reference is kept
  only when the call or resource has a single instance. Without an output name, every output of the module
  instance is followed (the graph keeps what fits: a role where a role is wanted).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

from agentlint.model import strip_instance_keys
from agentlint.values import Ref

# One step of a reference or address: a name and the instance keys after it (`roles["a"]`, `r[0]`).
_STEP = re.compile(r'([^.\[\]"]+)((?:\[(?:"(?:[^"\\]|\\.)*"|[^\]"]*)\])*)')
_MAX_DEPTH = 20


def steps(text: str) -> list[tuple[str, str]]:
    """`module.a["x.y"].aws_iam_role.r[0]` -> [("module", ""), ("a", '["x.y"]'), ("aws_iam_role", ""), ("r", "[0]")];
    [] when the text is not a dotted reference."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _STEP.match(text, pos)
        if m is None:
            return []
        out.append((m.group(1), m.group(2)))
        pos = m.end()
        if pos < len(text):
            if text[pos] != ".":
                return []
            pos += 1
    return out


def own_key(address: str) -> str:
    """The instance key of the object an address ends with (`aws_x.r["a"]` -> `["a"]`, `module.m[0].` -> `[0]`),
    or ""."""
    parsed = steps(address.rstrip("."))
    return parsed[-1][1] if parsed else ""


def split_module_prefix(prefix: str) -> tuple[str, str, str]:
    """`module.a["x"].module.b[0].` -> (`module.a["x"].`, `b`, `[0]`): parent prefix (keys kept), call, key."""
    parsed = steps(prefix.rstrip("."))
    if len(parsed) < 2 or parsed[-2][0] != "module":
        return "", "", ""
    parent = "".join(f"{name}{key}." for name, key in parsed[:-2])
    return parent, parsed[-1][0], parsed[-1][1]


class PlanRefs:
    """`modules`: configuration module by prefix without keys ("" for the root, `module.a.`); `instances`: every
    module instance (`module.a["x"]`) and resource instance (`module.a["x"].aws_iam_role.r`) the plan holds."""

    def __init__(self, modules: dict[str, dict], instances: Iterable[str]):
        self.modules = modules
        self.instances = set(instances)
        self._of: dict[str, list[str]] = {}  # a call or resource without keys (keys of its parent kept) -> instances
        for inst in sorted(self.instances):
            base = _without_last_key(inst)
            if base != inst:
                self._of.setdefault(base, []).append(inst)

    def refs(self, references: Iterable[Any], prefix: str, key: str = "", depth: int = 0) -> list[Ref]:
        """`references` of an expression of the module at `prefix` (instance keys kept); `key`: the instance key of
        the object the expression belongs to (what `each.key` / `count.index` are there)."""
        out: list[Ref] = []
        if depth > _MAX_DEPTH:
            return out
        texts = [t for t in references if isinstance(t, str)]
        dynamic = _dynamic_key(texts, key)
        for text in texts:
            parsed = steps(text)
            if len(parsed) < 2:
                continue
            root = parsed[0][0]
            if root == "var":
                out.extend(self._var_refs(prefix, parsed[1][0], depth))
            elif root == "module":
                out.extend(self._module_refs(prefix, parsed, texts, dynamic, depth))
            elif root == "data" and len(parsed) >= 3:
                address = self._instance(f"{prefix}data.{parsed[1][0]}.{parsed[2][0]}", parsed[2][1], dynamic)
                out.append(Ref(address, ".".join(n for n, _ in parsed[3:])))
            elif root in ("local", "each", "count", "path", "self", "terraform"):
                continue
            else:
                address = self._instance(f"{prefix}{parsed[0][0]}.{parsed[1][0]}", parsed[1][1], dynamic)
                out.append(Ref(address, ".".join(n for n, _ in parsed[2:])))
        # "aws_iam_role.r.arn" and "aws_iam_role.r" both come; keep the most specific per address.
        best: dict[str, Ref] = {}
        for ref in out:
            if ref.address not in best or (ref.attr and not best[ref.address].attr):
                best[ref.address] = ref
        return list(best.values())

    def _instance(self, base: str, written: str, dynamic: str) -> str:
        """The instance a reference to `base` names: the key written in it, else the referrer's own key when the
        plan has that instance, else the only instance; else `base` (the graph takes its first instance, as
        before keys were read)."""
        if written:
            return base + written
        found = self._of.get(base)
        if not found:
            return base
        if dynamic and base + dynamic in self.instances:
            return base + dynamic
        return found[0] if len(found) == 1 else base

    def _module_refs(self, prefix: str, parsed: list[tuple[str, str]], texts: list[str], dynamic: str,
                     depth: int) -> list[Ref]:
        name, written = parsed[1]
        call = prefix + f"module.{name}"
        if len(parsed) >= 3:  # an output named: `module.a.arn`, `module.a["x"].arn`
            child = self._module_instance(call, written, dynamic)
            return self._output_refs(child, parsed[2][0], depth) if child else []
        # A bare `module.a`: beside `module.a.arn` it adds nothing; alone, on an indexed call, it is
        # `module.a[<expression>].<output>` with the output name left out.
        if written or not self._of.get(call) or any(steps(t)[:2] == parsed[:2] and len(steps(t)) > 2 for t in texts):
            return []
        child = self._module_instance(call, "", dynamic)
        if child is None:
            return []
        outputs = _obj(self.modules.get(strip_instance_keys(child))).get("outputs")
        return [ref for output in _obj(outputs) for ref in self._output_refs(child, output, depth)]

    def _module_instance(self, call: str, written: str, dynamic: str) -> Optional[str]:
        """The prefix of the module instance a reference names (`module.a["x"].`); None when it cannot be told."""
        if written:
            return f"{call}{written}."
        found = self._of.get(call)
        if not found:
            return call + "."
        if dynamic and call + dynamic in self.instances:
            return f"{call}{dynamic}."
        return found[0] + "." if len(found) == 1 else None

    def _var_refs(self, prefix: str, var: str, depth: int) -> list[Ref]:
        parent_prefix, call_name, call_key = split_module_prefix(prefix)
        if not call_name:
            return []
        parent = _obj(self.modules.get(strip_instance_keys(parent_prefix)))
        call = _obj(_obj(parent.get("module_calls")).get(call_name))
        expr = _obj(_obj(call.get("expressions")).get(var))
        refs = expr.get("references")
        return self.refs(refs if isinstance(refs, list) else [], parent_prefix, call_key, depth + 1)

    def _output_refs(self, child_prefix: str, output: str, depth: int) -> list[Ref]:
        child = _obj(self.modules.get(strip_instance_keys(child_prefix)))
        expr = _obj(_obj(_obj(child.get("outputs")).get(output)).get("expression"))
        refs = expr.get("references")
        return self.refs(refs if isinstance(refs, list) else [], child_prefix, "", depth + 1)


def _dynamic_key(texts: list[str], key: str) -> str:
    """The key a `[each.key]` / `[count.index]` / `[each.value]` index takes in an expression of the object whose
    own key is `key` (`["a"]` or `[0]`): "" when the expression has none of them, or when the kinds disagree (a
    count index on a for_each object)."""
    if not key:
        return ""
    counted = key[1:2] != '"'
    if "count.index" in texts:
        return key if counted else ""
    # `each.value.x` comes with a bare `each.value` too: then the bare one is not an index.
    if "each.key" in texts or ("each.value" in texts and not any(t.startswith("each.value.") for t in texts)):
        return key if not counted else ""
    return ""


def _without_last_key(address: str) -> str:
    parsed = steps(address)
    if not parsed or not parsed[-1][1]:
        return address
    return "".join(f"{n}{k}." for n, k in parsed[:-1]) + parsed[-1][0]


def _obj(value: Any) -> dict:
    return value if isinstance(value, dict) else {}
