"""Grants made with for_each name the instance of their own key: a reference inside a larger expression (a template,
a function call, a members list) keeps the instance key a plain reference keeps, for Google Cloud, AWS and Azure."""

from __future__ import annotations

from agentlint.config import Config
from agentlint.engine import build_graph
from agentlint.graph.schema import Rel

ACCOUNTS = '''
variable "agents" {
  type    = set(string)
  default = ["planner", "executor"]
}

resource "google_service_account" "agent" {
  for_each   = var.agents
  account_id = "${each.key}-agent"
}
'''

# Every Google Cloud binding kind, each written the way teams write the member of a for_each instance.
GOOGLE_GRANTS = '''
resource "google_project_iam_member" "vertex" {
  for_each = var.agents
  project  = "acme-agents"
  role     = "roles/aiplatform.user"
  member   = "serviceAccount:${google_service_account.agent[each.key].email}"
}

resource "google_project_iam_binding" "logs" {
  for_each = var.agents
  project  = "acme-agents"
  role     = "roles/logging.logWriter"
  members  = ["serviceAccount:${google_service_account.agent[each.key].email}"]
}

resource "google_folder_iam_member" "viewer" {
  for_each = var.agents
  folder   = "folders/123456789012"
  role     = "roles/viewer"
  member   = format("serviceAccount:%s", google_service_account.agent[each.key].email)
}

resource "google_folder_iam_binding" "browser" {
  for_each = var.agents
  folder   = "folders/123456789012"
  role     = "roles/browser"
  members  = [google_service_account.agent[each.key].member]
}

resource "google_organization_iam_member" "auditor" {
  for_each = var.agents
  org_id   = "123456789"
  role     = "roles/iam.securityReviewer"
  member   = "serviceAccount:${google_service_account.agent[each.value].email}"
}

resource "google_organization_iam_binding" "reader" {
  for_each = var.agents
  org_id   = "123456789"
  role     = "roles/resourcemanager.organizationViewer"
  members  = ["serviceAccount:${lower(google_service_account.agent[each.key].email)}"]
}

resource "google_service_account_iam_member" "self_token" {
  for_each           = var.agents
  service_account_id = google_service_account.agent[each.key].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.agent[each.key].email}"
}

resource "google_service_account_iam_binding" "self_user" {
  for_each           = var.agents
  service_account_id = google_service_account.agent[each.key].name
  role               = "roles/iam.serviceAccountUser"
  members            = ["serviceAccount:${google_service_account.agent[each.key].email}"]
}
'''


def _short(node: str) -> str:
    return node.split("::", 1)[1]


def test_every_google_binding_kind_names_its_own_instance(tmp_path):
    (tmp_path / "main.tf").write_text(ACCOUNTS + GOOGLE_GRANTS)
    g = build_graph([str(tmp_path)], Config())
    got = {(e.via.address, _short(e.source)) for e in g.relations(Rel.GCP_BINDING)}
    kinds = ["google_project_iam_member.vertex", "google_project_iam_binding.logs", "google_folder_iam_member.viewer",
             "google_folder_iam_binding.browser", "google_organization_iam_member.auditor",
             "google_organization_iam_binding.reader", "google_service_account_iam_member.self_token",
             "google_service_account_iam_binding.self_user"]
    assert got == {(f'{kind}["{key}"]', f'google_service_account.agent["{key}"]')
                   for kind in kinds for key in ("planner", "executor")}
    # A grant on one service account is about its own instance too.
    on_account = {(e.via.address, _short(e.account)) for e in g.relations(Rel.GCP_BINDING) if e.account}
    assert on_account == {(f'{kind}["{key}"]', f'google_service_account.agent["{key}"]')
                          for kind in kinds[-2:] for key in ("planner", "executor")}


