"""IAM policy documents in every spelling Terraform allows -> one statement model.

Accepted: an object (from `jsonencode`), a JSON string or heredoc, a `data "aws_iam_policy_document"` (with
`source_policy_documents`/`override_policy_documents`), and references to such documents. What cannot be read
becomes a document with `known = False` and the reason, never an empty (safe-looking) policy.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from agentlint.model import Resource
from agentlint.values import SENSITIVE, Unknown, display, structured

# Resolves a reference to a resource (data.aws_iam_policy_document.x) within the same stack.
Lookup = Callable[[str], Optional[Resource]]


@dataclass
class Condition:
    operator: str
    key: str
    values: list
    # (operator, key) as digests read them when either was unknown (`Unknown('${...}:sub')`): see _text.
    digest_as: Optional[tuple[str, str]] = field(default=None, compare=False, repr=False)


def _condition(op: Any, key: Any, values: list) -> Condition:
    """A condition; an unknown operator or key reads as its expression, and keeps its old digest form."""
    old = (_text(op), _text(key))
    return Condition(str(op), str(key), values, old if old != (str(op), str(key)) else None)


def _text(value: Any) -> str:
    """A value as statement digests have always read it: an unknown one by its debugging form (`Unknown('var.x')`),
    as str() gave before Unknown had a __str__ of its own, so findings keep their fingerprints and baselines match."""
    return repr(value) if isinstance(value, Unknown) else str(value)


@dataclass
class Statement:
    effect: str
    actions: Optional[list] = None  # str items, or Unknown for parts that cannot be read
    not_actions: Optional[list] = None
    resources: Optional[list] = None
    not_resources: Optional[list] = None
    principals: Optional[dict] = None  # {"AWS": [...], "Service": [...], "Federated": [...]} or {"*": ["*"]}
    not_principals: Optional[dict] = None
    conditions: list[Condition] = field(default_factory=list)
    sid: Optional[str] = None
    index: int = 0
    origin: Optional[Resource] = None  # the data source the statement was written in, if any
    origin_line: Optional[int] = None

    @property
    def is_allow(self) -> bool:
        return self.effect.lower() == "allow"

    @property
    def is_deny(self) -> bool:
        return self.effect.lower() == "deny"

    def label(self) -> str:
        return f"statement {self.sid!r}" if self.sid else f"statement #{self.index + 1}"

    def action_strings(self) -> list[str]:
        return [a for a in (self.actions or []) if isinstance(a, str)]

    def resource_strings(self) -> list[str]:
        return [r for r in (self.resources or []) if isinstance(r, str)]

    def digest(self) -> str:
        """Identifies the statement by what it says, not where it sits, so reordering changes nothing."""
        import hashlib

        def norm(items):
            return sorted(_text(i).lower() for i in items) if items is not None else None

        body = json.dumps([self.effect.lower(), norm(self.actions), norm(self.not_actions), norm(self.resources),
                           norm(self.not_resources), sorted((*(c.digest_as or (c.operator, c.key)), sorted(map(_text, c.values)))
                                                            for c in self.conditions)], default=_text)
        if self.principals or self.not_principals:  # trust and resource policies: who is part of what it says
            body += json.dumps([{k: norm(v) for k, v in sorted((self.principals or {}).items())},
                                {k: norm(v) for k, v in sorted((self.not_principals or {}).items())}], default=_text)
        return hashlib.sha256(body.encode()).hexdigest()[:12]

    def has_unknown_parts(self) -> bool:
        return any(not isinstance(x, str) for x in (self.actions or []) + (self.resources or []))


@dataclass
class PolicyDocument:
    statements: list[Statement] = field(default_factory=list)
    known: bool = True
    reason: str = ""  # why it is not known
    data_source: Optional[Resource] = None

    @classmethod
    def unknown(cls, reason: str) -> "PolicyDocument":
        return cls(known=False, reason=reason)


_TRAILING_COMMA = re.compile(r",(\s*[\]}])")


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _items(value: Any) -> Optional[list]:
    if value is None:
        return None
    out = []
    for item in _as_list(value):
        if isinstance(item, str):
            out.append(Unknown(item) if "${" in item else item)
        elif isinstance(item, Unknown) or item is SENSITIVE:
            out.append(item if isinstance(item, Unknown) else Unknown("<sensitive>"))
        else:
            out.append(Unknown(json.dumps(item, default=str)))
    return out


def _principals(value: Any) -> Optional[dict]:
    if value is None:
        return None
    if isinstance(value, str) or isinstance(value, Unknown):
        return {"*": ["*"]} if value == "*" else {"?": [value]}
    if isinstance(value, dict):
        return {str(k): _items(v) or [] for k, v in value.items()}
    return {"?": [Unknown(display(value))]}


def _conditions(value: Any) -> list[Condition]:
    out = []
    if isinstance(value, dict):
        for op, body in value.items():
            if isinstance(body, dict):
                for key, vals in body.items():
                    out.append(_condition(op, key, _as_list(vals)))
            else:
                out.append(_condition(op, "?", _as_list(body)))
    elif value is not None:
        out.append(Condition("?", "?", [value]))
    return out


def from_json_object(obj: Any) -> PolicyDocument:
    """A policy in IAM's JSON grammar (already decoded)."""
    if not isinstance(obj, dict):
        return PolicyDocument.unknown(f"policy is not an object: {display(obj)}")
    raw = obj.get("Statement")
    if isinstance(raw, Unknown):
        return PolicyDocument.unknown(f"statements are computed: {display(raw)}")
    statements = []
    for i, st in enumerate(_as_list(raw)):
        if not isinstance(st, dict):
            return PolicyDocument.unknown(f"statement {i + 1} is computed: {display(st)}")
        effect = st.get("Effect", "Allow")
        statements.append(Statement(
            effect=effect if isinstance(effect, str) else "?",
            actions=_items(st.get("Action")),
            not_actions=_items(st.get("NotAction")),
            resources=_items(st.get("Resource")),
            not_resources=_items(st.get("NotResource")),
            principals=_principals(st.get("Principal")),
            not_principals=_principals(st.get("NotPrincipal")),
            conditions=_conditions(st.get("Condition")),
            sid=st.get("Sid") if isinstance(st.get("Sid"), str) else None,
            index=i,
        ))
    return PolicyDocument(statements=statements)


