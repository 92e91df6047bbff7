"""Suppression comments: read from comment tokens only, expiring with `until=`, applied in one place."""
from __future__ import annotations

import datetime

import pytest

from agentlint import suppressions
from agentlint.config import Config
from agentlint.engine import scan
from agentlint.loaders.hcl_ast import parse_hcl
from conftest import FIXTURES

# An agent whose role has AdministratorAccess, suppressed on line 13 (the comment) for the block on line 14.
ADMIN = (FIXTURES / "AL003/good/until-future/main.tf").read_text().replace("until=2999-12-31", "%s")


@pytest.mark.parametrize("text,expected", [
    ('# agentlint:ignore[AL201] reason: sandbox\na = 1\n', [(1, ["AL201"], "sandbox", None)]),
    ('a = 1 // agentlint:ignore[AL101, admin-access] -- ticket 7\n', [(1, ["AL101", "admin-access"], "ticket 7", None)]),
    ('# agentlint:ignore[AL201] until=2027-03-31 reason: migration\n', [(1, ["AL201"], "migration", "2027-03-31")]),
    ('# agentlint:ignore[AL201] UNTIL = 2027-03-31\n', [(1, ["AL201"], "", "2027-03-31")]),
    ('# agentlint:ignore[AL201]\n', [(1, ["AL201"], "", None)]),
    ('/* notes\n # agentlint:ignore[AL201] in a block comment */\na = 1\n', [(2, ["AL201"], "in a block comment", None)]),
    ('b {\n  y = c /* # agentlint:ignore[AL7] glued to ? */ ? 1 : 2\n}\n', [(2, ["AL7"], "glued to ?", None)]),
    ('a = "# agentlint:ignore[AL201] inside a string"\n', []),
    ('a = "/* # agentlint:ignore[AL201] */"\n', []),
    ('a = <<EOT\n# agentlint:ignore[AL201] inside a heredoc\nEOT\n', []),
    ('a = <<-EOT\n  // agentlint:ignore[AL201] inside an indented heredoc\n  EOT\n', []),
    ('a = 1 # agentlint: ignore [AL201] spaced\n', [(1, ["AL201"], "spaced", None)]),
])
def test_directives_come_from_comment_tokens_only(text, expected):
    assert parse_hcl(text, "main.tf").suppressions == expected


def test_heredoc_text_gives_no_suppression_and_no_unused_suppression():
    """Regression: `# agentlint:ignore[...]` in `user_data` shell text was taken as a suppression (spurious AL003)."""
    report = scan(["fixtures/AL003/good/heredoc-text"], Config())
    assert report.findings == [] and report.suppressed == []


def _write(tmp_path, until: str):
    (tmp_path / "main.tf").write_text(ADMIN % until)
    return str(tmp_path)


def _rules_and_lines(report):
    return sorted((f.rule_id, f.start_line, f.message) for f in report.findings if f.rule_id == "AL003"), \
        sorted(f.rule_id for f in report.findings), [s.finding.rule_id for s in report.suppressed]


@pytest.mark.parametrize("today,applies", [
    (datetime.date(2027, 3, 30), True),
    (datetime.date(2027, 3, 31), True),   # through the day named
    (datetime.date(2027, 4, 1), False),
])
def test_expiring_suppression_applies_through_its_date(tmp_path, monkeypatch, today, applies):
    monkeypatch.setattr(suppressions, "today", lambda: today)
    report = scan([_write(tmp_path, "until=2027-03-31")], Config())
    unused, rules, suppressed = _rules_and_lines(report)
    if applies:
        assert (unused, rules, suppressed) == ([], [], ["AL201"])
    else:
        assert rules == ["AL003", "AL201"] and suppressed == []
        assert unused == [("AL003", 13, "agentlint:ignore[AL201] expired on 2027-03-31; the findings it suppressed "
                                        "are reported again")]
        assert report.findings[0].rule_id == "AL201" and report.findings[0].start_line == 14


@pytest.mark.parametrize("until", ["until=2027-02-30", "until=31/03/2027", "until=", "until=2027-3-31"])
def test_a_bad_date_never_applies_and_is_reported_with_file_and_line(tmp_path, monkeypatch, until):
    monkeypatch.setattr(suppressions, "today", lambda: datetime.date(2020, 1, 1))
    report = scan([_write(tmp_path, until)], Config())
    [bad] = [f for f in report.findings if f.rule_id == "AL003"]
    assert (bad.path, bad.start_line) == (str(tmp_path / "main.tf"), 13)
    assert "which is not a date (YYYY-MM-DD); it does not apply" in bad.message
    assert "AL201" in {f.rule_id for f in report.findings} and report.suppressed == []


def test_expiry_survives_the_parse_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(suppressions, "today", lambda: datetime.date(2028, 1, 1))
    path = _write(tmp_path, "until=2027-03-31")
    first = scan([path], Config(), use_cache=True)
    second = scan([path], Config(), use_cache=True)
    assert _rules_and_lines(first) == _rules_and_lines(second)
    assert _rules_and_lines(second)[1] == ["AL003", "AL201"]


def test_apply_takes_the_date_it_is_given():
    s = suppressions.file_suppressions(parse_hcl(ADMIN % "until=2027-03-31", "main.tf"))
    assert [(x.line, x.block_address, x.until) for x in s] == [(13, "aws_iam_role_policy_attachment.admin",
                                                                 "2027-03-31")]
    assert suppressions.expiry_problem(s[0], datetime.date(2027, 3, 31)) is None
    assert suppressions.expiry_problem(s[0], datetime.date(2027, 4, 1)).startswith("expired on 2027-03-31")
