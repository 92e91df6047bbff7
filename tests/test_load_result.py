"""Loaders hand back a LoadResult: what they read and what went wrong, never appended to lists the caller owns."""
from __future__ import annotations

import shutil

from agentlint.loaders.plan_input import PlanLoader
from agentlint.model import ScanModel
from conftest import FIXTURES

LOCATED = FIXTURES / "plans" / "located"


def test_plan_loader_returns_the_code_it_read_for_locations_in_its_result(tmp_path):
    """The plan's resources are located in the code beside it; that code's suppression comments and what could not
    be read in it (a notice: the code is not an input) come back in the result, and the model is left alone."""
    code = (LOCATED / "main.tf").read_text().replace(
        'resource "aws_iam_role_policy_attachment" "managed" {',
        '# agentlint:ignore[AL201] sandbox account without data, SEC-9\n'
        'resource "aws_iam_role_policy_attachment" "managed" {')
    (tmp_path / "main.tf").write_text(code)
    (tmp_path / "broken.tf").write_text('resource "aws_iam_role" {\n')
    shutil.copy(LOCATED / "tfplan.json", tmp_path / "tfplan.json")
    model = ScanModel()
    got = PlanLoader(None, model).load(str(tmp_path / "tfplan.json"))
    assert model.notices == [] and model.suppressions == [] and model.errors == []
    assert got.errors == []
    assert [(n.kind, n.path.rsplit("/", 1)[-1], n.line) for n in got.notices] == [("source-not-read", "broken.tf", 2)]
    assert [(s.line, s.rules, s.block_address) for s in got.suppressions] == [
        (22, ["AL201"], "aws_iam_role_policy_attachment.managed")]
    located = {r.address: (r.path.rsplit("/", 1)[-1], r.start_line) for r in got.resources if r.start_line}
    assert located['aws_iam_role_policy_attachment.managed["arn:aws:iam::aws:policy/AdministratorAccess"]'] == (
        "main.tf", 23)


def test_a_binary_plan_is_an_error_or_a_notice_of_the_result():
    binary = str(FIXTURES / "plans" / "binary" / "module-count" / "plan.out")
    model = ScanModel()
    named = PlanLoader(None, model).load(binary)  # named without --terraform-show: it cannot be read
    assert named.resources == [] and [e.kind for e in named.errors] == ["binary-plan"] and named.notices == []
    found = PlanLoader(None, model).load(binary, explicit=False)  # found in a folder, its JSON beside it
    assert found.errors == [] and [(n.kind, n.message) for n in found.notices] == [
        ("binary-plan", "binary plan not read: plan.json beside it is scanned")]
    assert model.errors == [] and model.notices == []
