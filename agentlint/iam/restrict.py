"""What is left of one Allow statement once the principal's Deny statements and its permissions boundary apply.

IAM allows a request when an identity policy allows it, no Deny matches it and the permissions boundary (if any)
allows it too. Rules judge an Allow statement by what it grants; this module turns the statement into the pieces
that are really granted: the same statement (the very object) when nothing restricts it, else one statement per
part left (`Action "*"` less a `Deny NotAction [bedrock:InvokeModel*]` is `Action bedrock:InvokeModel*`; a
`Deny NotResource [model ARNs]` leaves those ARNs; a boundary intersects each statement with each of its Allow
statements). Each piece keeps the original's Sid, index and origin, so findings point where they always did.

Sets of actions or resources are ("in", patterns) or ("not", patterns) (`NotAction` / `NotResource`: everything
but). Only unconditional Deny statements remove; a conditional one that would remove something is reported back
so the caller can lower confidence. Parts that cannot be read (computed values) never remove anything: a Deny
with them is ignored, and an unreadable boundary statement counts as allowing everything in that part. When the
exact remainder cannot be written with patterns (`s3:*` less `s3:Delete*`), the wider pattern is kept: callers
also ask, action by action, whether a Deny covers it (`EffectivePermissions.denied`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from agentlint.iam.actions import is_full_wildcard, matches
from agentlint.iam.policy import Statement

# A statement split into more parts than this is kept whole (wider, never narrower, than the truth).
MAX_PIECES = 8

Set = tuple  # ("in" | "not", list of patterns: str, or Unknown for computed parts)


@dataclass(frozen=True)
class Limit:
    """A statement that may take something away: a Deny, or the boundary's Allow statements (all of them)."""

    statement: Statement
    label: str  # "Deny statement 'X' of aws_iam_role_policy.y" / "permissions boundary aws_iam_policy.cap"


def _wild(p: str) -> bool:
    return "*" in p or "?" in p


def covers(p: str, q: str) -> bool:
    """Does pattern p match every name pattern q matches (q's own wildcards read as plain characters)?"""
    return is_full_wildcard(p) or matches(p, q)


def overlaps(p: str, q: str) -> bool:
    """Can two patterns match a common name? Two wildcard patterns overlap unless their fixed beginnings differ."""
    if covers(p, q) or covers(q, p):
        return True
    if not (_wild(p) and _wild(q)):
        return False
    a, b = p.lower().split("*")[0].split("?")[0], q.lower().split("*")[0].split("?")[0]
    return a.startswith(b) or b.startswith(a)


def _known(items) -> list[str]:
    return [i for i in items if isinstance(i, str)]


def _dedupe(items: list) -> list:
    out, seen = [], set()
    for i in items:
        key = i.lower() if isinstance(i, str) else id(i)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


def empty(s: Set) -> bool:
    kind, items = s
    return not items if kind == "in" else any(isinstance(i, str) and is_full_wildcard(i) for i in items)


def minus(s: Set, patterns: list[str]) -> Set:
    """s less every name the patterns match (a partly covered pattern stays: see the module's note)."""
    kind, items = s
    if kind == "not":
        return ("not", _dedupe(items + [p for p in patterns if not any(isinstance(n, str) and covers(n, p)
                                                                         for n in items)]))
    if any(isinstance(i, str) and is_full_wildcard(i) for i in items):
        return ("not", list(patterns))
    keep = [i for i in items if not isinstance(i, str) or not any(covers(p, i) for p in patterns)]
    return s if len(keep) == len(items) else ("in", keep)


def both(s: Set, patterns: list[str], expand=None) -> Set:
    """s restricted to the names the patterns match. `expand(pattern)` lists the catalogue names of an action
    pattern, for two patterns that overlap without either covering the other (`s3:*Object` and `s3:Get*`)."""
    kind, items = s
    if kind == "not":
        return minus(("in", list(patterns)), _known(items))
    out: list = []
    for i in items:
        if not isinstance(i, str):
            out.append(i)  # computed: cannot tell, left for the unverifiable-permissions rule
        elif any(covers(p, i) for p in patterns):
            out.append(i)
        else:
            inside = [p for p in patterns if covers(i, p)]
            out += inside
            partial = [p for p in patterns if p not in inside and overlaps(i, p)]
            if partial and expand is not None:
                out += [name for name in expand(i) if any(matches(p, name) for p in partial)]
            elif partial:
                out.append(i)  # resources: keep the wider pattern
    out = _dedupe(out)
    return s if out == items else ("in", out)


