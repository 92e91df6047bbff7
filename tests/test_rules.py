"""Every rule fixture: the exact findings (rule, file, line) its annotations name, and the rendered text."""

from __future__ import annotations

from collections import Counter

import pytest

from agentlint.outputs.text import render
from conftest import FIXTURES, ROOT, expected_findings, rel
from helpers import run
from test_traces import trace_gaps

CASES = sorted(p for p in FIXTURES.glob("AL*/*/*") if p.is_dir() and p.parent.name in ("bad", "good"))


@pytest.mark.parametrize("case", CASES, ids=[rel(c).removeprefix("fixtures/") for c in CASES])
def test_fixture_findings(case, snapshot):
    report = run(rel(case), rules={case.parent.parent.name: {"enabled": True}})  # opt-in rules too
    assert report.errors == []
    actual = Counter((f.path, f.start_line, f.rule_id) for f in report.findings)
    assert actual == expected_findings(case)
    if case.parent.name == "good":
        assert report.findings == []
    assert trace_gaps(report.findings) == []  # each finding's path (tests/test_traces.py)
    assert render(report, agents=True) == snapshot  # the agent inventory too: what made each agent one


def test_every_bad_fixture_has_findings():
    for case in CASES:
        if case.parent.name == "bad":
            assert expected_findings(case), f"{case} has no `# expect:` annotation"


def test_fixture_folders_exist_for_every_rule():
    from agentlint.rule import all_rules

    for rule in all_rules():
        assert (FIXTURES / rule.id / "bad").is_dir(), rule.id
        assert (FIXTURES / rule.id / "good").is_dir(), rule.id


# AL002's fixtures belong to the suppressions rework (issue 14), which writes its second bad case.
ONE_BAD_CASE_FOR_NOW = {"AL002"}


def test_every_rule_has_two_bad_cases_and_one_good_case():
    from agentlint.rule import all_rules

    short = {}
    for rule in all_rules():
        bad = [c for c in CASES if c.parent == FIXTURES / rule.id / "bad"]
        good = [c for c in CASES if c.parent == FIXTURES / rule.id / "good"]
        if len(bad) < (1 if rule.id in ONE_BAD_CASE_FOR_NOW else 2) or not good:
            short[rule.id] = (len(bad), len(good))
    assert short == {}


def test_agent_findings_rank_above_the_same_finding_without_agent():
    report = run("fixtures/AL201/bad/near-admin")
    by_identity = {f.identity: f for f in report.findings if f.rule_id == "AL201"}
    agent = by_identity["aws_iam_role.coder"]
    human = by_identity["aws_iam_role.ops"]
    assert agent.agents == ["aws_lambda_function.coder"] and agent.severity.value == "critical"
    assert human.agents == [] and human.severity.value == "high"
    assert report.findings.index(agent) < report.findings.index(human)


def test_admin_attachment_names_agent_and_attachment_line():
    report = run("fixtures/AL201/bad/managed-attachment")
    [f] = report.findings
    assert (f.rule_id, f.path, f.start_line, f.end_line) == (
        "AL201", "fixtures/AL201/bad/managed-attachment/main.tf", 16, 19)
    assert f.address == "aws_iam_role_policy_attachment.admin"
    assert f.agents == ["aws_bedrockagent_agent.support"]
    assert [s.role for s in f.trace] == ["agent", "identity", "attachment", "policy"]
    assert f.message == ("role aws_iam_role.agent (used by agent aws_bedrockagent_agent.support) has full "
                         "administrator access: AWS managed policy AdministratorAccess (full access to every AWS "
                         "service and resource) is attached")


@pytest.mark.parametrize("spelling", ["jsonencode", "heredoc", "policy-document", "inline-policy-block",
                                      "managed-policy-arns", "local-module"])
def test_admin_found_in_every_policy_spelling(spelling):
    report = run(f"fixtures/AL201/bad/{spelling}")
    admin = [f for f in report.findings if f.rule_id == "AL201"]
    assert len(admin) == 1 and admin[0].agents and admin[0].severity.value == "critical"


def test_plan_with_unknown_role_arn_gives_the_same_finding_as_the_code():
    code = run("fixtures/AL201/bad/local-module").findings
    plan = run("fixtures/AL201/plan/admin-agent.tfplan.json").findings
    assert [(f.rule_id, f.address, f.message, f.agents) for f in plan] == [
        (f.rule_id, f.address, f.message, f.agents) for f in code]
    assert plan[0].path == "fixtures/AL201/plan/admin-agent.tfplan.json" and plan[0].start_line is None


def test_scoped_agent_has_no_finding_at_all():
    report = run("fixtures/AL201/good/scoped-agent")
    assert [a.address for a in report.agents] == ["aws_bedrockagent_agent.support"]
    assert report.findings == []


def test_example_in_readme(snapshot):
    report = run("fixtures/examples/bedrock-agent")
    assert render(report, agents=True) == snapshot  # the agent inventory too: what made each agent one
    assert {(f.rule_id, f.severity.value) for f in report.findings} == {
        ("AL201", "critical"), ("AL101", "high"), ("AL401", "high"), ("AL501", "medium")}
    assert ROOT.joinpath("fixtures/examples/bedrock-agent/main.tf").exists()
