"""`agentlint inventory`: the records of the inventory fixtures (exact JSON), the rendered forms (snapshots) and the
command's exit codes. The HTML page is loaded in a real browser in tests/test_inventory_html.py."""

from __future__ import annotations

import json

from click.testing import CliRunner

from agentlint import __version__
from agentlint.cli import main
from agentlint.config import Config
from agentlint.inventory.build import inventory
from agentlint.inventory.score import blast_radius
from agentlint.outputs import inventory_text
from conftest import FIXTURES

INV = FIXTURES / "inventory"
PATHS = ["fixtures/inventory/aws", "fixtures/inventory/clouds", "fixtures/inventory/k8s"]


def _inv() -> dict:
    return inventory(PATHS, Config())


def _agent(inv: dict, address: str) -> dict:
    return next(a for a in inv["agents"] if a["address"] == address)


def test_json_is_exactly_the_recorded_contract():
    """The whole document, as the README documents it (fixtures/inventory/expected.json, read before recording)."""
    got = json.loads(inventory_text.to_json(_inv()))
    assert got["tool"] == {"name": "agentlint", "version": __version__}
    expected = json.loads((INV / "expected.json").read_text())
    got["tool"]["version"] = expected["tool"]["version"]
    assert got == expected


def test_permissions_through_inline_managed_and_assumed_role():
    a = _agent(_inv(), "aws_lambda_function.researcher")
    assert [(i["how"], i["address"]) for i in a["identities"]] == [
        ("runs as", "aws_iam_role.agent"), ("can assume (sts:AssumeRole and trust)", "aws_iam_role.ops")]
    groups = {(p["identity"], p["service"], p["level"]): p for p in a["permissions"]["aws"]}
    assert groups[("aws_iam_role.agent", "s3", "Read")]["actions"] == ["s3:GetObject"]  # inline
    assert groups[("aws_iam_role.agent", "secretsmanager", "Read")]["count"] == 5  # AWS managed policy
    assert groups[("aws_iam_role.ops", "iam", "Permissions management")]["actions"] == ["iam:CreateAccessKey"]
    assert ("aws_iam_role.agent", "s3", "Write") not in groups  # the Deny on s3:DeleteObject
    assert groups[("aws_iam_role.agent", "sts", "Write")]["on_all_resources"] is False
    assert inventory_text.sensitive_kinds(a) == ["secrets", "data", "identity control", "code execution"]


def test_permissions_through_a_group_are_the_members():
    a = _agent(_inv(), "aws_lambda_function.summariser")
    assert ("member of", "aws_iam_group.deployers", "aws_iam_user.ci") in [
        (i["how"], i["address"], i["from"]) for i in a["identities"]]
    ecr = [p for p in a["permissions"]["aws"] if p["service"] == "ecr"]
    assert [(p["identity"], p["level"], p["actions"]) for p in ecr] == [
        ("aws_iam_user.ci", "Read", ["ecr:GetAuthorizationToken"])]


def test_agents_sharing_an_identity_and_a_carried_key():
    inv = _inv()
    summariser = _agent(inv, "aws_lambda_function.summariser")
    assert summariser["shared_with"] == [{"identity": "aws_iam_role.agent", "address": "aws_lambda_function.researcher",
                                          "kind": "agent"}]
    assert [(c["address"], c["belongs_to"], c["lifetime"], c["where"]) for c in summariser["credentials"]] == [
        ("aws_iam_access_key.ci", "aws_iam_user.ci", "no expiry", "in the agent's configuration")]
    vendor = next(e for e in inv["external_principals"] if e["principal"] == "arn:aws:iam::999988887777:root")
    assert vendor["agents"] == ["aws_lambda_function.researcher", "aws_lambda_function.summariser"]
    assert vendor["sensitive"] == ["data", "identity control"]  # what aws_iam_role.ops holds


def test_gcp_azure_and_kubernetes_grants():
    inv = _inv()
    gcp = _agent(inv, "google_vertex_ai_reasoning_engine.planner")
    assert [r["role"] for r in gcp["permissions"]["gcp"]] == [
        "roles/editor", "roles/secretmanager.secretAccessor", "roles/iam.serviceAccountTokenCreator", "roles/owner"]
    assert gcp["credentials"][0]["kind"] == "service account key"
    azure = _agent(inv, "azurerm_ai_foundry_project.helper")
    assert [(r["identity"], r["role"]) for r in azure["permissions"]["azure"]] == [
        ("azurerm_ai_foundry_project.helper (system-assigned identity)", "contributor"),
        ("azurerm_user_assigned_identity.helper", "key vault secrets user")]
    assert azure["trusted_by"] == [{"identity": "azurerm_user_assigned_identity.helper", "kind": "oidc subject",
                                    "principal": "https://token.actions.githubusercontent.com subject "
                                                 "repo:acme/helper:ref:refs/heads/main", "external": True}]
    k8s = _agent(inv, "kubernetes_deployment_v1.triage")
    assert [(r["role"], r["kind"], r["scope"]) for r in k8s["permissions"]["kubernetes"]] == [
        ("cluster-admin", "ClusterRole", "cluster")]
    assert k8s["findings"] == {"total": 3, "by_severity": {"critical": 2, "high": 0, "medium": 1, "low": 0,
                                                           "info": 0}, "rule_ids": ["AL102", "AL204", "AL602"]}


