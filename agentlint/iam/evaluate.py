"""Questions asked of one IAM statement. Unknown parts answer None ("cannot tell"), never False."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from agentlint.iam.actions import (is_full_wildcard, is_resource_wildcard, is_service_wildcard,
                                   matches, pattern_set, service_of)
from agentlint.iam.policy import Statement

# More excluded services than this in an Allow+NotAction statement is no longer "near everything".
NEAR_ADMIN_NOT_ACTION_LIMIT = 10


def allows_action(st: Statement, action: str) -> Optional[bool]:
    if not st.is_allow:
        return False
    if st.actions is not None:
        known, complete = _action_patterns(st)
        if known.matches(action):
            return True
        return False if complete else None
    if st.not_actions is not None:
        known, complete = _action_patterns(st)
        if not complete:
            return None
        return not known.matches(action)
    return False


def _action_patterns(st: Statement):
    """The statement's Action (or NotAction) patterns as one matcher, and whether every entry could be read. Kept
    on the statement (never changed after it is read): rules ask one statement about thousands of actions."""
    cached = st.__dict__.get("_action_patterns")
    if cached is None:
        items = st.actions if st.actions is not None else (st.not_actions or [])
        known = tuple(a for a in items if isinstance(a, str))
        cached = st.__dict__["_action_patterns"] = (pattern_set(known), len(known) == len(items))
    return cached


def on_all_resources(st: Statement) -> Optional[bool]:
    """Does the statement apply to every resource (`*`, a whole-service ARN wildcard, or NotResource)?"""
    if st.not_resources is not None:
        return True
    if st.resources is None:
        return False
    known = st.resource_strings()
    if any(is_resource_wildcard(r) for r in known):
        return True
    return None if len(known) < len(st.resources) else False


def _arn_service(resource: str) -> Optional[str]:
    parts = resource.strip().split(":", 5)
    return parts[2] if len(parts) == 6 and parts[0].lower() == "arn" else None


def resources_reach(st: Statement, action: str) -> Optional[bool]:
    """Does the statement apply to every resource this action can act on: `*`, `NotResource`, or a whole-service
    ARN wildcard of the action's own service (`arn:aws:s3:::*` reaches every bucket for `s3:GetObject`, and no
    secret for `secretsmanager:GetSecretValue`)?"""
    if st.not_resources is not None:
        return True
    if st.resources is None:
        return False
    known = st.resource_strings()
    service = service_of(action)
    for r in known:
        if r.strip() == "*":
            return True
        arn_service = _arn_service(r)
        if is_resource_wildcard(r) and arn_service is not None and (matches(arn_service, service) or not service):
            return True
    return None if len(known) < len(st.resources) else False


def denies_everywhere(st: Statement, action: str) -> bool:
    """Does a Deny statement's `Resource` take the action away on every resource (not `NotResource`, which spares
    what it lists)?"""
    return st.not_resources is None and resources_reach(st, action) is True


def on_every_resource(st: Statement) -> bool:
    """`Resource "*"` (or `NotResource`): every resource of every service, not one service's whole-ARN wildcard."""
    return st.not_resources is not None or any(r.strip() == "*" for r in st.resource_strings())


def wildcard_resources(st: Statement) -> list[str]:
    if st.not_resources is not None:
        return ["NotResource " + ", ".join(str(r) for r in st.not_resources)]
    return [r for r in st.resource_strings() if is_resource_wildcard(r)]


def admin_level(st: Statement) -> Optional[str]:
    """'admin' for Allow * on `Resource "*"`, 'near-admin' for `*` on everything but a few resources
    (`NotResource`), everything-but-a-few actions on every resource, or iam:* on every IAM resource; None otherwise.
    `Action "*"` on one service's resources (`arn:aws:s3:::*`) is that service's actions: the other rules' to judge."""
    if not st.is_allow or on_all_resources(st) is not True:
        return None
    actions = st.action_strings()
    iam = any(a.lower() in ("iam:*",) for a in actions) and resources_reach(st, "iam:PassRole") is True
    if not on_every_resource(st):
        return "near-admin" if iam else None
    if st.actions is not None and any(is_full_wildcard(a) for a in actions):
        return "admin" if st.not_resources is None else "near-admin"
    if st.not_actions is not None:
        known = [a for a in st.not_actions if isinstance(a, str)]
        if len(known) == len(st.not_actions) and len(known) <= NEAR_ADMIN_NOT_ACTION_LIMIT:
            return "near-admin"
    if iam:
        return "near-admin"
    return None


def service_wildcards(st: Statement) -> list[str]:
    """`*` and `svc:*` action patterns in an Allow statement."""
    if not st.is_allow:
        return []
    return [a for a in st.action_strings() if is_full_wildcard(a) or is_service_wildcard(a)]


def is_conditional(st: Statement) -> bool:
    return bool(st.conditions)


# Condition keys that tie a trust statement to specific callers (organization, account, principal, source).
NARROWING_KEYS = {"aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
                  "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths", "aws:sourceowner",
                  "aws:userid", "sts:externalid"}


_ACCOUNT_KEYS = {"aws:principalaccount", "aws:sourceaccount", "aws:sourceowner", "aws:resourceaccount"}
_ARN_KEYS = {"aws:principalarn", "aws:sourcearn"}
_ORG_KEYS = {"aws:principalorgid", "aws:sourceorgid", "aws:resourceorgid"}
_ORG_PATH_KEYS = {"aws:principalorgpaths", "aws:sourceorgpaths"}


