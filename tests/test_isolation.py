"""Isolation of agentlint's own failures (issue 13): a bug met on one resource or in one rule becomes an
`internal-error` entry at that resource, the other findings stay, the report is written and the exit code is 2.

The failures are injected with monkeypatch (a bug that exists would be fixed, so a real one cannot be used): each
test says which function it makes fail and on which resource.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from agentlint import engine
from agentlint.cli import main
from agentlint.config import Config
from agentlint.engine import exit_code, scan
from agentlint.model import Severity
from conftest import FIXTURES

MAIN_TF = """\
resource "aws_bedrockagent_agent" "support" {
  agent_name              = "support"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
}

resource "aws_iam_role" "agent" {
  name = "support-agent"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "bedrock.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.agent.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"""

KEYS_TF = """\
resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}
"""


def _repo(tmp_path):
    (tmp_path / "main.tf").write_text(MAIN_TF)
    (tmp_path / "keys.tf").write_text(KEYS_TF)
    return tmp_path


def _rules(report):
    return sorted({(f.rule_id, f.address) for f in report.findings})


def test_baseline_without_faults(tmp_path):
    report = scan([str(_repo(tmp_path))], Config())
    assert report.errors == []
    assert ("AL201", "aws_iam_role_policy_attachment.admin") in _rules(report)
    assert any(f.address == "aws_iam_access_key.ci" for f in report.findings)


def test_a_rule_failing_on_one_resource_is_an_internal_error_at_that_resource(tmp_path, monkeypatch):
    """Injected: AL201's check raises while it holds the attachment resource in a local variable."""
    from agentlint.rule import all_rules

    al201 = next(r for r in all_rules() if r.id == "AL201")

    def broken(self, ctx):
        for res in ctx.graph.model.resources:
            if res.address == "aws_iam_role_policy_attachment.admin":
                raise KeyError("via")
        return iter(())

    monkeypatch.setattr(al201, "check", broken)
    repo = _repo(tmp_path)
    report = scan([str(repo)], Config())
    [error] = report.errors
    assert error.kind == "internal-error"
    assert (error.path, error.line) == (str(repo / "main.tf"), 15)
    assert error.message == "rule AL201 failed on aws_iam_role_policy_attachment.admin: KeyError: 'via'"
    assert "AL201" not in {f.rule_id for f in report.findings}
    assert any(f.address == "aws_iam_access_key.ci" for f in report.findings)  # the other rules still report
    assert exit_code(report, Severity.MEDIUM) == 2


def test_evaluating_one_resource_failing_is_an_internal_error_and_its_findings_are_dropped(tmp_path, monkeypatch):
    """Injected: the lazy evaluation of aws_iam_access_key.ci raises (as an evaluator bug would)."""
    from agentlint.model import Resource

    real = Resource.values.fget

    def values(self):
        if self.address == "aws_iam_access_key.ci" and self.vals is None:
            def boom():
                raise TypeError("unhashable type: 'dict'")
            self.evaluate = boom
        return real(self)

    monkeypatch.setattr(Resource, "values", property(values))
    repo = _repo(tmp_path)
    report = scan([str(repo)], Config())
    assert [(e.kind, e.path, e.line, e.message) for e in report.errors] == [
        ("internal-error", str(repo / "keys.tf"), 5,
         "evaluating aws_iam_access_key.ci failed: TypeError: unhashable type: 'dict'")]
    assert not any(f.address == "aws_iam_access_key.ci" for f in report.findings)
    assert ("AL201", "aws_iam_role_policy_attachment.admin") in _rules(report)


def test_graph_building_failing_on_one_resource_drops_that_resource_only(tmp_path, monkeypatch):
    """Injected: the graph builder raises when it meets aws_iam_user.ci; the build is retried without it."""
    real = engine.IdentityGraph

    def builder(model, options):
        for res in model.resources:
            if res.address == "aws_iam_user.ci":
                raise AttributeError("'NoneType' object has no attribute 'get'")
        return real(model, options)

    monkeypatch.setattr(engine, "IdentityGraph", builder)
    repo = _repo(tmp_path)
    report = scan([str(repo)], Config())
    assert [(e.kind, e.path, e.line, e.message) for e in report.errors] == [
        ("internal-error", str(repo / "keys.tf"), 1, "building the identity graph failed on aws_iam_user.ci: "
         "AttributeError: 'NoneType' object has no attribute 'get'")]
    assert ("AL201", "aws_iam_role_policy_attachment.admin") in _rules(report)


def test_the_cli_writes_the_json_report_and_exits_2(tmp_path, monkeypatch):
    """Injected as in the rule test above; the CLI still prints a complete JSON report."""
    from agentlint.rule import all_rules

    al201 = next(r for r in all_rules() if r.id == "AL201")

    def broken(self, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(al201, "check", broken)
    result = CliRunner().invoke(main, ["scan", "--format", "json", str(_repo(tmp_path))])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert [e["kind"] for e in report["errors"]] == ["internal-error"]
    assert report["errors"][0]["message"] == "rule AL201 failed: RuntimeError: boom"
    assert report["findings"]


# Regressions found by the structure-aware fuzz campaign (tests/test_fuzz.py), each a bug of agentlint's that
# surfaced as an internal-error.

def test_number_literal_out_of_float_range_is_unknown_not_an_internal_error(tmp_path):
    """`name = 1e400` (valid HCL; Terraform's numbers are arbitrary precision) raised FunctionError in the parser."""
    (tmp_path / "main.tf").write_text('resource "aws_iam_user" "u" {\n  name = 1e400\n}\n'
                                      'resource "aws_iam_access_key" "k" {\n  user = aws_iam_user.u.name\n}\n')
    report = scan([str(tmp_path)], Config())
    assert report.errors == []
    assert [f.address for f in report.findings if f.rule_id == "AL301"] == ["aws_iam_access_key.k"]


def test_a_plan_named_alone_does_not_walk_its_folder(tmp_path, monkeypatch):
    """Found by the fuzz campaign: `agentlint scan /tmp/plan.json` walked all of /tmp (380,000 files, 15 s) to
    find Terraform code nobody named. Plans alone need no walk. A spy on the walker shows it is not called; a code
    folder named beside the plan is still walked."""
    from agentlint.loaders import repository

    calls = []
    real = repository._walk
    monkeypatch.setattr(repository, "_walk", lambda repo, *a: (calls.append(repo.root), real(repo, *a))[1])
    plan = FIXTURES / "AL201" / "plan" / "admin-agent.tfplan.json"
    (tmp_path / "plan.json").write_bytes(plan.read_bytes())
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "main.tf").write_text(KEYS_TF)
    report = scan([str(tmp_path / "plan.json")], Config())
    assert calls == []
    assert [f.rule_id for f in report.findings] == ["AL201"]
    scan([str(tmp_path / "plan.json"), str(tmp_path / "stack")], Config())
    assert calls == [str(tmp_path / "stack")]  # no git work tree here: each folder named is its own root


BUDGET_TF = """\
locals {
  many = [for i in range(1000) : [for j in range(300) : "s3:Get${j}"]]
}

resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = local.many[0], Resource = "*" }] })
}

resource "aws_iam_user" "u" {
  name = "u"
}
"""


def test_an_evaluation_budget_is_a_limit_error_at_the_resource_and_configurable(tmp_path):
    """Hostile input (issue 13): budgets gave a silent unknown. A budget hit is a `limit` error at the resource
    whose attributes ran into it (exit 2), and [limits] max-iterations raises it."""
    (tmp_path / "main.tf").write_text(BUDGET_TF)
    # The default iteration budget, with time enough to reach it: on a busy machine the default 5 s ran out first.
    report = scan([str(tmp_path)], Config(limits={"max-eval-seconds": 600}))
    assert [(e.kind, e.line, e.message) for e in report.errors] == [
        ("limit", 5, "aws_iam_policy.p: more than 200000 loop iterations in one module instance (limit "
                     "max-iterations); values past it are unknown")]
    assert exit_code(report, Severity.CRITICAL) == 2
    raised = scan([str(tmp_path)], Config(limits={"max-iterations": 1_000_000, "max-eval-seconds": 600}))
    assert raised.errors == []


def test_the_evaluation_wall_time_budget_is_configurable(tmp_path):
    (tmp_path / "main.tf").write_text(BUDGET_TF)
    report = scan([str(tmp_path)], Config(limits={"max-iterations": 100_000_000, "max-eval-seconds": 0.001}))
    assert [(e.kind, e.line) for e in report.errors] == [("limit", 5)]
    assert report.errors[0].message.startswith("aws_iam_policy.p: evaluation took longer than 0.001 s")


def test_kubernetes_kinds_and_namespaces_of_the_wrong_type_are_not_internal_errors(tmp_path):
    """Found by the fuzz campaign (8 of 10,000 HCL mutants): a list or a map where a Kubernetes kind or namespace
    belongs (valid HCL; only the provider rejects it) stopped graph building on an unhashable key."""
    (tmp_path / "main.tf").write_text('''
resource "kubernetes_cluster_role_binding_v1" "b" {
  metadata {
    name = "b"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = ["ClusterRole"]
    name      = "cluster-admin"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "agent"
    namespace = { ns = "default" }
  }
}

resource "kubernetes_manifest" "m" {
  manifest = {
    apiVersion = "kagent.dev/v1alpha1"
    kind       = { a = "Agent" }
    metadata   = { name = "x" }
  }
}
''')
    report = scan([str(tmp_path)], Config())
    assert report.errors == []


def test_a_plan_with_wrongly_shaped_parts_is_read_for_the_rest(tmp_path):
    """Found by the fuzz campaign (55 of 1,500 plan mutants): one wrongly shaped part (a module call that is a list,
    `module_calls` as a list, a change whose address is an object, a child module that is a string) skipped the whole plan as a parse error, hiding
    its findings. Each shape is checked where it is read; the well-formed resources are still judged."""
    plan = json.loads((FIXTURES / "AL201" / "plan" / "admin-agent.tfplan.json").read_text())
    calls = plan["configuration"]["root_module"].setdefault("module_calls", {})
    calls["extra"] = ["not", "an", "object"]
    calls["other"] = {"module": {"module_calls": ["nor", "this"], "resources": "nope"}}
    plan["resource_changes"].append({"address": {"oops": 1}, "type": "aws_iam_role"})
    plan["planned_values"]["root_module"]["child_modules"].append("nope")
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    report = scan([str(tmp_path / "plan.json")], Config())
    assert report.errors == []
    assert [f.rule_id for f in report.findings] == ["AL201"]


def test_a_gcp_policy_document_that_is_not_an_object_is_not_an_internal_error(tmp_path):
    """Found by the fuzz campaign (1 of 10,000 plan mutants): `policy_data` holding JSON `null` (or a list) stopped
    graph building; the policy is read as granting nothing."""
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "google_folder_iam_policy.folder", "mode": "managed", "type": "google_folder_iam_policy",
         "name": "folder", "values": {"folder": "folders/1", "policy_data": "null"}},
        {"address": "google_project_iam_policy.project", "mode": "managed", "type": "google_project_iam_policy",
         "name": "project", "values": {"project": "p", "policy_data": '{"bindings": {"role": "roles/owner"}}'}}]}}}
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    report = scan([str(tmp_path / "plan.json")], Config())
    assert report.errors == [] and report.findings == []


