"""`scan --diff-base REF`: the "Scope drift" section of the text report and of the Markdown comment, and the
`--fail-on-drift` gate (command line and configuration) beside `--fail-on`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from agentlint.cli import main
from test_drift import repo  # noqa: F401 - the git fixture repository


def _scan(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["scan", "infra", "--diff-base", *args])
    return result.exit_code, result.output


def test_text_report_has_the_scope_drift_section(repo, snapshot):  # noqa: F811
    code, out = _scan("HEAD~1", "--fail-on", "none")
    assert code == 0
    section = out[out.index("Scope drift since HEAD~1"):]
    assert section == snapshot


def test_markdown_comment_has_the_scope_drift_section(repo, snapshot):  # noqa: F811
    code, out = _scan("HEAD~1", "--fail-on", "none", "--format", "markdown")
    assert code == 0
    assert out.index("### Scope drift since `HEAD~1`") < out.index("### How to fix")
    start = out.index("### Scope drift")
    assert out[start:out.index("\n", out.index("| `aws_lambda_function.retired`"))] == snapshot


def test_no_section_when_nothing_drifted(repo):  # noqa: F811
    code, out = _scan("HEAD", "--fail-on", "none", "--fail-on-drift", "any")
    assert code == 0 and "Scope drift" not in out
    code, out = _scan("HEAD", "--fail-on", "none", "--format", "markdown")
    assert code == 0 and "Scope drift" not in out


@pytest.mark.parametrize("level,code", [("any", 1), ("sensitive", 1), ("permissions-management", 1), ("admin", 0)])
def test_fail_on_drift_is_a_gate_of_its_own(repo, level, code):  # noqa: F811
    assert _scan("HEAD~1", "--fail-on", "none", "--fail-on-drift", level)[0] == code
    assert _scan("HEAD~1", "--fail-on", "high", "--fail-on-drift", level)[0] == 1  # findings fail it anyway


def test_fail_on_drift_from_the_configuration(repo):  # noqa: F811
    (repo / ".agentlint.toml").write_text('fail-on = "critical"\nfail-on-drift = "sensitive"\n')
    assert _scan("HEAD~1")[0] == 1
    (repo / ".agentlint.toml").write_text('fail-on = "critical"\nfail-on-drift = "admin"\n')
    assert _scan("HEAD~1")[0] == 0
    assert _scan("HEAD~1", "--fail-on-drift", "any")[0] == 1  # the command line wins
    (repo / ".agentlint.toml").write_text('fail-on-drift = "everything"\n')
    code, out = _scan("HEAD~1")
    assert code == 2 and "configuration error" in out


def test_fail_on_drift_needs_a_base(repo):  # noqa: F811
    result = CliRunner().invoke(main, ["scan", "infra", "--fail-on-drift", "any"])
    assert result.exit_code == 2 and "--fail-on-drift needs --diff-base REF" in result.output