def test_chains_across_clouds_irsa_and_impersonation():
    inv = _inv()
    k8s = _agent(inv, "kubernetes_deployment_v1.triage")
    assert [(i["how"], i["address"]) for i in k8s["identities"]] == [
        ("runs as", "kubernetes_service_account_v1.triage"), ("assumes (workload identity)", "aws_iam_role.triage")]
    assert [(p["identity"], p["actions"]) for p in k8s["permissions"]["aws"]] == [
        ("aws_iam_role.triage", ["logs:PutLogEvents"])]
    oidc = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    assert {"identity": "aws_iam_role.triage", "kind": "oidc provider", "principal": oidc,
            "external": True} in k8s["trusted_by"]
    gcp = _agent(inv, "google_vertex_ai_reasoning_engine.planner")
    assert gcp["identities"][1]["how"] == "impersonates (roles/iam.serviceAccountTokenCreator)"
    assert ("google_service_account.deployer", "roles/owner") in [(r["identity"], r["role"])
                                                                   for r in gcp["permissions"]["gcp"]]


def test_agents_sorted_by_blast_radius_and_formula():
    inv = _inv()
    scores = [a["blast_radius"]["score"] for a in inv["agents"]]
    assert scores == sorted(scores, reverse=True)
    record = {"permissions": {"aws": [{"service": "s3", "level": "Write", "on_all_resources": True},
                                      {"service": "s3", "level": "Read", "on_all_resources": False},
                                      {"service": "*", "level": "all", "levels": {"List": 2, "Write": 1},
                                       "on_all_resources": False}],
                              "kubernetes": [{"role": "cluster-admin"}], "gcp": [{"role": "roles/viewer"}],
                              "azure": [], "sensitive": [{"kind": "secrets"}, {"kind": "secrets"}, {"kind": "data"}]},
              "credentials": [{"lifetime": "no expiry"}, {"lifetime": "end_date = 2027-01-01"}],
              "trusted_by": [{"external": True}, {"external": False}], "shared_with": [{}]}
    # breadth 3 + 1 + (2 + 3) / 2 + 9 + 3, sensitivity 2 kinds, credentials 5 + 2, trust 5 + 1 + 2
    assert blast_radius(record) == {"score": 53.5, "breadth": 18.5, "sensitivity": 20.0, "credentials": 7.0,
                                    "trust": 8.0}


def test_text_snapshot(snapshot):
    assert inventory_text.to_text(_inv()) == snapshot


def test_csv_snapshot(snapshot):
    assert inventory_text.to_csv(_inv()) == snapshot


def test_markdown_snapshot(snapshot):
    assert inventory_text.to_markdown(_inv()) == snapshot


def test_cli_formats_and_exit_codes(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["inventory", *PATHS, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"]["agents"] == 6
    out = tmp_path / "inv.csv"
    result = runner.invoke(main, ["inventory", "fixtures/inventory/k8s", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0 and result.output == ""
    assert out.read_text().splitlines()[0].startswith("address,type,path,start_line,stack,blast_radius")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "main.tf").write_text('resource "aws_iam_role" "r" {\n')
    result = runner.invoke(main, ["inventory", str(bad)])
    assert result.exit_code == 2
    assert runner.invoke(main, ["inventory", *PATHS, "--select", "NOPE"]).exit_code == 2


def test_select_limits_the_findings_counted():
    result = CliRunner().invoke(main, ["inventory", "fixtures/inventory/k8s", "--format", "json", "--select", "AL3"])
    assert result.exit_code == 0
    assert all(a["findings"]["total"] == 0 for a in json.loads(result.output)["agents"])


UNKNOWN_TF = '''
variable "actions" { type = list(string) }
variable "boundary" { type = string }

resource "aws_lambda_function" "a" {
  function_name = "a"
  role          = aws_iam_role.r.arn
  environment {
    variables = { ANTHROPIC_API_KEY = "x" }
  }
}

resource "aws_iam_role" "r" {
  name                 = "r"
  assume_role_policy   = "{}"
  permissions_boundary = var.boundary
}

resource "aws_iam_role_policy" "p" {
  role = aws_iam_role.r.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }]
  })
}

resource "aws_lambda_function" "b" {
  function_name = "b"
  environment {
    variables = { ANTHROPIC_API_KEY = "x" }
  }
}
'''


def test_unknown_parts_are_stated(tmp_path):
    (tmp_path / "main.tf").write_text(UNKNOWN_TF)
    inv = inventory([str(tmp_path)], Config())
    assert _agent(inv, "aws_lambda_function.a")["permissions"]["unknown"] == [
        "aws_iam_role.r: aws_iam_role_policy.p statement #1 has actions unknown until apply",
        "aws_iam_role.r: permissions boundary unknown until apply"]
    assert _agent(inv, "aws_lambda_function.b")["permissions"]["unknown"] == [
        "no identity found in the scanned code: the agent's runtime identity is set outside it, or it has none"]


def test_csv_cells_from_the_tree_cannot_be_formulas():
    inv = _inv()
    inv["agents"][0]["trusted_by"] = [{"identity": "r", "kind": "account", "principal": "=HYPERLINK(\"x\")",
                                       "external": True}]
    row = inventory_text.to_csv(inv).splitlines()[1]
    assert ",'=HYPERLINK" in row.replace('"', "")


def test_an_administrator_is_one_entry_not_thousands():
    inv = inventory(["fixtures/AL201/bad/managed-attachment"], Config())
    (agent,) = inv["agents"]
    (entry,) = agent["permissions"]["aws"]
    assert (entry["identity"], entry["service"], entry["level"], entry["actions"]) == ("aws_iam_role.agent", "*",
                                                                                       "all", [])
    assert entry["services"] > 400 and entry["count"] > 15000 and entry["on_all_resources"] is True
    assert set(entry["levels"]) == {"List", "Read", "Tagging", "Write", "Permissions management"}
    assert inventory_text.sensitive_kinds(agent) == ["secrets", "data", "identity control", "code execution"]
    assert "aws_iam_role.agent: every action of " in inventory_text.to_text(inv)
