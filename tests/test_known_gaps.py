"""Bugs found while writing fixtures, each a strict xfail: what agentlint should give, and gives not yet. A fix
turns the test into an XPASS failure that asks for the `xfail` mark to be removed (the fixture, if any, then
keeps the behaviour). Plan cases of the same kind are `known-gap.md` files beside a plan fixture."""

from __future__ import annotations


from helpers import run


def test_for_each_gcp_grant_names_its_own_service_account():
    """Was a known gap: a reference inside a template (`"serviceAccount:${google_service_account.agent[each.key]
    .email}"`) lost its instance key, so every instance's grant went to the first account."""
    report = run("fixtures/AL207/bad/folder-admin-for-each")
    got = {f.address: f.agents for f in report.findings}
    assert got == {
        'google_folder_iam_member.admin["executor"]': ['google_cloud_run_v2_service.agent["executor"]'],
        'google_folder_iam_member.admin["planner"]': ['google_cloud_run_v2_service.agent["planner"]'],
    }


SAML_BY_REFERENCE = '''
resource "aws_iam_saml_provider" "corp" {
  name                   = "corp-idp"
  saml_metadata_document = "<EntityDescriptor/>"
}

resource "aws_iam_role" "analyst" {
  name = "analyst-agent"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithSAML", Principal = { Federated = aws_iam_saml_provider.corp.arn } }]
  })
}

resource "aws_bedrockagentcore_agent_runtime" "analyst" {
  agent_runtime_name = "analyst"
  role_arn           = aws_iam_role.analyst.arn
}
'''


def test_saml_provider_by_reference_is_named_by_its_address(tmp_path):
    """Was a known gap: a value given by reference is shown as the expression written (Unknown.__str__), never as
    `Unknown('...')`."""
    (tmp_path / "main.tf").write_text(SAML_BY_REFERENCE)
    [finding] = [f for f in run(str(tmp_path)).findings if f.rule_id == "AL307"]
    assert "Unknown(" not in finding.message
    assert "can also be assumed by people: SAML identity provider aws_iam_saml_provider.corp.arn (" in finding.message


def test_end_date_computed_with_timeadd_is_checked():
    """Was a known gap: timeadd() of a date written in the code is now computed (182 days > 90)."""
    report = run("fixtures/AL314/bad/relative-and-certificate")
    [finding] = [f for f in report.findings
                 if f.rule_id == "AL314" and f.address == "azuread_service_principal_password.agent"]
    assert finding.message == ("azuread_service_principal_password.agent is a client secret valid for 182 days "
                               "(limit 90)")
