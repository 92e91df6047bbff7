"""Findings on a policy statement are reported at the statement (its `statement` block, its object inside
`jsonencode`, its line inside a heredoc), with the attachment and the policy in the trace. They used to sit on the
attachment: baselines written then still match, and suppression comments on the attachment still apply."""

from __future__ import annotations

import json

from click.testing import CliRunner

from agentlint.cli import main
from agentlint.config import Config
from agentlint.engine import scan
from agentlint.loaders.hcl_ast import parse_hcl
from agentlint.loaders.statement_lines import json_statement_offsets
from conftest import ROOT

OTHER_FILE = "fixtures/AL101/bad/statements-in-another-file"
# Made by agentlint 0.2.0 (main before statement locations) over these inputs, from the repository root:
# agentlint baseline <BASELINED...> -o tests/baselines/main-0.2.0.json
BASELINE = "tests/baselines/main-0.2.0.json"
BASELINED = ["fixtures/examples/bedrock-agent", "fixtures/AL201/bad/heredoc", "fixtures/AL201/bad/jsonencode",
             "fixtures/AL601/bad/star-spellings", "fixtures/AL001/bad/computed-actions", "fixtures/plans/located"]


def invoke(*args):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_statement_in_another_file_than_the_attachment():
    report = scan([OTHER_FILE], Config())
    assert [(f.rule_id, f.path, f.start_line, f.end_line, f.address) for f in report.findings] == [
        ("AL101", f"{OTHER_FILE}/policies.tf", 14, 14, "data.aws_iam_policy_document.helpdesk"),
        ("AL101", f"{OTHER_FILE}/policies.tf", 21, 21, "data.aws_iam_policy_document.helpdesk")]
    trace = [(s.role, s.address, s.path, s.line, s.note) for s in report.findings[0].trace]
    assert trace == [
        ("agent", "aws_bedrockagent_agent.helpdesk", f"{OTHER_FILE}/main.tf", 3, None),
        ("identity", "aws_iam_role.helpdesk", f"{OTHER_FILE}/main.tf", 9, None),
        ("attachment", "aws_iam_role_policy_attachment.helpdesk", f"{OTHER_FILE}/main.tf", 14, None),
        ("policy", "aws_iam_policy.helpdesk", f"{OTHER_FILE}/policies.tf", 1, None),
        ("statement", "data.aws_iam_policy_document.helpdesk", f"{OTHER_FILE}/policies.tf", 14,
         "statement 'Tickets'")]
    # Two statements, two fingerprints; each also answers to the one it had on the attachment.
    first, second = report.findings
    assert first.fingerprint != second.fingerprint
    assert len(first.legacy_fingerprints) == 2 and not set(first.legacy_fingerprints) & set(second.legacy_fingerprints)


