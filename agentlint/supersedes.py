"""Overlap between rules, resolved once after the graph rules ran.

Every rule reports what it sees on its own: `--select AL101` on `Action = "*"`, `Resource = "*"` reports AL101.
A rule that says the same thing more strongly declares `supersedes = ("AL101", ...)`; when it ran and reported a
subject, the findings of the rules it supersedes about that subject are dropped, so a default scan reports an
administrator once (AL201), not once per rule that also sees it.

The subject of a finding is the graph node it is about: the identity, a policy no identity holds, or a Kubernetes
role. An identity's subject includes the groups it inherits grants from, because the superseding finding about a
group's administrator policy stands for its members too (AL201 reports an inherited grant once, on the group).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentlint.model import Finding

if TYPE_CHECKING:
    from agentlint.rule import Rule, RuleContext


def drop_superseded(findings: list[Finding], rules: "list[type[Rule]]", ctx: "RuleContext") -> list[Finding]:
    """`findings` less those a rule that ran supersedes on the same subject (order kept)."""
    superseded_by = {r.id: r.supersedes for r in rules if r.supersedes}
    if not superseded_by:
        return findings
    covered: dict[str, set[str]] = {}  # superseded rule id -> subjects a superseding rule reported
    for f in findings:
        subject = ctx.subject_of(f)
        if subject is None:
            continue
        for target in superseded_by.get(f.rule_id, ()):
            covered.setdefault(target, set()).add(subject)
    if not covered:
        return findings
    return [f for f in findings if not _covered(f, covered.get(f.rule_id), ctx)]


def _covered(finding: Finding, subjects, ctx: "RuleContext") -> bool:
    if not subjects:
        return False
    subject = ctx.subject_of(finding)
    if subject is None:
        return False
    return subject in subjects or any(group in subjects for group in ctx.graph.groups_of(subject))
