"""The command line: exit codes, the JSON contract, subcommands, configuration errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from agentlint.cli import main

EXAMPLE = "fixtures/examples/bedrock-agent"
CLEAN = "fixtures/AL201/good/scoped-agent"


def invoke(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_exit_1_on_findings_and_0_when_clean():
    code, out = invoke("scan", EXAMPLE)
    assert code == 1 and "AL201 admin-access" in out
    code, out = invoke("scan", CLEAN)
    assert code == 0 and out.startswith("No findings") and "1 agent (--agents lists them)" in out


def test_fail_on_threshold():
    assert invoke("scan", EXAMPLE, "--fail-on", "critical")[0] == 1
    assert invoke("scan", "fixtures/AL101/bad/later-statement", "--fail-on", "high")[0] == 0  # one medium finding
    assert invoke("scan", "fixtures/AL101/bad/later-statement")[0] == 1  # default threshold: medium


def test_exit_2_on_unreadable_input_and_usage_errors(tmp_path):
    bad = tmp_path / "main.tf"
    bad.write_text('resource "aws_iam_user" "u" {\n  name = \n}\n')
    code, out = invoke("scan", str(tmp_path), "--format", "json")
    assert code == 2
    errors = json.loads(out)["errors"]
    assert errors == [{"path": str(bad), "line": 2, "kind": "parse-error",
                       "message": "syntax error: unexpected end of line"}]
    assert invoke("scan", "does/not/exist")[0] == 2
    assert invoke("scan")[0] == 2
    assert invoke("scan", EXAMPLE, "--format", "yaml")[0] == 2


def test_json_contract():
    code, out = invoke("scan", EXAMPLE, "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert {"findings", "agents", "errors", "schema_version", "summary", "tool"} <= set(doc)
    for finding in doc["findings"]:
        assert {"rule_id", "category", "severity", "confidence", "message", "path", "start_line", "end_line",
                "address", "agents", "fingerprint", "fix", "trace", "title", "rule_name", "identity", "roots",
                "plan", "repo_path"} == set(finding)  # `plan` added with located plan findings (null for code findings)
        assert finding["plan"] is None
        assert finding["severity"] in ("critical", "high", "medium", "low", "info")
        assert finding["confidence"] in ("high", "medium", "low")
    admin = next(f for f in doc["findings"] if f["rule_id"] == "AL201")
    assert admin["category"] == "admin-access"
    assert admin["agents"] == ["aws_bedrockagent_agent.support"]
    assert admin["path"] == "fixtures/examples/bedrock-agent/modules/agent_role/main.tf"
    assert (admin["start_line"], admin["end_line"]) == (19, 22)
    assert admin["address"] == "module.agent_role.aws_iam_role_policy_attachment.admin"
    assert [a["address"] for a in doc["agents"]] == ["aws_bedrockagent_agent.support", "aws_lambda_function.orders_tool"]
    assert doc["agents"][0]["evidence"] == [
        {"kind": "resource-type", "detail": "aws_bedrockagent_agent is a Bedrock agent", "confidence": "high"}]


def test_fingerprints_survive_moving_code(tmp_path):
    src = open("fixtures/AL201/bad/managed-attachment/main.tf").read()
    (tmp_path / "main.tf").write_text(src)
    first = json.loads(invoke("scan", str(tmp_path), "--format", "json")[1])["findings"][0]
    (tmp_path / "main.tf").write_text("\n\n# moved down\n\n" + src)
    moved = json.loads(invoke("scan", str(tmp_path), "--format", "json")[1])["findings"][0]
    assert moved["start_line"] == first["start_line"] + 4
    assert moved["fingerprint"] == first["fingerprint"]


def test_output_file(tmp_path):
    target = tmp_path / "report.json"
    code, out = invoke("scan", EXAMPLE, "--format", "json", "-o", str(target))
    assert code == 1 and "4 findings (1 critical, 2 high, 1 medium)" in out  # the human report reaches the terminal
    assert json.loads(target.read_text())["summary"]["findings"] == 4
    assert invoke("scan", EXAMPLE, "-o", str(tmp_path / "missing" / "x.json"))[0] == 2


def test_select_and_ignore():
    _, out = invoke("scan", EXAMPLE, "--format", "json", "--select", "AL2")
    assert {f["rule_id"] for f in json.loads(out)["findings"]} == {"AL201"}
    _, out = invoke("scan", EXAMPLE, "--format", "json", "--ignore", "admin-access", "--ignore", "AL4")
    # Without AL201, the rules it supersedes report the administrator themselves (agentlint.supersedes).
    assert {f["rule_id"] for f in json.loads(out)["findings"]} == {"AL101", "AL202", "AL203", "AL501"}


def test_rules_and_explain(snapshot):
    code, out = invoke("rules")
    assert code == 0 and out == snapshot
    code, out = invoke("explain", "AL201")
    assert code == 0 and "## Why is this bad?" in out and "AdministratorAccess" in out
    assert invoke("explain", "admin-access")[1] == out
    assert invoke("explain", "AL999")[0] == 2


@pytest.mark.parametrize("fmt", ["json", "mermaid", "dot"])
def test_graph(fmt, snapshot):
    code, out = invoke("graph", EXAMPLE, "--format", fmt)
    assert code == 0 and out == snapshot


def test_graph_json_links_agent_to_admin_policy():
    doc = json.loads(invoke("graph", EXAMPLE)[1])
    edges = {(e["source"].split("::")[1], e["rel"], e["target"].split("::")[1]) for e in doc["edges"]}
    assert ("aws_bedrockagent_agent.support", "runs_as", "module.agent_role.aws_iam_role.this") in edges
    assert ("module.agent_role.aws_iam_role.this", "policy", "aws-managed:AdministratorAccess") in edges
    assert ("aws_bedrockagent_agent.support", "tool", "aws_lambda_function.orders_tool") in edges


def test_config_file_and_unknown_keys(tmp_path, monkeypatch):
    cfg = tmp_path / ".agentlint.toml"
    cfg.write_text('fail-on = "critical"\n[agents]\ninclude = ["aws_lambda_function.*"]\n')
    code, out = invoke("scan", "fixtures/AL101/bad/later-statement", "--config", str(cfg))
    assert code == 0
    cfg.write_text('fail_on = "high"\nseverity-threshold = 1\n[agents]\nincldue = []\n')
    code, out = invoke("scan", EXAMPLE, "--config", str(cfg))
    assert code == 2
    assert "unknown key 'severity-threshold'" in out and "unknown key 'agents.incldue'" in out
    cfg.unlink()
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.agentlint]\nfail-on = "critical"\n')
    monkeypatch.chdir(tmp_path)
    code, out = invoke("config")
    assert code == 0 and '"fail-on": "critical"' in out


def test_agents_from_configuration(tmp_path):
    case = "fixtures/AL101/bad/later-statement"
    [finding] = json.loads(invoke("scan", case, "--format", "json")[1])["findings"]
    assert finding["agents"] == [] and finding["severity"] == "medium"
    cfg = tmp_path / "agentlint.toml"
    cfg.write_text('[agents]\ninclude = ["aws_iam_role.c*"]\n')
    doc = json.loads(invoke("scan", case, "--format", "json", "--config", str(cfg))[1])
    assert doc["agents"][0]["evidence"] == [{"kind": "config", "detail": "configured as an agent by pattern 'aws_iam_role.c*'",
                                             "confidence": "high"}]
    assert doc["findings"][0]["agents"] == ["aws_iam_role.ci"] and doc["findings"][0]["severity"] == "high"
    cfg.write_text('[agents]\nexclude = ["aws_bedrockagent_agent.*"]\n')
    doc = json.loads(invoke("scan", EXAMPLE, "--format", "json", "--config", str(cfg))[1])
    assert doc["agents"] == [] and {f["severity"] for f in doc["findings"]} == {"high", "medium"}


def test_config_schema():
    code, out = invoke("config", "--schema")
    schema = json.loads(out)
    assert code == 0 and "fail-on" in schema["properties"] and schema["additionalProperties"] is False


def test_python_dash_m_and_version():
    out = subprocess.run([sys.executable, "-m", "agentlint", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("agentlint, version ")


def test_bc_python_hcl2_fork_is_detected(tmp_path):
    """Checkov's fork installs the same `hcl2` module: simulate it on sys.path and expect a clear stop."""
    fake = tmp_path / "hcl2"
    fake.mkdir()
    (fake / "__init__.py").write_text("__version__ = '0.4.3'\ndef loads(text):\n    return {}\n")
    env = {"PYTHONPATH": str(tmp_path)}
    import os

    out = subprocess.run([sys.executable, "-m", "agentlint", "rules"], capture_output=True, text=True,
                         env={**os.environ, **env})
    assert out.returncode == 2
    assert "bc-python-hcl2 0.4.3" in out.stderr and "pipx install agentlint-iac" in out.stderr


