"""Every rule keeps the contract: unique id and name, a known category, documentation with every section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agentlint.model import CATEGORIES
from agentlint.rule import DOC_SECTIONS, all_rules

RULES = all_rules()


def test_rules_are_found_and_unique():
    assert len(RULES) >= 7
    assert len({r.id for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_contract(rule):
    assert re.fullmatch(r"AL\d{3}", rule.id)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.category in CATEGORIES
    assert rule.title and rule.fix and not rule.title.endswith(".")
    doc = rule.doc()
    for section in DOC_SECTIONS:
        assert section in doc, f"{rule.id} documentation lacks {section!r}"
    assert "```hcl" in doc


def test_rule_pages_are_current():
    """docs/rules/<ID>.md is generated from the rule; regenerate with `python -m agentlint.outputs.rule_docs`."""
    from pathlib import Path

    from agentlint.outputs.rule_docs import render

    folder = Path(__file__).resolve().parent.parent / "docs" / "rules"
    assert sorted(p.stem for p in folder.glob("*.md")) == [r.id for r in RULES]
    for rule in RULES:
        assert (folder / f"{rule.id}.md").read_text() == render(rule), f"docs/rules/{rule.id}.md is stale"


def test_checkov_manifest_is_current():
    """The Checkov checks are made from this manifest; regenerate with `python -m agentlint.outputs.rule_docs`."""
    from agentlint.outputs.rule_docs import CHECKOV_MANIFEST, checkov_manifest

    assert open(CHECKOV_MANIFEST).read() == checkov_manifest()


def test_readme_rules_table_is_current():
    """README.md's table of rules is generated from the rules; regenerate with `python -m agentlint.outputs.rule_docs`."""
    from agentlint.outputs.rule_docs import readme_table, with_readme_table

    # The checkout's README, not one beside an installed package (CI installs the package, not in editable mode).
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert with_readme_table(text) == text, "README.md's rules table is stale"
    assert readme_table() in text


def test_declared_severity_is_what_users_get():
    """A rule ranked by agents reports its severity with an agent and one level lower without; a fixed rule reports
    its severity. Rules whose findings can never name an agent must be fixed (else nobody ever sees the declared
    level)."""
    from agentlint.rule import Ranking, severity_label

    by_id = {r.id: r for r in RULES}
    assert severity_label(by_id["AL101"]) == "high / medium" and by_id["AL101"].ranking is Ranking.AGENTS
    assert severity_label(by_id["AL316"]) == "medium" and by_id["AL316"].ranking is Ranking.FIXED
    assert by_id["AL002"].ranking is Ranking.FIXED  # judges code, not identities
    fixed = {r.id for r in RULES if r.ranking is Ranking.FIXED}
    assert fixed == {"AL002", "AL003", "AL105", "AL209", "AL306", "AL308", "AL309", "AL312", "AL314", "AL315",
                     "AL316", "AL317", "AL318", "AL319", "AL501", "AL607", "AL609", "AL610", "AL701", "AL702", "AL703", "AL704", "AL705", "AL801", "AL802", "AL803",
                     "AL804"}


def test_rules_json_and_sarif_say_what_a_finding_without_agent_gets():
    import json

    from click.testing import CliRunner

    from agentlint.cli import main
    from agentlint.outputs.sarif import rule_descriptor

    listed = {r["id"]: r for r in json.loads(CliRunner().invoke(main, ["rules", "--format", "json"]).output)}
    assert (listed["AL201"]["ranking"], listed["AL201"]["severity"], listed["AL201"]["severity_without_agent"]) == (
        "agents", "critical", "high")
    assert (listed["AL316"]["ranking"], listed["AL316"]["severity"], listed["AL316"]["severity_without_agent"]) == (
        "fixed", "medium", "medium")
    by_id = {r.id: r for r in RULES}
    assert rule_descriptor(by_id["AL201"])["properties"]["severity-without-agent"] == "high"
    assert rule_descriptor(by_id["AL316"])["defaultConfiguration"]["level"] == "warning"
