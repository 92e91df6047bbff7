"""Effective permissions of one principal: every statement it holds (inline, attached, managed by ARN, through its
groups, from policy-document data sources), less what a Deny removes, capped by its permissions boundary.

The question asked here is the one escalation and exposure analyses need: "is this action allowed on every
resource?" (cloudsplaining's "without resource constraint"). A statement with conditions still grants, marked
conditional; `iam:PassedToService` is understood, so a PassRole limited to Lambda does not count for EC2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from agentlint.iam.actions import matches
from agentlint.iam.evaluate import allows_action, on_all_resources
from agentlint.iam.policy import PolicyDocument, Statement

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

    @property
    def conditional(self) -> bool:
        return bool(self.by.statement.conditions)


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
    def __init__(self, holdings: list[Holding], boundary: Optional[PolicyDocument] = None):
        self.holdings = holdings
        self.boundary = boundary if boundary is not None and boundary.known else None
        self.boundary_unknown = boundary is not None and not boundary.known
        self._denies = [h.statement for h in holdings if h.statement.is_deny and not h.statement.conditions
                        and on_all_resources(h.statement) is True]
        self._cache: dict[tuple, Optional[Allowed]] = {}

    def denied(self, action: str) -> bool:
        return any(covers(st, action) for st in self._denies)

    def within_boundary(self, action: str) -> bool:
        if self.boundary is None:
            return True
        statements = self.boundary.statements
        if any(st.is_deny and not st.conditions and on_all_resources(st) is True and covers(st, action)
               for st in statements):
            return False
        return any(st.is_allow and on_all_resources(st) is True and covers(st, action) for st in statements)

    def unconstrained(self, action: str, passed_to: Optional[str] = None) -> Optional[Allowed]:
        """The statement that allows the action on every resource, unless a Deny or the boundary takes it away.
        An unconditional statement is preferred to a conditional one."""
        key = (action.lower(), passed_to)
        if key in self._cache:
            return self._cache[key]
        found: Optional[Allowed] = None
        if not self.denied(action) and self.within_boundary(action):
            for h in self.holdings:
                st = h.statement
                if not st.is_allow or allows_action(st, action) is not True or on_all_resources(st) is not True:
                    continue
                if passed_to is not None and not passes_to(st, passed_to):
                    continue
                if found is None or (found.conditional and not st.conditions):
                    found = Allowed(action, h)
                if not st.conditions:
                    break
        self._cache[key] = found
        return found
