"""kagent installed with Helm and its Agent resources (graph.kagent): which releases are agents, the values a release
gives its chart (YAML strings, yamlencode with references, templates, `set` with escaped dots), the service account
it runs as and what its annotations make it assume (AWS, Google Cloud), an unknown identity said so in the
inventory, and hostile YAML read safely. The fixtures are in fixtures/agents/kagent (tests/test_agent_detection.py)."""

from __future__ import annotations

import pytest

from agentlint.config import Config
from agentlint.graph.kagent import RELEASE_UNKNOWN, chart_confidence, release_values
from agentlint.inventory.build import inventory
from agentlint.values import Unknown
from helpers import run


@pytest.mark.parametrize("chart, repository, expected", [
    ("kagent", "oci://ghcr.io/kagent-dev/kagent/helm", "high"),
    ("oci://ghcr.io/kagent-dev/kagent/helm/kagent", None, "high"),
    ("https://github.com/kagent-dev/kagent/releases/download/v0.7.18/kagent-0.7.18.tgz", None, "high"),
    ("kagent", "oci://111122223333.dkr.ecr.eu-west-1.amazonaws.com/mirror", "medium"),
    ("./charts/kagent", None, "medium"),
    ("kagent-crds", "oci://ghcr.io/kagent-dev/kagent/helm", None),
    ("oci://ghcr.io/kagent-dev/kagent/helm/kagent-crds", None, None),
    ("datadog", "https://helm.datadoghq.com", None),
    ("kagent-tools", "oci://ghcr.io/kagent-dev/tools/helm", None),
])
def test_which_charts_are_kagent(chart, repository, expected):
    values = {"chart": chart, **({"repository": repository} if repository else {})}
    confidence = chart_confidence(values)
    assert (confidence.value if confidence else None) == expected


def test_the_evidence_does_not_repeat_the_charts_address(tmp_path):
    """A chart URL may carry a user and password: the evidence says where the chart is from, not its address."""
    (tmp_path / "main.tf").write_text('resource "helm_release" "kagent" {\n  name  = "kagent"\n'
                                      '  chart = "https://ci:hunter2-deploy@charts.example.com/kagent-0.7.18.tgz"\n}\n')
    [agent] = run(str(tmp_path)).agents
    assert [(e.kind, e.detail, e.confidence.value) for e in agent.evidence] == [
        ("helm-chart", "helm release of the kagent chart (a chart named kagent from elsewhere): an agent platform "
                       "with built-in agents", "medium")]


def test_values_documents_merge_in_order_and_set_overrides_them():
    role = Unknown("aws_iam_role.kagent.arn")
    values = release_values({
        "values": ['controller:\n  serviceAccount:\n    name: first\n  replicas: 2\n', "providers:\n  default: openAI\n",
                   "controller:\n  serviceAccount:\n    name: second\n"],
        "set": [{"name": "controller.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn", "value": role},
                {"name": "providers.default", "value": "anthropic"}],
        "set_sensitive": [{"name": "providers.anthropic.apiKey", "value": "sk-ant-not-read"}],
    })
    assert values == {"controller": {"serviceAccount": {"name": "second",
                                                        "annotations": {"eks.amazonaws.com/role-arn": role}},
                                     "replicas": 2},
                      "providers": {"default": "anthropic"}}


@pytest.mark.parametrize("text", [
    "a: &a [1, 2]\nb: *a\n",  # aliases are not read at all
    "x: &x\n  - *x\n",  # a self-referencing node
    "lol: &l [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"l{i}: &l{i} [*{'l' if i == 0 else f'l{i - 1}'}, *{'l' if i == 0 else f'l{i - 1}'}]\n" for i in range(30)),
    "[" * 100_000 + "]" * 100_000,
    "key: !!python/object/apply:os.system ['true']\n",
    "{ not yaml: [",
    "- a list, not a mapping\n",
])
def test_hostile_or_broken_values_are_no_values(text):
    assert release_values({"values": [text]}) == {}


IRSA_RELEASE = '''
resource "aws_iam_role" "kagent" {
  name = "kagent"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity",
                   Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EX" } }]
  })
}

resource "helm_release" "kagent" {
  name       = "platform-kagent"
  namespace  = "ai"
  repository = "oci://ghcr.io/kagent-dev/kagent/helm"
  chart      = "kagent"
  values     = [templatefile("${path.module}/kagent-values.yaml.tpl", { role_arn = aws_iam_role.kagent.arn })]
}
'''
TEMPLATE = '''controller:
  serviceAccount:
    annotations:
      eks.amazonaws.com/role-arn: "${role_arn}"
%{ if false ~}
never: rendered
%{ endif ~}
'''


