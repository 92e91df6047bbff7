"""IAM conditions of Google Cloud grants: on an `*_iam_member` / `*_iam_binding`, on a binding of the
`data "google_iam_policy"` an `*_iam_policy` applies (or of the JSON a plan holds), and of a document no resource
applies. Each binding keeps its own condition; findings about a conditioned grant are one confidence level lower."""

from __future__ import annotations

import json

from agentlint.graph.gcp import binding_condition, policy_bindings, policy_grants
from agentlint.model import Confidence
from agentlint.values import Unknown
from helpers import run


def test_a_plan_policy_json_keeps_each_bindings_condition():
    policy = json.dumps({"bindings": [
        {"role": "roles/editor", "members": ["serviceAccount:a@p.iam.gserviceaccount.com"],
         "condition": {"title": "until-2027", "expression": "request.time < timestamp('2027-01-01T00:00:00Z')"}},
        {"role": "roles/viewer", "members": ["group:ops@example.com"]},
        {"role": "roles/browser", "members": ["user:x@example.com"], "condition": {"expression": "true"}},
        {"role": "roles/owner", "members": "not a list", "condition": "not an object"},
    ]})
    assert policy_grants(policy, lambda _a: None) == [
        ("roles/editor", ["serviceAccount:a@p.iam.gserviceaccount.com"], "until-2027"),
        ("roles/viewer", ["group:ops@example.com"], None),
        ("roles/browser", ["user:x@example.com"], "true"),
        ("roles/owner", [], None),
    ]
    # The (role, members) pairs other readers take stay as they were.
    assert policy_bindings(policy, lambda _a: None)[1] == ("roles/viewer", ["group:ops@example.com"])
    assert policy_grants(Unknown("data.x.y.policy_data"), lambda _a: None) == []


def test_a_condition_is_named_by_title_then_expression():
    assert binding_condition([{"title": "t", "expression": "e"}]) == "t"
    assert binding_condition({"title": " ", "expression": "e"}) == "e"
    assert binding_condition([{"title": Unknown("var.t")}]) == "a condition"
    assert binding_condition([]) is None and binding_condition(None) is None


UNAPPLIED = '''
resource "google_service_account" "agent" {
  account_id = "agent"
}

resource "google_cloud_run_v2_service" "agent" {
  name     = "agent"
  location = "europe-west1"
  labels   = { "ai-agent" = "true" }
  template {
    service_account = google_service_account.agent.email
    containers {
      image = "europe-docker.pkg.dev/acme/agents/agent:1.0"
    }
  }
}

data "google_iam_policy" "draft" {
  binding {
    role    = "roles/owner"
    members = ["serviceAccount:${google_service_account.agent.email}"]
    condition {
      title      = "weekdays-only"
      expression = "request.time.getDayOfWeek() < 5"
    }
  }
  binding {
    role    = "roles/editor"
    members = ["serviceAccount:${google_service_account.agent.email}"]
  }
}
'''


def test_an_unapplied_document_keeps_each_bindings_condition(tmp_path):
    (tmp_path / "main.tf").write_text(UNAPPLIED)
    got = {(f.message.split(" is granted ")[1].split(" ")[0], f.confidence, "weekdays-only" in f.message)
           for f in run(str(tmp_path)).findings if f.rule_id == "AL206"}
    assert got == {("roles/owner", Confidence.MEDIUM, True), ("roles/editor", Confidence.HIGH, False)}


DEFAULT_SA = '''
data "google_compute_default_service_account" "default" {}

data "google_iam_policy" "project" {
  binding {
    role    = "roles/editor"
    members = [data.google_compute_default_service_account.default.member]
    condition {
      title      = "migration-window"
      expression = "request.time < timestamp(\\"2027-03-01T00:00:00Z\\")"
    }
  }
}

resource "google_project_iam_policy" "project" {
  project     = "acme"
  policy_data = data.google_iam_policy.project.policy_data
}

resource "google_project_iam_member" "secrets" {
  project = "acme"
  role    = "roles/secretmanager.secretAccessor"
  member  = data.google_compute_default_service_account.default.member
  condition {
    title      = "agent-secrets"
    expression = "resource.name.startsWith(\\"projects/acme/secrets/agent-\\")"
  }
}
'''


def test_a_conditioned_grant_to_a_default_account_is_medium_confidence(tmp_path):
    (tmp_path / "main.tf").write_text(DEFAULT_SA)
    got = {(f.address, f.confidence) for f in run(str(tmp_path)).findings if f.rule_id == "AL210"}
    assert got == {("google_project_iam_policy.project", Confidence.MEDIUM),
                   ("google_project_iam_member.secrets", Confidence.MEDIUM)}
    messages = [f.message for f in run(str(tmp_path)).findings if f.rule_id == "AL210"]
    assert any("under the condition 'migration-window'" in m for m in messages)
    assert any("under the condition 'agent-secrets'" in m for m in messages)



_CONDITIONED = """  binding {
    role    = "roles/secretmanager.secretAccessor"
    members = ["serviceAccount:${google_service_account.agent.email}"]
    condition {
      title      = "expired-window"
      expression = "request.time < timestamp(\\"2020-01-01T00:00:00Z\\")"
    }
  }
"""
_PLAIN = """  binding {
    role    = "roles/secretmanager.secretAccessor"
    members = ["serviceAccount:${google_service_account.agent.email}"]
  }
"""
_TWICE = """resource "google_service_account" "agent" {
  account_id = "agent"
}

data "google_iam_policy" "project" {
%s}

resource "google_project_iam_policy" "project" {
  project     = "prod"
  policy_data = data.google_iam_policy.project.policy_data
}
"""


def test_the_same_grant_with_and_without_a_condition_is_reported_as_unconditional(tmp_path):
    """One role for one member, granted twice by one policy, once under a condition: the grant holds whatever the
    condition says, so the one finding it makes is the unconditional one (high), in either order."""
    for bindings in (_CONDITIONED + _PLAIN, _PLAIN + _CONDITIONED):
        (tmp_path / "main.tf").write_text(_TWICE % bindings)
        [finding] = [f for f in run(str(tmp_path)).findings if f.rule_id == "AL401"]
        assert finding.confidence == Confidence.HIGH and "condition" not in finding.message
    (tmp_path / "main.tf").write_text(_TWICE % _CONDITIONED)  # the control: only the conditioned grant
    [finding] = [f for f in run(str(tmp_path)).findings if f.rule_id == "AL401"]
    assert finding.confidence == Confidence.MEDIUM and "expired-window" in finding.message