def test_colour_only_when_asked_or_a_terminal():
    assert "\x1b[" not in invoke("scan", EXAMPLE)[1]  # CliRunner output is not a terminal
    coloured = invoke("scan", EXAMPLE, "--color")[1]
    assert "\x1b[" in coloured and "CRITICAL" in coloured


def test_tfvars_file_argument(tmp_path):
    (tmp_path / "main.tf").write_text(
        'variable "admin" {\n  type = string\n}\n'
        'resource "aws_lambda_function" "f" {\n  role = aws_iam_role.r.arn\n  tags = { ai-agent = "true" }\n}\n'
        'resource "aws_iam_role" "r" {\n  name = "r"\n}\n'
        'resource "aws_iam_role_policy_attachment" "a" {\n  role = aws_iam_role.r.name\n  policy_arn = var.admin\n}\n')
    (tmp_path / "prod.tfvars").write_text('admin = "arn:aws:iam::aws:policy/AdministratorAccess"\n')
    without = json.loads(invoke("scan", str(tmp_path), "--format", "json")[1])["findings"]
    assert [f["rule_id"] for f in without] == ["AL001"]  # unresolved variable: cannot verify, not "safe"
    with_vars = json.loads(invoke("scan", str(tmp_path), str(tmp_path / "prod.tfvars"), "--format", "json")[1])
    assert [f["rule_id"] for f in with_vars["findings"]] == ["AL201"]


