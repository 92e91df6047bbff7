"""Small records the graph hands to rules (kept apart from the graph so that listing rules does not load the
builder)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from agentlint.model import Resource


@dataclass
class Grant:
    """A policy that applies to a principal, and how it got there."""

    policy: str  # node id
    via: Optional[Resource]  # attachment/membership resource, None when the policy resource itself is the link
    via_attr: Optional[str] = None  # attribute on `via` that holds it (inline_policy, managed_policy_arns)
    via_line: Optional[int] = None
    group: Optional[str] = None  # group node id when inherited through membership


@dataclass
class AgentPath:
    agent: str  # node id of the agent workload
    hops: list[str]  # node ids from the agent to the identity, inclusive
