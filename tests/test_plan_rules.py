"""Every plan fixture (`fixtures/ALxxx/plan/<case>/`): the exact findings of its `tfplan.json`, per address.

A case folder holds the configuration (`*.tf`, `terraform.tfvars`), the plan `terraform show -json` printed for it
(`tfplan.json`; regenerate with `fixtures/plans/make-plans.sh` where Terraform can plan offline, otherwise written
by hand in the same shape), and `expected.json`: `{address: [{rule, severity, message}, ...]}` listing every finding.
A `known-gap.md` beside them says which finding agentlint misses today: the case is a strict xfail, so the fix
turns it into a failure that asks for the file to be deleted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, rel
from helpers import run

CASES = sorted(p.parent for p in FIXTURES.glob("AL*/plan/*/expected.json"))


def _param(case):
    gap = case / "known-gap.md"
    marks = []
    if gap.exists():
        first_sentence = " ".join(gap.read_text().split()).split(". ")[0]  # what pytest prints as the reason
        marks.append(pytest.mark.xfail(strict=True, reason=first_sentence))
    return pytest.param(case, marks=marks, id=rel(case).removeprefix("fixtures/"))


def findings_by_address(report) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for f in report.findings:
        found.setdefault(f.address, []).append({"rule": f.rule_id, "severity": f.severity.value, "message": f.message})
    return {address: sorted(items, key=lambda i: (i["rule"], i["message"])) for address, items in found.items()}


def expected_by_address(case) -> dict[str, list[dict]]:
    doc = json.loads((case / "expected.json").read_text())
    return {address: sorted(items, key=lambda i: (i["rule"], i["message"])) for address, items in doc.items()}


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_plan_fixture_findings(case):
    report = run(rel(case / "tfplan.json"), rules={case.parent.parent.name: {"enabled": True}})  # opt-in rules too
    assert report.errors == []
    assert findings_by_address(report) == expected_by_address(case)
    # A plan finding names the plan it came from even when it is located in the code beside it.
    assert all(f.plan == rel(case / "tfplan.json") for f in report.findings)


def test_every_plan_fixture_is_complete():
    assert CASES, "no plan fixture found"
    for case in CASES:
        assert (case / "tfplan.json").is_file(), case
        assert list(case.glob("*.tf")), f"{case}: the configuration the plan was made from is missing"
        doc = json.loads((case / "tfplan.json").read_text())
        assert doc["format_version"] and doc["planned_values"] and doc["configuration"], case


def test_every_rule_category_has_a_plan_fixture():
    from agentlint.rule import all_rules

    category = {rule.id: rule.category for rule in all_rules()}
    covered = set()
    for case in CASES:
        if (case / "known-gap.md").exists():
            continue
        covered |= {category[i["rule"]] for items in expected_by_address(case).values() for i in items}
    assert covered == set(category.values())


TERRAFORM_CASES = [c for c in CASES if (c / "providers.tf").exists()]
PLUGINS = Path(os.environ.get("TF_PLUGIN_DIR", "/opt/tf-plugins"))


@pytest.mark.slow
@pytest.mark.parametrize("case", TERRAFORM_CASES, ids=[rel(c).removeprefix("fixtures/") for c in TERRAFORM_CASES])
def test_plan_fixture_is_what_terraform_prints_for_its_code(case, tmp_path):
    """The committed tfplan.json is still the plan of the code beside it (where Terraform can plan offline)."""
    if shutil.which("terraform") is None or not (PLUGINS / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        pytest.skip("terraform and the hashicorp/aws plugin folder are needed to plan offline (TF_PLUGIN_DIR)")
    copy = tmp_path / case.name
    shutil.copytree(case, copy)
    subprocess.run([str(FIXTURES / "plans" / "make-plans.sh"), str(copy)], check=True, capture_output=True,
                   timeout=600, env={**os.environ, "TF_PLUGIN_DIR": str(PLUGINS)})
    assert json.loads((copy / "tfplan.json").read_text()) == json.loads((case / "tfplan.json").read_text()), (
        f"{rel(case)}: the code changed since its plan was made; run fixtures/plans/make-plans.sh {rel(case)}")
