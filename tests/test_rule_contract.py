"""Every rule keeps the contract: unique id and name, a known category, documentation with every section."""

from __future__ import annotations

import re

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