def _actions(st: Statement) -> Optional[Set]:
    if st.actions is not None:
        return ("in", list(st.actions))
    if st.not_actions is not None:
        return ("not", list(st.not_actions))
    return None


def _resources(st: Statement) -> Optional[Set]:
    if st.resources is not None:
        return ("in", list(st.resources))
    if st.not_resources is not None:
        return ("not", list(st.not_resources))
    return None


def _statement(orig: Statement, acts: Set, res: Set, extra_conditions: list) -> Statement:
    a_kind, a_items = acts
    r_kind, r_items = res
    return replace(orig, actions=a_items if a_kind == "in" else None, not_actions=a_items if a_kind == "not" else None,
                   resources=r_items if r_kind == "in" else None, not_resources=r_items if r_kind == "not" else None,
                   conditions=list(orig.conditions) + list(extra_conditions))


def _expand(pattern: str) -> list[str]:
    from agentlint.iam.catalog import catalog

    return [a.name for a in catalog().expand(pattern)]


def _readable(s: Set) -> bool:
    return all(isinstance(i, str) for i in s[1])


def _subtract(piece: tuple[Set, Set], deny: Statement) -> list[tuple[Set, Set]]:
    """(actions, resources) less what one Deny covers: (A - Ad) x R  +  (A & Ad) x (R - Rd)."""
    acts, res = piece
    d_acts, d_res = _actions(deny), _resources(deny)
    if d_acts is None or d_res is None or not _readable(d_acts) or not _readable(d_res):
        return [piece]
    out = []
    if d_acts[0] == "in":
        rest, hit = minus(acts, d_acts[1]), both(acts, d_acts[1], _expand)
    else:
        rest, hit = both(acts, d_acts[1], _expand), minus(acts, d_acts[1])
    if not empty(rest):
        out.append((rest, res))
    if not empty(hit):
        left = minus(res, d_res[1]) if d_res[0] == "in" else both(res, d_res[1])
        if not empty(left):
            out.append((hit, left))
    if len(out) == 2 and out[0][0] == acts and out[0][1] == res:
        return [piece]  # the Deny takes nothing away from this statement
    if len(out) == 1 and out[0] == piece:
        return [piece]
    return out


def _within(piece: tuple[Set, Set], allow: Statement) -> Optional[tuple[Set, Set]]:
    """The part of (actions, resources) one boundary Allow statement also allows (None: nothing)."""
    acts, res = piece
    b_acts, b_res = _actions(allow), _resources(allow)
    if b_acts is None or b_res is None:
        return None
    if _readable(b_acts):
        acts = both(acts, b_acts[1], _expand) if b_acts[0] == "in" else minus(acts, b_acts[1])
    if _readable(b_res):
        res = both(res, b_res[1]) if b_res[0] == "in" else minus(res, b_res[1])
    return None if empty(acts) or empty(res) else (acts, res)


@dataclass
class Restricted:
    """What is left of one Allow statement: its pieces, what took something away, and whether a conditional Deny
    would take more."""

    pieces: list[Statement]
    by: list[str]
    conditional_deny: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.by)


def restrict(st: Statement, denies: list[Limit], conditional_denies: list[Limit],
             boundary: Optional[tuple[list[Statement], str]] = None) -> Restricted:
    """`boundary`: the boundary's Allow statements and how to name it (its Deny statements come with `denies`)."""
    acts, res = _actions(st), _resources(st)
    if not st.is_allow or acts is None or res is None:
        return Restricted([st], [])
    pieces: list[tuple[Set, list, Set]] = [(acts, [], res)]  # (actions, extra conditions, resources)
    by: list[str] = []
    if boundary is not None:
        bounded = []
        allows, label = boundary
        for allow in allows:
            for a, conds, r in pieces:
                inside = _within((a, r), allow)
                if inside is not None:
                    bounded.append((inside[0], conds + list(allow.conditions), inside[1]))
        if len(bounded) != 1 or bounded[0][0] != acts or bounded[0][2] != res or bounded[0][1]:
            by.append(label)
        pieces = bounded
    for d in denies:
        after = []
        for a, conds, r in pieces:
            after += [(x, conds, y) for x, y in _subtract((a, r), d.statement)]
        if [(x, y) for x, _, y in after] != [(x, y) for x, _, y in pieces]:
            by.append(d.label)
        pieces = after
    if len(pieces) > MAX_PIECES:
        return Restricted([st], [])
    conditional = any(_subtract((a, r), d.statement) != [(a, r)] for d in conditional_denies for a, _, r in pieces)
    if not by:
        return Restricted([st], [], conditional)
    return Restricted([_statement(st, a, r, conds) for a, conds, r in pieces], by, conditional)
