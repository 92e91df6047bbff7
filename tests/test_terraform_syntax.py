"""Valid Terraform that python-hcl2 8.1 refuses, read as Terraform reads it (tests/conformance/cases/heredocs and
continuations hold Terraform's answers): a heredoc closing marker with whitespace after it, and a call, `=>` or
`.attribute` continued on the next line inside brackets. Each made the whole file a parse error. Lines keep their
numbers."""

from __future__ import annotations

from pathlib import Path

from agentlint.loaders.continuations import join_continuations
from agentlint.loaders.hcl_ast import parse_hcl
from agentlint.loaders.heredocs import close_heredoc_markers
from helpers import run

CASES = Path(__file__).resolve().parent / "conformance" / "cases"

POLICY = '''resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = <<POLICY
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
POLICY  
}

resource "aws_iam_access_key" "late" {
  user = "ci"
}
'''


def test_a_padded_marker_closes_its_heredoc_and_the_rest_of_the_file_is_read(tmp_path):
    (tmp_path / "main.tf").write_text(POLICY)
    report = run(str(tmp_path))
    assert report.errors == []
    assert sorted((f.rule_id, f.start_line) for f in report.findings) == [("AL201", 9), ("AL301", 13)]


def test_only_marker_lines_change():
    text = 'a = <<EOF\nEOF x\nbody  \n  EOF \t\nb = "EOF  "\n# <<EOT\nc = 1\n'
    assert close_heredoc_markers(text) == 'a = <<EOF\nEOF x\nbody  \n  EOF\nb = "EOF  "\n# <<EOT\nc = 1\n'
    crlf = 'a = <<-EOT\r\n  x\r\n  EOT  \r\nb = 1\r\n'
    assert close_heredoc_markers(crlf) == 'a = <<-EOT\r\n  x\r\n  EOT\r\nb = 1\r\n'
    untouched = 'a = "no heredoc"\nEOF  \n'
    assert close_heredoc_markers(untouched) is untouched
    opener_with_space = 'a = <<EOF  \nbody\nEOF  \n'  # Terraform refuses it: left for the parser to report
    assert close_heredoc_markers(opener_with_space) == opener_with_space


def test_continued_lines_are_joined_and_every_block_keeps_its_lines():
    text = (CASES / "continuations" / "main.tf").read_text()
    blocks = {b.labels[-1]: (b.start_line, b.end_line) for b in parse_hcl(text, "main.tf").blocks if b.labels}
    real = {}
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith('resource "terraform_data"'):
            real[line.split('"')[3]] = number
    assert {name: lines[0] for name, lines in blocks.items()} == real
    assert blocks["arrow_on_its_own_line"] == (real["arrow_on_its_own_line"], real["arrow_on_its_own_line"] + 4)


def test_the_join_touches_only_continuation_newlines():
    assert join_continuations('a = [b,\n  (c)]\nd = { x = 1\n  (k) = 2 }\n') is None
    assert join_continuations('a = try\n  (b, c)\n') is None  # outside brackets a newline ends the attribute
    assert join_continuations('a = [try\n  (b, c)]\nz = 1\n') == 'a = [try (b, c)]\n\nz = 1\n'
    assert join_continuations('a = f(x\n  .y,\n  1)\nz = 1\n') == 'a = f(x .y,\n  1)\n\nz = 1\n'
    quoted = 'a = ["x\\n(y)", "${f("\\n.z")}", <<EOT\ntry\n(q)\nEOT\n]\n'
    assert join_continuations(quoted) is None


def test_a_file_that_still_fails_reports_its_first_error(tmp_path):
    (tmp_path / "main.tf").write_text('locals {\n  a = [try\n    (1, 2)]\n  b = (\n}\n')
    [error] = run(str(tmp_path)).errors
    assert error.kind == "parse-error" and error.line == 5


def test_terragrunt_files_are_read_the_same_way():
    # Terragrunt parses with Terraform's HCL library: the same continuation and padded marker in a terragrunt.hcl.
    from agentlint.loaders.terragrunt_parse import _parse_unpruned

    text = ('locals {\n  env = [try\n    (local.missing, "prod")]\n  doc = <<EOF\nbody\nEOF  \n}\n'
            'terraform {\n  source = "../modules/agent"\n}\n')
    attrs, _lines, blocks = _parse_unpruned(text, "terragrunt.hcl", 100)
    assert [(b.type, b.start_line) for b in blocks] == [("locals", 1), ("terraform", 8)]
