"""Inline suppressions: `# agentlint:ignore[AL201] until=2027-03-31 reason` comments, from reading them to
applying them to findings.

The parser (loaders/hcl_ast.py) hands over the text of real comment tokens only, so the same words inside a string
or a heredoc (`user_data` shell text) are not a suppression. Terraform JSON has no comments, and a plan has none:
plan findings located in code honour the code's comments.

Each comment covers the top-level block it sits on, inside, or the line above it. `until=YYYY-MM-DD` right after
the bracket makes it expire: it applies through that day and no longer after it (the finding is reported again,
and AL003 reports the expired comment). A date that is not a calendar date makes the comment apply never (fail
closed) and AL003 reports it with its file and line.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Optional

from agentlint.model import Finding, SuppressedFinding, Suppression, SuppressionInfo

if TYPE_CHECKING:
    from agentlint.loaders.parsed import ParsedFile

# One directive as the parser stores it (and the parse cache keeps it): (line, rules, reason, until or None).
Directive = tuple[int, list[str], str, Optional[str]]

_DIRECTIVE = re.compile(r"(?:#|//)\s*agentlint\s*:\s*ignore\s*\[([^\]]*)\]\s*(.*)$")
_UNTIL = re.compile(r"until\s*=\s*(\S*)\s*", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_REASON_PREFIX = re.compile(r"^(reason\s*:\s*|--\s*)", re.IGNORECASE)


def directives(comments: list[tuple[int, str]]) -> list[Directive]:
    """The suppression directives in comments, given as (first line, comment text) pairs. A block comment spans
    lines: each of its lines is read on its own, as a line comment would be."""
    found: list[Directive] = []
    for first_line, text in comments:
        if "agentlint" not in text:
            continue
        if text.startswith("/*"):
            text = text[:-2]  # the closing `*/` is not part of a reason
        for offset, line in enumerate(text.splitlines()):
            m = _DIRECTIVE.search(line)
            if m is None:
                continue
            rules = [r.strip() for r in m.group(1).split(",") if r.strip()]
            rest = m.group(2).strip()
            until = None
            u = _UNTIL.match(rest)
            if u:
                until, rest = u.group(1), rest[u.end():]
            found.append((first_line + offset, rules, _REASON_PREFIX.sub("", rest).strip(), until))
    return found


def file_suppressions(parsed: "ParsedFile") -> list[Suppression]:
    """Each directive covers the top-level block it sits on, inside, or above (the line before)."""
    out = []
    for line, rules, reason, until in parsed.suppressions:
        block = next((b for b in parsed.blocks if b.start_line <= line <= b.end_line), None) or next(
            (b for b in parsed.blocks if b.start_line == line + 1), None)
        address = None
        if block is not None:
            address = ".".join(([] if block.type == "resource" else [block.type]) + block.labels)
        out.append(Suppression(path=parsed.path, line=line, rules=rules, reason=reason, block_address=address,
                               block_start=block.start_line if block else None,
                               block_end=block.end_line if block else None, until=until))
    return out


def today() -> datetime.date:
    """The date expiries are judged against (tests replace it to stay independent of the clock)."""
    return datetime.date.today()


def expiry_problem(s: Suppression, on: Optional[datetime.date] = None) -> Optional[str]:
    """Why a suppression with `until=` no longer applies (expired, or not a date), else None."""
    if s.until is None:
        return None
    try:
        if not _DATE.fullmatch(s.until):
            raise ValueError(s.until)
        until = datetime.date.fromisoformat(s.until)
    except ValueError:
        return f"has until={s.until!r}, which is not a date (YYYY-MM-DD); it does not apply"
    if (on or today()) > until:
        return f"expired on {until.isoformat()}; the findings it suppressed are reported again"
    return None


def apply(findings: list[Finding], suppressions: list[Suppression],
          on: Optional[datetime.date] = None) -> tuple[list[Finding], list[SuppressedFinding]]:
    """Split findings into those reported and those a suppression in force covers (marking the ones used)."""
    on = on or today()
    active = [s for s in suppressions if expiry_problem(s, on) is None]
    kept: list[Finding] = []
    suppressed: list[SuppressedFinding] = []
    for f in findings:
        # A statement finding also answers to a comment on the attachment, where it was reported up to 0.2.0.
        match = next((s for s in active if (s.covers(f.path, f.start_line) or
                                            (f.legacy_location is not None and s.covers(*f.legacy_location)))
                      and any(r.upper() == f.rule_id or r.lower() == f.rule_name for r in s.rules)), None)
        if match is None:
            kept.append(f)
            continue
        match.used = True
        suppressed.append(SuppressedFinding(finding=f, suppression=SuppressionInfo(
            path=match.path, line=match.line, reason=match.reason)))
    return kept, suppressed