def test_grant_in_a_module_instance_names_the_instance_of_its_own_module(tmp_path):
    (tmp_path / "modules" / "agent").mkdir(parents=True)
    (tmp_path / "modules" / "agent" / "main.tf").write_text('''
variable "names" { type = set(string) }
resource "google_service_account" "sa" {
  for_each   = var.names
  account_id = each.key
}
resource "google_project_iam_member" "editor" {
  for_each = var.names
  project  = "acme"
  role     = "roles/editor"
  member   = "serviceAccount:${google_service_account.sa[each.key].email}"
}
''')
    (tmp_path / "main.tf").write_text('''
module "agents" {
  source = "./modules/agent"
  names  = ["triage", "coder"]
}
''')
    g = build_graph([str(tmp_path)], Config())
    got = {(e.via.address, _short(e.source)) for e in g.relations(Rel.GCP_BINDING)}
    assert got == {(f'module.agents.google_project_iam_member.editor["{k}"]',
                    f'module.agents.google_service_account.sa["{k}"]') for k in ("triage", "coder")}


def test_a_for_expression_symbol_is_not_taken_for_an_instance_key(tmp_path):
    """`[for k in var.agents : "...${google_service_account.agent[k].email}"]` evaluates each element with `k`
    bound: every account is a member, each once."""
    (tmp_path / "main.tf").write_text(ACCOUNTS + '''
resource "google_project_iam_binding" "all" {
  project = "acme-agents"
  role    = "roles/aiplatform.user"
  members = [for k in var.agents : "serviceAccount:${google_service_account.agent[k].email}"]
}
''')
    g = build_graph([str(tmp_path)], Config())
    assert sorted(_short(e.source) for e in g.relations(Rel.GCP_BINDING)) == [
        'google_service_account.agent["executor"]', 'google_service_account.agent["planner"]']


AWS = '''
variable "agents" {
  type    = set(string)
  default = ["planner", "executor"]
}

resource "aws_iam_role" "agent" {
  for_each           = var.agents
  name               = "${each.key}-agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

resource "aws_iam_policy" "agent" {
  for_each = var.agents
  name     = "${each.key}-agent"
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}

resource "aws_iam_role_policy_attachment" "agent" {
  for_each   = var.agents
  role       = "${aws_iam_role.agent[each.key].name}"
  policy_arn = trimspace(aws_iam_policy.agent[each.key].arn)
}

resource "aws_lambda_function" "agent" {
  for_each      = var.agents
  function_name = "${each.key}-agent"
  role          = aws_iam_role.agent[each.key].arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "agent.zip"
}
'''


def test_aws_for_each_attachment_and_workload_name_their_own_instance(tmp_path):
    (tmp_path / "main.tf").write_text(AWS)
    g = build_graph([str(tmp_path)], Config())
    policies = {(_short(e.source), _short(e.target)) for e in g.relations(Rel.POLICY)}
    assert policies == {(f'aws_iam_role.agent["{k}"]', f'aws_iam_policy.agent["{k}"]') for k in ("planner", "executor")}
    runs = {(_short(e.source), _short(e.target)) for e in g.relations(Rel.RUNS_AS)}
    assert runs == {(f'aws_lambda_function.agent["{k}"]', f'aws_iam_role.agent["{k}"]') for k in ("planner", "executor")}


AZURE = '''
variable "agents" {
  type    = set(string)
  default = ["planner", "executor"]
}

resource "azurerm_user_assigned_identity" "agent" {
  for_each            = var.agents
  name                = "${each.key}-agent"
  location            = "westeurope"
  resource_group_name = "agents"
}

resource "azurerm_role_assignment" "reader" {
  for_each             = var.agents
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = "Reader"
  principal_id         = lower(azurerm_user_assigned_identity.agent[each.key].principal_id)
}

resource "azurerm_role_assignment" "contributor" {
  for_each             = var.agents
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = "Contributor"
  principal_id         = azurerm_user_assigned_identity.agent[each.key].principal_id
}
'''


def test_azure_for_each_assignment_names_its_own_identity(tmp_path):
    (tmp_path / "main.tf").write_text(AZURE)
    g = build_graph([str(tmp_path)], Config())
    got = {(e.via.address, _short(e.source)) for e in g.relations(Rel.AZURE_ASSIGNMENT)}
    assert got == {(f'azurerm_role_assignment.{name}["{k}"]', f'azurerm_user_assigned_identity.agent["{k}"]')
                   for name in ("reader", "contributor") for k in ("planner", "executor")}