def _wild(text: str) -> bool:
    return "*" in text or "?" in text


def pins(key: str, value) -> bool:
    """Does one condition value tie the request to a known account, organization or caller? A value that matches
    any account does not: `arn:aws:iam::*:role/qa-*` for aws:PrincipalArn, `*` or `1111*` for an account key, an
    organization id with a wildcard. A computed value (a variable) is taken to pin, as written."""
    if not isinstance(value, str):
        return True
    v, k = value.strip(), key.lower()
    if v.strip("*?") == "":
        return False
    if k in _ACCOUNT_KEYS or k in _ORG_KEYS:
        return not _wild(v)
    if k in _ORG_PATH_KEYS:
        return not _wild(v.split("/", 1)[0])
    if k == "aws:userid":
        return not _wild(v.split(":", 1)[0])
    if k in _ARN_KEYS:
        parts = v.split(":", 5)
        if len(parts) < 6:
            return not _wild(v)
        account = parts[4]
        if _wild(account) or _wild(parts[2]):
            return False
        return bool(account) or parts[5].strip("*?/") != ""  # S3 ARNs have no account: the bucket name pins
    return True


def narrows(c) -> bool:
    """A condition that only lets some callers through: a positive operator (not `StringNotEquals`, not `Null`)
    whose every value pins an account, organization or caller (`pins`)."""
    op = c.operator.lower().split(":")[-1]
    if "not" in op or op.startswith("null"):
        return False
    return bool(c.values) and all(pins(c.key, v) for v in c.values)


def narrowing_conditions(st: Statement) -> list:
    """Conditions on a narrowing key that narrow (`narrows`)."""
    return [c for c in st.conditions if c.key.lower() in NARROWING_KEYS and narrows(c)]


def allows_assume(st: Statement, action: str = "sts:AssumeRole") -> bool:
    return st.is_allow and bool(allows_action(st, action))


def any_principal(st: Statement) -> bool:
    principals = st.principals or {}
    return "*" in principals or any(p == "*" for p in principals.get("AWS", []))


def granted_actions(st: Statement) -> tuple:
    """The catalogue actions an Allow statement's Action (or NotAction: everything else) reaches; names the
    catalogue does not know are left out (AL001 and the catalogue test speak for those)."""
    if not st.is_allow:
        return ()
    if st.actions is not None:
        return _granted(tuple(sorted(a.lower() for a in st.action_strings())), False)
    if st.not_actions is not None:
        known = [a for a in st.not_actions if isinstance(a, str)]
        if len(known) < len(st.not_actions):
            return ()
        return _granted(tuple(sorted(a.lower() for a in known)), True)
    return ()


@lru_cache(maxsize=2048)
def _granted(patterns: tuple, negated: bool) -> tuple:
    from agentlint.iam.catalog import catalog

    cat = catalog()
    if not negated:
        out: dict = {}
        for p in patterns:
            for a in cat.expand(p):
                out.setdefault(a.name, a)
        return tuple(out.values())
    return tuple(a for a in cat.expand("*") if not any(matches(p, a.name) for p in patterns))


ACCOUNT_ROOT = re.compile(r"^(?:\d{12}|arn:aws[\w-]*:iam::\d{12}:root)$")
ACCOUNT_OF = re.compile(r"^(?:(\d{12})|arn:aws[\w-]*:(?:iam|sts)::(\d{12}):.+)$")


def aws_principals(st: Statement) -> list:
    """The statement's `AWS` principals (strings, or Unknown for computed ones)."""
    return list((st.principals or {}).get("AWS", []))


def account_of(principal: str) -> Optional[str]:
    m = ACCOUNT_OF.match(principal.strip())
    return (m.group(1) or m.group(2)) if m else None


def condition_keys(st: Statement) -> set[str]:
    """Condition keys (lower case) of the conditions that narrow (`narrows`: not only wildcards, not a wildcard
    account)."""
    return {c.key.lower() for c in st.conditions if narrows(c)}

# Conditions that pick identities out of a trusted account (or prove a third party's identity).
WHOLE_ACCOUNT_NARROWING = {"aws:principalarn", "aws:userid", "sts:externalid", "aws:principalorgpaths",
                           "sts:rolesessionname", "sts:sourceidentity"}


def identity_narrowing(st: Statement) -> list:
    """Conditions of an identity-policy statement that tie the request to known sources, callers or organizations
    (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`, `iam:PassedToService`...): the statement still
    grants, with less reach."""
    keys = NARROWING_KEYS | {"iam:passedtoservice", "aws:resourceorgid", "aws:resourceaccount", "aws:sourcevpc",
                             "aws:sourcevpce", "aws:calledvia"}
    return [c for c in st.conditions if c.key.lower() in keys and narrows(c)]


def expanded_actions(st: Statement, whole_services: bool = True):
    """(pattern, whether it is `*` or a whole service, catalogue action) for each action an Allow statement's
    `Action` patterns reach, in the order written; `whole_services=False` leaves `*` and `svc:*` unexpanded."""
    from agentlint.iam.catalog import catalog

    cat = catalog()
    for pattern in st.action_strings():
        whole = is_full_wildcard(pattern) or is_service_wildcard(pattern)
        if whole and not whole_services:
            continue
        for action in cat.expand(pattern):
            yield pattern, whole, action
