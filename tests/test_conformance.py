"""agentlint's evaluator against real Terraform: every case's value must equal what `terraform plan` computed.

`tests/conformance/expected.json` holds Terraform's planned `input` of each `terraform_data` case (written by
`tests/conformance/regenerate.py`). Values compare exactly: types included (1 is not "1" nor true), whole numbers
as Terraform prints them, a `jsonencode` result as Terraform's exact string, and a value Terraform knows only after
apply must be unknown to agentlint too.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from agentlint.loaders import load
from agentlint.values import Unknown

HERE = Path(__file__).resolve().parent / "conformance"
CASES = HERE / "cases"
EXPECTED = json.loads((HERE / "expected.json").read_text())
NEEDS_INSTANCES: set[str] = set()


def _canonical(value) -> str:
    def default(v):
        if isinstance(v, Unknown):
            return {"__unknown__": True}  # what regenerate.py records for a value known only after apply
        return {"__unexpected__": repr(v)}

    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=default)


def _agentlint_values(folder: str) -> dict:
    model = load([str(CASES / folder)])
    assert not model.errors, model.errors
    return {f"{folder}/{r.address}": r.values.get("input") for r in model.resources if r.type == "terraform_data"}


FOLDERS = sorted(p.name for p in CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", FOLDERS)
def test_agentlint_agrees_with_terraform(folder):
    if folder in NEEDS_INSTANCES:
        pytest.skip("needs instance expansion (lead's branch)")
    expected = {k: v for k, v in EXPECTED["cases"].items() if k.startswith(folder + "/")}
    assert expected, f"no expected values for {folder}: run tests/conformance/regenerate.py"
    got = _agentlint_values(folder)
    assert sorted(got) == sorted(expected), "agentlint and Terraform see different resources"
    disagreements = {k: (_canonical(got[k]), _canonical(v)) for k, v in expected.items()
                     if _canonical(got[k]) != _canonical(v)}
    assert not disagreements, "\n".join(f"{k}\n  agentlint: {a}\n  terraform: {b}"
                                        for k, (a, b) in sorted(disagreements.items()))


def test_enough_cases():
    assert len(EXPECTED["cases"]) >= 150


@pytest.mark.slow
def test_expected_data_matches_real_terraform():
    """Regenerate with the installed binary: the checked-in data must be what Terraform says today."""
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed here; expected.json was generated with Terraform "
                    + EXPECTED["terraform_version"])
    sys.path.insert(0, str(HERE))
    try:
        import regenerate
    finally:
        sys.path.remove(str(HERE))
    fresh = regenerate.regenerate()
    assert fresh["cases"] == EXPECTED["cases"]
