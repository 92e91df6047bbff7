"""Overlap between rules (agentlint.supersedes): every rule reports what it sees; a superseding rule that ran and
reported the same subject takes its place."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from agentlint.cli import main
from helpers import run

ADMIN = """resource "aws_iam_role" "agent" {
  name               = "support-agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "bedrock.amazonaws.com" } }] })
}

resource "aws_bedrockagent_agent" "support" {
  agent_name              = "support"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
}

resource "aws_iam_role_policy" "everything" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "All", Effect = "Allow", Action = "*", Resource = "*" }] })
}

resource "aws_iam_role" "reader" {
  name               = "reader"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
}

resource "aws_iam_role_policy" "reader" {
  role   = aws_iam_role.reader.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "Docs", Effect = "Allow", Action = "s3:*", Resource = "arn:aws:s3:::docs/*" }] })
}
"""

GROUP = """resource "aws_iam_user" "bot" {
  name = "slack-bot"
  tags = { ai-agent = "true" }
}

resource "aws_iam_group" "automation" {
  name = "automation"
}

resource "aws_iam_user_group_membership" "bot" {
  user   = aws_iam_user.bot.name
  groups = [aws_iam_group.automation.name]
}

resource "aws_iam_group_policy_attachment" "admin" {
  group      = aws_iam_group.automation.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_user_policy" "bot" {
  user   = aws_iam_user.bot.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "Queues", Effect = "Allow", Action = "sqs:*", Resource = "arn:aws:sqs:eu-west-1:111122223333:bot-*" }] })
}
"""

K8S = """resource "kubernetes_service_account_v1" "triage" {
  metadata {
    name      = "triage-agent"
    namespace = "agents"
  }
}

resource "kubernetes_cluster_role_v1" "everything" {
  metadata {
    name = "everything"
  }
  rule {
    api_groups = ["*"]
    resources  = ["*"]
    verbs      = ["*"]
  }
}

resource "kubernetes_cluster_role_binding_v1" "triage" {
  metadata {
    name = "triage-everything"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = kubernetes_cluster_role_v1.everything.metadata[0].name
  }
  subject {
    kind      = "ServiceAccount"
    name      = "triage-agent"
    namespace = "agents"
  }
}
"""

ADMIN_AL101 = ("role aws_iam_role.agent (used by agent aws_bedrockagent_agent.support) is granted Action '*' on every "
               "resource by statement 'All' of aws_iam_role_policy.everything")
READER_AL101 = ("role aws_iam_role.reader is granted Action 's3:*' on the listed resources by statement 'Docs' of "
                "aws_iam_role_policy.reader")


def _tree(tmp_path, text):
    (tmp_path / "main.tf").write_text(text)
    return str(tmp_path)


def _found(report):
    return sorted((f.rule_id, f.address, f.identity) for f in report.findings)


def test_all_rules_report_an_administrator_once(tmp_path):
    report = run(_tree(tmp_path, ADMIN))
    assert _found(report) == [
        ("AL101", "aws_iam_role_policy.reader", "aws_iam_role.reader"),  # another identity: not superseded
        ("AL201", "aws_iam_role_policy.everything", "aws_iam_role.agent"),
        ("AL606", "aws_iam_role.agent", "aws_iam_role.agent"),
    ]


def test_select_al101_reports_wildcard_on_everything(tmp_path):
    report = run(_tree(tmp_path, ADMIN), select=["AL101"])
    assert sorted(f.message for f in report.findings) == [ADMIN_AL101, READER_AL101]


@pytest.mark.parametrize("config", [{"ignore": ["AL201"]}, {"ignore": ["admin-access"]},
                                    {"rules": {"AL201": {"enabled": False}}}], ids=["ignore-id", "ignore-name",
                                                                                    "enabled-false"])
def test_without_al201_the_superseded_rules_report(tmp_path, config):
    report = run(_tree(tmp_path, ADMIN), **config)
    on_admin = sorted(f.rule_id for f in report.findings if f.identity == "aws_iam_role.agent")
    assert on_admin == ["AL101", "AL202", "AL203", "AL401", "AL402", "AL606"]
    assert ADMIN_AL101 in [f.message for f in report.findings]


def test_cli_select_al101(tmp_path):
    result = CliRunner().invoke(main, ["scan", _tree(tmp_path, ADMIN), "--select", "AL101", "--format", "json",
                                       "--no-cache"], catch_exceptions=False)
    assert result.exit_code == 1
    assert sorted(f["message"] for f in json.loads(result.output)["findings"]) == [ADMIN_AL101, READER_AL101]


def test_group_administrator_stands_for_its_members(tmp_path):
    tree = _tree(tmp_path, GROUP)
    # The member holds administrator access through its group: its own sqs:* would repeat AL201's finding.
    assert _found(run(tree)) == [("AL201", "aws_iam_group_policy_attachment.admin", "aws_iam_group.automation"),
                                 ("AL302", "aws_iam_user.bot", "aws_iam_user.bot")]
    assert _found(run(tree, select=["AL101"])) == [
        ("AL101", "aws_iam_group_policy_attachment.admin", "aws_iam_group.automation"),
        ("AL101", "aws_iam_user_policy.bot", "aws_iam_user.bot")]


def test_k8s_admin_binding_supersedes_wildcard_role_and_secret_reads(tmp_path):
    tree = _tree(tmp_path, K8S)
    binding = ("kubernetes_cluster_role_binding_v1.triage", "kubernetes_service_account_v1.triage")
    assert _found(run(tree)) == [("AL204", *binding)]
    report = run(tree, select=["AL103"])
    assert _found(report) == [("AL103", "kubernetes_cluster_role_v1.everything", None)]
    assert report.findings[0].message == ("ClusterRole kubernetes_cluster_role_v1.everything uses wildcards "
                                          "(rule #1: '*' in verbs, resources, apiGroups)")
    assert _found(run(tree, ignore=["AL204"])) == [("AL103", "kubernetes_cluster_role_v1.everything", None),
                                                   ("AL403", *binding)]
    assert _found(run(tree, select=["AL205"])) == [("AL205", "kubernetes_cluster_role_v1.everything", None)]
    [secrets] = run(tree, select=["AL403"]).findings
    assert secrets.message == ("service account kubernetes_service_account_v1.triage can get/list/watch every Secret "
                               "in the cluster: kubernetes_cluster_role_v1.everything is bound cluster-wide by "
                               "kubernetes_cluster_role_binding_v1.triage")


def test_wildcard_role_that_allows_everything_supersedes_its_escalation_verbs(tmp_path):
    tree = _tree(tmp_path, K8S[:K8S.index('resource "kubernetes_cluster_role_binding_v1"')])  # bound to nothing
    assert _found(run(tree)) == [("AL103", "kubernetes_cluster_role_v1.everything", None)]
    [escalation] = run(tree, select=["AL205"]).findings
    assert escalation.rule_id == "AL205" and escalation.message.startswith(
        "ClusterRole kubernetes_cluster_role_v1.everything lets its holders grant themselves permissions they do not "
        "have (escalate on roles); ")


def test_declared_supersessions():
    from agentlint.rule import all_rules

    declared = {r.id: r.supersedes for r in all_rules() if r.supersedes}
    assert declared == {"AL201": ("AL101", "AL102", "AL202", "AL203", "AL401", "AL402"), "AL204": ("AL103", "AL205", "AL403"),
                        "AL103": ("AL205",), "AL210": ("AL206", "AL207", "AL401")}
