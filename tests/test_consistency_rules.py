"""Consistency across clouds (issue 15): default service accounts as identities of their own (AL210), policy documents
and Kubernetes roles that nothing applies or binds judged on their own one level lower (AL206, AL207, AL403), and
cluster settings that switch identity control off for every workload (AL211, AL322)."""

from __future__ import annotations

from helpers import run

DEFAULT_SA = "the project's default compute service account (PROJECT_NUMBER-compute@developer.gserviceaccount.com)"

AGENT_ON_DEFAULT_SA = '''
resource "google_cloud_run_v2_service" "agent" {
  name     = "agent"
  location = "europe-west1"
  template {
    containers {
      image = "europe-docker.pkg.dev/acme/agents/agent:1"
      env {
        name  = "GOOGLE_GENAI_USE_VERTEXAI"
        value = "true"
      }
    }
  }
}
'''


def _grant(role: str, member: str, name: str = "grant") -> str:
    return f'''
resource "google_project_iam_member" "{name}" {{
  project = "acme"
  role    = "{role}"
  member  = {member}
}}
'''


def _findings(tmp_path, text: str, **config):
    (tmp_path / "main.tf").write_text(text)
    return [(f.rule_id, f.severity.value, f.message) for f in run(str(tmp_path), **config).findings]


def test_default_sa_grant_severity_follows_what_the_role_grants_and_the_agents_that_inherit_it(tmp_path):
    member = '"serviceAccount:123456789-compute@developer.gserviceaccount.com"'
    text = AGENT_ON_DEFAULT_SA + _grant("roles/editor", member, "editor") + _grant(
        "roles/bigquery.dataViewer", member, "reader") + _grant("roles/logging.logWriter", member, "logs")
    inherit = "every workload without a service account of its own inherits it: agent google_cloud_run_v2_service.agent"
    assert sorted(_findings(tmp_path, text)) == [
        ("AL210", "critical", f"{DEFAULT_SA} is granted roles/editor (create, change and delete almost every resource "
                              f"in the scope) on project acme by google_project_iam_member.editor; {inherit}"),
        ("AL210", "high", f"{DEFAULT_SA} is granted roles/bigquery.dataViewer (read every BigQuery table in the scope: "
                          f"bigquery.tables.getData) on project acme by google_project_iam_member.reader; {inherit}"),
    ]


def test_default_sa_grant_without_workloads_is_one_level_lower(tmp_path):
    text = ('data "google_compute_default_service_account" "default" {}\n' +
            _grant("roles/secretmanager.secretAccessor", "data.google_compute_default_service_account.default.member"))
    assert _findings(tmp_path, text) == [(
        "AL210", "medium", f"{DEFAULT_SA} is granted roles/secretmanager.secretAccessor (read every secret's value in "
                           "the scope: secretmanager.versions.access) on project acme by google_project_iam_member.grant; "
                           "no workload in the scanned code runs as it, but every one created without a service "
                           "account of its own will")]


def test_al210_stands_for_al206_on_a_default_account_and_al206_still_reports_it_alone(tmp_path):
    text = AGENT_ON_DEFAULT_SA + _grant("roles/owner", '"serviceAccount:42-compute@developer.gserviceaccount.com"')
    assert [f[0] for f in _findings(tmp_path, text)] == ["AL210"]
    [(rule, severity, message)] = _findings(tmp_path, text, select=["AL206"])
    assert (rule, severity) == ("AL206", "critical") and "google_cloud_run_v2_service.agent" in message


def test_missing_project_is_named_not_printed_as_none(tmp_path):
    text = '''
resource "google_project_iam_member" "grant" {
  role   = "roles/owner"
  member = "user:jane@example.com"
}
'''
    [(_, _, message)] = _findings(tmp_path, text)
    assert message == ("member user:jane@example.com is granted roles/owner (Owner: every permission in the scope, "
                       "IAM included) on the provider's default project by google_project_iam_member.grant")


POLICY_DOCUMENT = '''
resource "google_service_account" "agent" {
  account_id = "agent"
}
data "google_iam_policy" "doc" {
  binding {
    role    = "roles/editor"
    members = ["serviceAccount:${google_service_account.agent.email}"]
  }
}
'''