def parse_policy_value(value: Any, lookup: Lookup, depth: int = 0) -> PolicyDocument:
    """Whatever a `policy`/`assume_role_policy` attribute holds -> a PolicyDocument."""
    if depth > 10:
        return PolicyDocument.unknown("policy documents reference each other too deeply")
    if value is SENSITIVE:
        return PolicyDocument.unknown("policy is marked sensitive")
    value = structured(value)  # jsonencode({...}): read the object it carries, no second decoding
    if isinstance(value, dict):
        return from_json_object(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return PolicyDocument.unknown("policy is empty")
        try:
            return from_json_object(json.loads(text))
        except json.JSONDecodeError:
            pass
        try:
            # Heredoc policies often carry trailing commas; IAM rejects them at apply time, but what the policy
            # means is plain, and judging it now beats reporting nothing.
            return from_json_object(json.loads(_TRAILING_COMMA.sub(r"\1", text)))
        except json.JSONDecodeError:
            if "${" in text:
                return PolicyDocument.unknown(f"policy text has interpolations that cannot be resolved: {display(text, 60)}")
            return PolicyDocument.unknown(f"policy is not valid JSON: {display(text, 60)}")
    if isinstance(value, Unknown):
        for ref in value.refs:
            target = lookup(ref.address)
            if target is None:
                continue
            if target.mode == "data" and target.type == "aws_iam_policy_document":
                return from_policy_document_data(target, lookup, depth + 1)
            if ref.attr in ("policy", "json") and target.type in ("aws_iam_policy", "aws_iam_role_policy"):
                return parse_policy_value(target.values.get("policy"), lookup, depth + 1)
        return PolicyDocument.unknown(f"policy is computed: {display(value)}")
    return PolicyDocument.unknown(f"policy has an unexpected type: {display(value)}")


def from_policy_document_data(res: Resource, lookup: Lookup, depth: int = 0) -> PolicyDocument:
    """`data "aws_iam_policy_document"`: source documents first, own statements, then overrides (by Sid)."""
    v = res.values
    # A plan may carry the rendered JSON already.
    rendered = v.get("json")
    if isinstance(rendered, str) and rendered.strip().startswith("{"):
        doc = parse_policy_value(rendered, lookup, depth + 1)
        if doc.known:
            for st in doc.statements:
                st.origin = res
            doc.data_source = res
            return doc
    merged: list[Statement] = []

    def merge_in(docs_value: Any, override: bool) -> Optional[str]:
        for item in _as_list(docs_value):
            sub = parse_policy_value(item, lookup, depth + 1)
            if not sub.known:
                return sub.reason
            for st in sub.statements:
                _upsert(merged, st, override)
        return None

    for key in ("source_policy_documents", "source_json"):
        problem = merge_in(v.get(key), override=False)
        if problem:
            return PolicyDocument(known=False, reason=f"source document cannot be read ({problem})", data_source=res)
    blocks = v.get("statement")
    if isinstance(blocks, Unknown):
        return PolicyDocument(known=False, reason=f"statements are computed: {display(blocks)}", data_source=res)
    for i, block in enumerate(_as_list(blocks)):
        if not isinstance(block, dict):
            merged.append(Statement(effect="?", actions=[Unknown(display(block))], origin=res))
            continue
        effect = block.get("effect", "Allow")
        st = Statement(
            effect=effect if isinstance(effect, str) else "?" if effect is not None else "Allow",
            actions=_items(block.get("actions")),
            not_actions=_items(block.get("not_actions")),
            resources=_items(block.get("resources")),
            not_resources=_items(block.get("not_resources")),
            principals=_block_principals(block.get("principals")),
            not_principals=_block_principals(block.get("not_principals")),
            conditions=[_condition(c.get("test"), c.get("variable"), _as_list(c.get("values")))
                        for c in _as_list(block.get("condition")) if isinstance(c, dict)] + [
                Condition("?", "?", [c]) for c in _as_list(block.get("condition")) if not isinstance(c, dict)],
            sid=block.get("sid") if isinstance(block.get("sid"), str) and block.get("sid") else None,
            origin=res,
            origin_line=block.get("__line__") if isinstance(block.get("__line__"), int) else None,
        )
        _upsert(merged, st, override=True)
    for key in ("override_policy_documents", "override_json"):
        problem = merge_in(v.get(key), override=True)
        if problem:
            return PolicyDocument(known=False, reason=f"override document cannot be read ({problem})", data_source=res)
    for i, st in enumerate(merged):
        st.index = i
        if st.origin is None:
            st.origin = res
    return PolicyDocument(statements=merged, data_source=res)


def _upsert(merged: list[Statement], st: Statement, override: bool) -> None:
    if st.sid and override:
        for i, existing in enumerate(merged):
            if existing.sid == st.sid:
                merged[i] = st
                return
    merged.append(st)


def _block_principals(value: Any) -> Optional[dict]:
    if value is None:
        return None
    out: dict[str, list] = {}
    for block in _as_list(value):
        if not isinstance(block, dict):
            continue
        ptype = block.get("type")
        key = ptype if isinstance(ptype, str) else "?"
        out.setdefault(key, []).extend(_items(block.get("identifiers")) or [])
    if out.get("AWS") == ["*"] and len(out) == 1:
        return {"*": ["*"]}
    return out or None