def test_fingerprints_do_not_depend_on_where_the_repository_is(tmp_path):
    src = open("fixtures/AL201/bad/managed-attachment/main.tf").read()
    prints = []
    for checkout in ("one/infra", "elsewhere/deeper/infra"):
        folder = tmp_path / checkout
        folder.mkdir(parents=True)
        (folder / "main.tf").write_text(src)
        prints.append(json.loads(invoke("scan", str(folder), "--format", "json")[1])["findings"][0]["fingerprint"])
    assert prints[0] == prints[1]


def test_limits_from_configuration(tmp_path):
    cfg = tmp_path / "agentlint.toml"
    cfg.write_text("[limits]\nmax-config-bytes = 10\n")
    code, out = invoke("scan", CLEAN, "--format", "json", "--config", str(cfg))
    errors = json.loads(out)["errors"]
    assert code == 2 and errors and {e["kind"] for e in errors} == {"limit"}
    cfg.write_text("[limits]\nmax-nesting = 0\n")
    code, out = invoke("scan", CLEAN, "--config", str(cfg))
    assert code == 2 and "limits.max-nesting" in out


def test_per_rule_severity_and_enabled(tmp_path):
    cfg = tmp_path / "agentlint.toml"
    cfg.write_text('[rules.AL201]\nseverity = "medium"\n[rules.sensitive-data-read]\nenabled = false\n')
    doc = json.loads(invoke("scan", EXAMPLE, "--format", "json", "--config", str(cfg))[1])
    assert {(f["rule_id"], f["severity"]) for f in doc["findings"]} == {
        ("AL201", "medium"), ("AL101", "high"), ("AL501", "medium")}
    cfg.write_text('[rules.AL999]\nenabled = false\n')
    code, out = invoke("scan", EXAMPLE, "--config", str(cfg))
    assert code == 2 and "unknown rule 'AL999' in [rules]" in out


def test_suppressions_and_no_ignore():
    case = "fixtures/AL002/good/with-reason"
    doc = json.loads(invoke("scan", case, "--format", "json")[1])
    assert doc["findings"] == [] and doc["summary"]["suppressed"] == 3
    admin = next(s for s in doc["suppressed"] if s["finding"]["rule_id"] == "AL201")
    assert admin["suppression"] == {"path": f"{case}/main.tf", "line": 12,
                                    "reason": "sandbox account 111122223333 with no data, SEC-412"}
    assert invoke("scan", case)[0] == 0
    code, out = invoke("scan", case, "--format", "json", "--no-ignore")
    assert code == 1
    assert sorted(f["rule_id"] for f in json.loads(out)["findings"]) == ["AL101", "AL201", "AL401"]
    # A suppression without a reason still applies, but the gate fails until the reason is written.
    code, out = invoke("scan", "fixtures/AL002/bad/no-reason", "--format", "json")
    assert code == 1 and [f["rule_id"] for f in json.loads(out)["findings"]] == ["AL002"]