def test_string_and_collection_budgets_are_configurable(tmp_path):
    """[limits] max-string and max-elements: past them the value is unknown and a limit error names the resource."""
    (tmp_path / "main.tf").write_text('resource "aws_iam_user" "u" {\n  name = join("", [for i in range(2000) : "abcdefghij"])\n}\n'
                                      'resource "aws_iam_group" "g" {\n  name = length(range(5000))\n}\n')
    assert scan([str(tmp_path)], Config()).errors == []
    report = scan([str(tmp_path)], Config(limits={"max-string": 10_000, "max-elements": 3_000}))
    assert [(e.kind, e.line, e.message) for e in report.errors] == [
        ("limit", 1, "aws_iam_user.u: join(): string too long (limit max-string); values past it are unknown"),
        ("limit", 4, "aws_iam_group.g: range(): collection too large (limit max-elements); values past it are "
                     "unknown")]
    assert scan([str(tmp_path)], Config()).errors == []  # the next scan runs with its own (default) budgets


def test_escalation_split_across_grants_of_a_role_the_code_does_not_define(tmp_path):
    """Found on the shared corpus after the catalogues landed (cloudposse mwaa): AL202 failed with an internal error
    when the actions of one method came through two grants of a role named only by a module output; it is located
    at the first grant instead."""
    (tmp_path / "main.tf").write_text('''
variable "role_name" {}

resource "aws_iam_role_policy" "pass" {
  role   = var.role_name
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }] })
}

resource "aws_iam_role_policy" "lambda" {
  role   = var.role_name
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*" }] })
}
''')
    report = scan([str(tmp_path)], Config(select=["AL202"]))
    assert report.errors == []
    assert [(f.rule_id, f.start_line) for f in report.findings] == [("AL202", 4)]
