"""IAM action and resource pattern matching. IAM compares action names case-insensitively; `*` and `?` are the
only wildcards."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=8192)
def _compile(pattern: str) -> re.Pattern:
    out = []
    for ch in pattern:
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out) + r"\Z", re.IGNORECASE | re.DOTALL)


def matches(pattern: str, value: str) -> bool:
    """Does an IAM pattern (from a policy) match a concrete action or resource?"""
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern:  # most patterns are plain names: no regular expression needed
        return pattern.lower() == value.lower()
    return _compile(pattern).match(value) is not None


class PatternSet:
    """Several IAM patterns matched at once: plain names by one set lookup, only the wildcards by expression.
    A statement of ReadOnlyAccess holds hundreds of patterns and rules ask it about thousands of actions."""

    __slots__ = ("star", "plain", "globs")

    def __init__(self, patterns: tuple[str, ...]):
        self.star = "*" in patterns
        self.plain = frozenset(p.lower() for p in patterns if "*" not in p and "?" not in p)
        self.globs = tuple(_compile(p) for p in patterns if ("*" in p or "?" in p) and p != "*")

    def matches(self, value: str) -> bool:
        return self.star or value.lower() in self.plain or any(g.match(value) is not None for g in self.globs)


@lru_cache(maxsize=8192)
def pattern_set(patterns: tuple[str, ...]) -> PatternSet:
    return PatternSet(patterns)


def is_full_wildcard(pattern: str) -> bool:
    return pattern.strip() in ("*", "*:*")


def service_of(action: str) -> str:
    return action.split(":", 1)[0].lower() if ":" in action else ""


def is_service_wildcard(pattern: str) -> bool:
    """`s3:*` (the whole service), not `s3:Get*`."""
    return ":" in pattern and pattern.split(":", 1)[1].strip() == "*" and "*" not in pattern.split(":", 1)[0]


def is_resource_wildcard(resource: str) -> bool:
    """`*`, or an ARN that names every resource of its kind: `arn:aws:s3:::*` / `arn:aws:s3:::*/*` (every bucket or
    object), `arn:aws:secretsmanager:*:*:secret:*`, `arn:aws:ssm:*:*:parameter/*`. `arn:aws:s3:::docs/*` (one
    bucket's objects) and `secret:hr/*` are scoped."""
    r = resource.strip()
    if r == "*":
        return True
    if not r.lower().startswith("arn:"):
        return False
    parts = r.split(":", 5)
    if len(parts) < 6:
        return False
    service, tail = parts[2].lower(), parts[5]
    if service == "s3":
        return tail.split("/", 1)[0].strip("*") == ""  # the bucket part decides
    cut = min((i for i in (tail.find("/"), tail.find(":")) if i >= 0), default=-1)
    name = tail if cut < 0 else tail[cut + 1:]
    return name.strip("*") == "" and "*" in name
