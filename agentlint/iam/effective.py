"""Effective permissions of one principal: every statement it holds (inline, attached, managed by ARN, through its
groups, from policy-document data sources), less what a Deny removes, capped by its permissions boundary.

The question asked here is the one escalation and exposure analyses need: "is this action allowed on every
resource?" (cloudsplaining's "without resource constraint"). A statement with conditions still grants, marked
conditional; `iam:PassedToService` is understood, so a PassRole limited to Lambda does not count for EC2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from agentlint.iam.actions import matches
from agentlint.iam.evaluate import allows_action, denies_everywhere, resources_reach
from agentlint.iam.policy import PolicyDocument, Statement
from agentlint.iam.restrict import Limit, Restricted, restrict

PASSED_TO_SERVICE = "iam:passedtoservice"


@dataclass(frozen=True)
class Holding:
    """One statement a principal holds, and through which grant.

    IAM evaluation sits below the graph: the grant (a graph.paths.Grant) and the policy (a graph node id) are carried
    for the caller, never looked into here."""

    grant: Optional[Any]
    policy: str
    statement: Statement


@dataclass(frozen=True)
class Allowed:
    action: str
    by: Holding
    conditional: bool = False  # a condition on the statement (or on the boundary) or a conditional Deny applies


def covers(st: Statement, action: str) -> bool:
    """Does the statement's Action / NotAction cover the action (whatever its effect)?"""
    if st.actions is not None:
        return any(matches(p, action) for p in st.action_strings())
    if st.not_actions is not None:
        known = [a for a in st.not_actions if isinstance(a, str)]
        return len(known) == len(st.not_actions) and not any(matches(p, action) for p in known)
    return False


def passes_to(st: Statement, service: str) -> bool:
    """False when an `iam:PassedToService` condition names other services only."""
    for c in st.conditions:
        if c.key.lower() != PASSED_TO_SERVICE or c.operator.lower().startswith("stringnot"):
            continue
        values = [v for v in c.values if isinstance(v, str)]
        if values and len(values) == len(c.values) and not any(matches(v, service) for v in values):
            return False
    return True


class EffectivePermissions:
    """`name(policy)` names a policy node in what `restricted` reports (the graph's address); `boundary_name` the
    boundary policy."""

    def __init__(self, holdings: list[Holding], boundary: Optional[PolicyDocument] = None,
                 name: Callable[[str], str] = str, boundary_name: str = ""):
        self.holdings = holdings
        self.boundary = boundary if boundary is not None and boundary.known else None
        self.boundary_unknown = boundary is not None and not boundary.known
        self.boundary_name = boundary_name
        denies = [Limit(h.statement, f"Deny {h.statement.label()} of {name(h.policy)}")
                  for h in holdings if h.statement.is_deny]
        if self.boundary is not None:
            denies += [Limit(st, f"Deny {st.label()} of the permissions boundary {boundary_name}".rstrip())
                       for st in self.boundary.statements if st.is_deny]
        self._limits = [d for d in denies if not d.statement.conditions]
        self._conditional_limits = [d for d in denies if d.statement.conditions]
        self._denies = [d.statement for d in self._limits]
        self._restricted: dict[int, Restricted] = {}
        self._cache: dict[tuple, Optional[Allowed]] = {}

    def denied(self, action: str) -> bool:
        """An unconditional Deny of the action on every resource it can act on."""
        return any(covers(st, action) and denies_everywhere(st, action) for st in self._denies)

    def within_boundary(self, action: str) -> bool:
        """The boundary (if any) allows the action on some resource, and denies it nowhere unconditionally (which
        resources it allows is part of `restricted`)."""
        if self.boundary is None:
            return True
        statements = self.boundary.statements
        if any(st.is_deny and not st.conditions and covers(st, action) and denies_everywhere(st, action)
               for st in statements):
            return False
        return any(st.is_allow and covers(st, action) for st in statements)

    def restricted(self, st: Statement) -> Restricted:
        """What is left of one Allow statement the principal holds after its Denies and its boundary."""
        found = self._restricted.get(id(st))
        if found is None:
            boundary = None
            if self.boundary is not None:
                boundary = ([b for b in self.boundary.statements if b.is_allow],
                            f"the permissions boundary {self.boundary_name}".rstrip())
            found = restrict(st, self._limits, self._conditional_limits, boundary)
            self._restricted[id(st)] = found
        return found

    def unconstrained(self, action: str, passed_to: Optional[str] = None) -> Optional[Allowed]:
        """The statement that allows the action on every resource, unless a Deny or the boundary takes it away.
        An unconditional statement is preferred to a conditional one."""
        key = (action.lower(), passed_to)
        if key in self._cache:
            return self._cache[key]
        found: Optional[Allowed] = None
        if not self.denied(action) and self.within_boundary(action):
            for h in self.holdings:
                if not h.statement.is_allow:
                    continue
                left = self.restricted(h.statement)
                for st in left.pieces:
                    if allows_action(st, action) is not True or resources_reach(st, action) is not True:
                        continue
                    if passed_to is not None and not passes_to(st, passed_to):
                        continue
                    conditional = bool(st.conditions) or left.conditional_deny
                    if found is None or (found.conditional and not conditional):
                        found = Allowed(action, h, conditional)
                    break
                if found is not None and not found.conditional:
                    break
        self._cache[key] = found
        return found