def test_sarif_result_at_the_statement_with_the_attachment_related():
    code, out = invoke("scan", OTHER_FILE, "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    assert code == 1 and len(results) == 2
    region = results[0]["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == f"{OTHER_FILE}/policies.tf" and region["region"]["startLine"] == 14
    related = {(r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"])
               for r in results[0]["relatedLocations"]}
    assert (f"{OTHER_FILE}/main.tf", 14) in related  # the attachment
    report = scan([OTHER_FILE], Config())
    assert [r["partialFingerprints"] for r in results] == [{"agentlint/v1": f.fingerprint} for f in report.findings]


def test_jsonencode_and_heredoc_statements_have_their_own_line():
    report = scan(["fixtures/AL201/bad/heredoc", "fixtures/AL201/bad/jsonencode",
                   "fixtures/AL601/bad/star-spellings"], Config())
    assert sorted((f.rule_id, f.path, f.start_line, f.address) for f in report.findings) == [
        ("AL201", "fixtures/AL201/bad/heredoc/main.tf", 23, "aws_iam_policy.broad"),  # line 5 of the heredoc
        ("AL201", "fixtures/AL201/bad/jsonencode/main.tf", 19, "aws_iam_role_policy.everything"),
        ("AL601", "fixtures/AL601/bad/star-spellings/main.tf", 12, "aws_iam_role.bare_string"),
        ("AL601", "fixtures/AL601/bad/star-spellings/main.tf", 22, "aws_iam_role.aws_list"),  # second statement
        ("AL601", "fixtures/AL601/bad/star-spellings/main.tf", 29, "data.aws_iam_policy_document.open")]


def test_a_baseline_written_before_the_move_still_matches(tmp_path):
    """The baseline file was written by agentlint 0.2.0 (the main branch before statement locations), when these
    findings sat on their attachments (or the role's assume_role_policy line): every one still matches."""
    before = json.loads((ROOT / BASELINE).read_text())
    assert before["tool"]["version"] == "0.2.0" and len(before["findings"]) == 13
    moved = {(e["rule_id"], e["address"]) for e in before["findings"]}
    assert ("AL101", "aws_iam_role_policy.tool") in moved and ("AL601", "aws_iam_role.document") in moved
    report = scan(BASELINED, Config())
    now = {(f.rule_id, f.address) for f in report.findings}
    assert len(moved - now) == 6  # six of them are reported somewhere else now ...
    code, out = invoke("scan", *BASELINED, "--baseline", BASELINE, "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["findings"] == []  # ... and all of them still match
    assert doc["summary"]["baselined"] == 13 and doc["summary"]["baseline_fixed"] == 0
    # `baseline --update` keeps every entry as written: nothing was fixed.
    copy = tmp_path / "baseline.json"
    copy.write_text((ROOT / BASELINE).read_text())
    code, out = invoke("baseline", *BASELINED, "-o", str(copy), "--update")
    assert code == 0
    assert json.loads(copy.read_text())["findings"] == before["findings"]


def test_a_comment_on_the_attachment_still_suppresses(tmp_path):
    for name in ("main.tf", "policies.tf"):
        (tmp_path / name).write_text((ROOT / OTHER_FILE / name).read_text())
    main_tf = tmp_path / "main.tf"
    main_tf.write_text(main_tf.read_text().replace(
        'resource "aws_iam_role_policy_attachment" "helpdesk" {',
        '# agentlint:ignore[AL101] reason: the helpdesk tables and queues are the agent\'s own\n'
        'resource "aws_iam_role_policy_attachment" "helpdesk" {'))
    code, out = invoke("scan", str(tmp_path), "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["findings"] == []  # no AL003: the comment is used
    assert sorted((s["finding"]["start_line"], s["suppression"]["line"]) for s in doc["suppressed"]) == [
        (14, 14), (21, 14)]


def test_statement_offsets_in_json_text():
    text = ('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Resource": '
            '"${format("%s", var.x)}"},\n\n    {"Effect": "Deny", "Action": ["a:[b]"]},\n  ]\n}')
    offsets = json_statement_offsets(text)
    assert [text.count("\n", 0, o) + 1 for o in offsets] == [4, 6]
    assert json_statement_offsets('{"Statement": {"Effect": "Allow"}}') == [14]
    assert json_statement_offsets('{"Statement": ${jsonencode(local.statements)}}') is None
    assert json_statement_offsets('{"Statement": ["${local.one}"]}') is None  # not an object literal


def test_statement_lines_only_for_spellings_that_can_be_counted():
    src = ('resource "aws_iam_policy" "p" {\n'
           '  a = jsonencode({ Statement = concat(local.x, [{ Effect = "Allow" }]) })\n'
           '  b = jsonencode({ Statement = [for s in local.x : s] })\n'
           '  c = jsonencode({\n    Statement = [\n      { Effect = "Allow" },\n      local.extra,\n    ]\n  })\n'
           '  d = <<-EOT\n    {"Statement": [\n      %{ for s in local.x }${s},%{ endfor }\n    ]}\n  EOT\n'
           '  e = jsonencode({\n    Statement = [\n      # first\n      {\n        Effect = "Allow"\n'
           '      },\n      { Effect = "Deny" }\n    ]\n  })\n'
           '}\n')
    lines = parse_hcl(src, "x.tf").blocks[0].attr_lines
    assert {k: v for k, v in lines.items() if "Statement" in k} == {"e.Statement[0]": 18, "e.Statement[1]": 21}