def _chain(report_or_inv, address):
    agent = next(a for a in report_or_inv["agents"] if a["address"] == address)
    return [(i["how"], i["address"]) for i in agent["identities"]], agent


def test_a_release_runs_as_its_controller_account_which_assumes_the_templated_role(tmp_path):
    (tmp_path / "main.tf").write_text(IRSA_RELEASE)
    (tmp_path / "kagent-values.yaml.tpl").write_text(TEMPLATE)
    chain, agent = _chain(inventory([str(tmp_path)], Config()), "helm_release.kagent")
    assert chain == [("runs as", "ai/platform-kagent-controller"),
                     ("assumes (workload identity)", "aws_iam_role.kagent")]
    assert f"helm_release.kagent: {RELEASE_UNKNOWN}" in agent["permissions"]["unknown"]


GKE_RELEASE = '''
resource "google_service_account" "kagent" {
  account_id = "kagent-controller"
}

resource "google_project_iam_member" "kagent_owner" {
  project = "acme-platform"
  role    = "roles/owner"
  member  = "serviceAccount:${google_service_account.kagent.email}"
}

resource "helm_release" "kagent" {
  name      = "kagent"
  namespace = "kagent"
  chart     = "oci://ghcr.io/kagent-dev/kagent/helm/kagent"
  values = [yamlencode({
    fullnameOverride = "agents"
    controller = {
      serviceAccount = {
        annotations = { "iam.gke.io/gcp-service-account" = google_service_account.kagent.email }
      }
    }
  })]
}
'''


def test_gke_workload_identity_in_the_values(tmp_path):
    (tmp_path / "main.tf").write_text(GKE_RELEASE)
    chain, agent = _chain(inventory([str(tmp_path)], Config()), "helm_release.kagent")
    assert chain == [("runs as", "kagent/agents-controller"),
                     ("assumes (workload identity)", "google_service_account.kagent")]
    assert [g["role"] for g in agent["permissions"]["gcp"]] == ["roles/owner"]
    report = run(str(tmp_path))
    assert any(f.agents == ["helm_release.kagent"] for f in report.findings)


UNKNOWN_IDENTITY = '''
variable "release_name" { type = string }

resource "helm_release" "kagent" {
  name       = var.release_name
  repository = "oci://ghcr.io/kagent-dev/kagent/helm"
  chart      = "kagent"
}

resource "kubernetes_manifest" "legacy_agent" {
  manifest = {
    apiVersion = "kagent.dev/v1alpha1"
    kind       = "Agent"
    metadata   = { name = "k8s-helper", namespace = "kagent" }
    spec       = { description = "answers questions about the cluster", systemMessage = "You help." }
  }
}

resource "kubernetes_service_account_v1" "byo" {
  metadata {
    name      = "byo-runner"
    namespace = "kagent"
  }
}

resource "kubernetes_manifest" "byo_agent" {
  manifest = {
    apiVersion = "kagent.dev/v1alpha2"
    kind       = "Agent"
    metadata   = { name = "byo", namespace = "kagent" }
    spec = {
      type = "BYO"
      byo = {
        deployment = {
          image              = "ghcr.io/acme/support-agent:1.4.0"
          serviceAccountName = kubernetes_service_account_v1.byo.metadata[0].name
          serviceAccountConfig = { annotations = { "eks.amazonaws.com/role-arn" = "arn:aws:iam::111122223333:role/not-applied" } }
        }
      }
    }
  }
}
'''


def test_unknown_identities_are_said_so_and_a_named_account_is_used(tmp_path):
    (tmp_path / "main.tf").write_text(UNKNOWN_IDENTITY)
    inv = inventory([str(tmp_path)], Config())
    chain, release = _chain(inv, "helm_release.kagent")
    assert chain == []
    assert release["permissions"]["unknown"] == [
        "no identity found in the scanned code: the agent's runtime identity is set outside it, or it has none",
        f"helm_release.kagent: {RELEASE_UNKNOWN}"]
    chain, legacy = _chain(inv, "kubernetes_manifest.legacy_agent")
    assert chain == [] and legacy["permissions"]["unknown"][0].startswith("no identity found in the scanned code")
    chain, _ = _chain(inv, "kubernetes_manifest.byo_agent")
    # An account the agent names is not the controller's: the annotations meant for one it would create go nowhere.
    assert chain == [("runs as", "kubernetes_service_account_v1.byo")]