def test_baseline_round_trip_survives_moving_code(tmp_path):
    repo = tmp_path / "infra"
    repo.mkdir()
    src = open(f"{EXAMPLE}/main.tf").read()
    (repo / "main.tf").write_text(src)
    (repo / "modules").mkdir()
    import shutil

    shutil.copytree(f"{EXAMPLE}/modules/agent_role", repo / "modules" / "agent_role")
    base = tmp_path / "baseline.json"
    code, out = invoke("baseline", str(repo), "-o", str(base))
    assert code == 0 and "4 finding(s)" in out
    assert len(json.loads(base.read_text())["findings"]) == 4

    code, out = invoke("scan", str(repo), "--baseline", str(base), "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["findings"] == [] and doc["summary"]["baselined"] == 4

    # Move code down a few lines: still nothing new.
    (repo / "main.tf").write_text("\n\n\n# moved\n" + src)
    code, out = invoke("scan", str(repo), "--baseline", str(base))
    assert code == 0 and "4 in the baseline" in out

    # A new problem is reported, the accepted ones are not.
    (repo / "extra.tf").write_text(
        'resource "aws_iam_role_policy" "more" {\n  role = aws_iam_role.tool.id\n'
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = "*" }] })\n}\n')
    code, out = invoke("scan", str(repo), "--baseline", str(base), "--format", "json")
    doc = json.loads(out)
    assert code == 1 and [(f["rule_id"], f["address"]) for f in doc["findings"]] == [
        ("AL401", "aws_iam_role_policy.more")]

    # Fixing an accepted finding is counted.
    (repo / "modules" / "agent_role" / "main.tf").write_text(
        (repo / "modules" / "agent_role" / "main.tf").read_text().replace("AdministratorAccess", "ReadOnlyAccess"))
    doc = json.loads(invoke("scan", str(repo), "--baseline", str(base), "--format", "json")[1])
    assert doc["summary"]["baseline_fixed"] == 1


def test_bad_baseline_file(tmp_path):
    bad = tmp_path / "b.json"
    bad.write_text('{"findings": 3}')
    code, out = invoke("scan", EXAMPLE, "--baseline", str(bad))
    assert code == 2 and "not an agentlint baseline" in out
    assert invoke("scan", EXAMPLE, "--baseline", str(tmp_path / "none.json"))[0] == 2


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit", "markdown", "gitlab"])
def test_exit_codes_are_the_same_in_every_format(fmt, tmp_path):
    assert invoke("scan", EXAMPLE, "--format", fmt)[0] == 1
    assert invoke("scan", CLEAN, "--format", fmt)[0] == 0
    (tmp_path / "bad.tf").write_text("resource {\n")
    assert invoke("scan", CLEAN, str(tmp_path), "--format", fmt)[0] == 2


def test_rule_options(tmp_path):
    case = "fixtures/AL501/bad/twelve-hours"
    cfg = tmp_path / "agentlint.toml"
    cfg.write_text("[rules.AL501.options]\nmax-session-seconds = 43200\n")
    doc = json.loads(invoke("scan", case, "--format", "json", "--config", str(cfg))[1])
    assert [f["confidence"] for f in doc["findings"]] == ["low"]  # only the unverifiable one remains
    cfg.write_text("[rules.long-agent-session.options]\nmax-session-seconds = 60\nmax-hours = 2\n")
    code, out = invoke("scan", case, "--config", str(cfg))
    assert code == 2
    assert "max-session-seconds: Input should be greater than or equal to 3600" in out
    assert "max-hours: unknown option" in out


def test_trusted_accounts_silence_third_party_trust(tmp_path):
    case = "fixtures/AL604/bad/vendor-role"
    doc = json.loads(invoke("scan", case, "--format", "json", "--select", "AL604")[1])
    assert [(f["rule_id"], f["confidence"]) for f in doc["findings"]] == [("AL604", "medium")]
    cfg = tmp_path / "agentlint.toml"
    cfg.write_text('[rules.AL604.options]\ntrusted-accounts = ["444455556666"]\n')
    assert json.loads(invoke("scan", case, "--format", "json", "--config", str(cfg))[1])["findings"] == []
    cfg.write_text('[rules.AL604.options]\ntrusted-accounts = ["111122223333"]\n')
    doc = json.loads(invoke("scan", case, "--format", "json", "--select", "AL604", "--config", str(cfg))[1])
    assert [f["confidence"] for f in doc["findings"]] == ["high"]  # told which accounts are ours: a third party


def test_unknown_selectors_are_usage_errors(tmp_path):
    # Guards: `--select NOPE` (or `select = ["NOPE"]`) must not turn every rule off and pass the gate.
    result = CliRunner().invoke(main, ["scan", EXAMPLE, "--select", "NOPE"])
    assert result.exit_code == 2
    assert "unknown rule selector 'NOPE' in select" in result.output
    result = CliRunner().invoke(main, ["scan", EXAMPLE, "--ignore", "AL201,nope-rule"])
    assert result.exit_code == 2 and "unknown rule selector 'nope-rule' in ignore" in result.output
    config = tmp_path / "agentlint.toml"
    config.write_text('select = ["NOPE"]\n')
    result = CliRunner().invoke(main, ["scan", EXAMPLE, "--config", str(config)])
    assert result.exit_code == 2 and "configuration error" in result.output
    code, out = invoke("scan", EXAMPLE, "--select", "AL201,AL501", "--format", "json")
    assert code == 1 and sorted(f["rule_id"] for f in json.loads(out)["findings"]) == ["AL201", "AL501"]