def test_unapplied_policy_document_is_one_level_lower_than_the_applied_one(tmp_path):
    [(rule, unapplied, message)] = _findings(tmp_path, POLICY_DOCUMENT)
    assert (rule, unapplied) == ("AL206", "medium")
    assert message.endswith("on no scope yet (data.google_iam_policy.doc is applied by no *_iam_policy resource in "
                            "the scanned code) by data.google_iam_policy.doc")
    applied = POLICY_DOCUMENT + '''
resource "google_project_iam_policy" "project" {
  project     = "acme"
  policy_data = data.google_iam_policy.doc.policy_data
}
'''
    [(rule, severity, message)] = _findings(tmp_path, applied)
    assert (rule, severity) == ("AL206", "high") and "on project acme by google_project_iam_policy.project" in message


def test_cluster_role_reading_secrets_is_judged_unbound_and_not_once_a_binding_names_it(tmp_path):
    role = '''
resource "kubernetes_cluster_role_v1" "reader" {
  metadata {
    name = "reader"
  }
  rule {
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["list"]
  }
}
'''
    assert _findings(tmp_path, role) == [(
        "AL403", "medium", "ClusterRole kubernetes_cluster_role_v1.reader can list every Secret in the cluster; no "
                           "binding in the scanned code gives it to anyone yet")]
    to_user = role + '''
resource "kubernetes_cluster_role_binding_v1" "jane" {
  metadata {
    name = "jane"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "reader"
  }
  subject {
    kind = "User"
    name = "jane@example.com"
  }
}
'''
    assert _findings(tmp_path, to_user) == []


def test_cluster_and_agents_are_linked_only_within_one_root_module(tmp_path):
    (tmp_path / "cluster").mkdir()
    (tmp_path / "apps").mkdir()
    (tmp_path / "cluster" / "main.tf").write_text('''
resource "google_container_cluster" "agents" {
  name               = "agents"
  location           = "europe-west1"
  enable_legacy_abac = true
}
''')
    (tmp_path / "apps" / "main.tf").write_text('''
resource "kubernetes_manifest" "triage" {
  manifest = {
    apiVersion = "kagent.dev/v1alpha2"
    kind       = "Agent"
    metadata   = { name = "triage", namespace = "kagent" }
  }
}
''')
    report = run(str(tmp_path))
    [finding] = [f for f in report.findings if f.rule_id == "AL211"]
    assert (finding.severity.value, finding.agents) == ("high", [])
    assert finding.message == ("google_container_cluster.agents has legacy ABAC authorization on "
                               "(enable_legacy_abac = true): every workload in the cluster can act beyond its RBAC "
                               "bindings")


def test_gke_basic_auth_with_empty_username_and_default_client_certificate_is_clean(tmp_path):
    text = '''
resource "google_container_cluster" "agents" {
  name     = "agents"
  location = "europe-west1"
  master_auth {
    username = ""
    password = ""
    client_certificate_config {
      issue_client_certificate = false
    }
  }
}
'''
    assert _findings(tmp_path, text) == []


def test_plan_email_left_out_is_the_default_account_but_one_written_from_a_local_is_not(tmp_path):
    """A plan's `after_unknown` email is the provider's default only when the configuration does not write it:
    `email = local.sa` (whose reference the plan does not carry) stays an identity agentlint cannot verify."""
    import json
    from pathlib import Path

    plan = json.loads(Path("fixtures/AL313/plan/default-sa-instance/tfplan.json").read_text())
    (tmp_path / "left-out.json").write_text(json.dumps(plan))
    [finding] = run(str(tmp_path / "left-out.json")).findings
    assert (finding.rule_id, finding.severity.value) == ("AL313", "high")
    expressions = plan["configuration"]["root_module"]["resources"][0]["expressions"]
    expressions["service_account"][0]["email"] = {"references": ["local.sa"]}
    (tmp_path / "left-out.json").unlink()
    (tmp_path / "from-local.json").write_text(json.dumps(plan))
    assert [f.rule_id for f in run(str(tmp_path / "from-local.json")).findings] == ["AL001"]
