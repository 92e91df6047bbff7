"""Secrets on hosts and in workloads (AL305, AL320, AL321), credential lifetimes (AL314), and what the loader keeps
for them: provisioner types, template text through unknown values and base64, where a variable's value came from,
timeadd. Exact findings on small configurations written the way teams write them."""

from __future__ import annotations

import base64
import textwrap

import pytest

from agentlint.loaders import load
from agentlint.loaders.hcl_ast import parse_expression
from agentlint.loaders.hcl_eval import Scope, evaluate
from agentlint.values import Unknown, UnknownText, VariableText
from helpers import run


def write(folder, name: str, text: str) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return str(path)


def findings(folder, *rules: str) -> list[tuple[str, int, str, str, str]]:
    report = run(str(folder), select=list(rules))
    assert report.errors == []
    return sorted((f.rule_id, f.start_line, f.severity.value, f.address, f.message) for f in report.findings)


# -- the evaluator --------------------------------------------------------------------------------------------


def ev(text: str, variables=None, folder="/nonexistent"):
    return evaluate(parse_expression(text), Scope("", folder, folder, variables or {}, {}))


@pytest.mark.parametrize("text, expected", [
    ('timeadd("2024-01-01T00:00:00Z", "87600h")', "2033-12-29T00:00:00Z"),
    ('timeadd("2026-01-01T00:00:00Z", "4380h")', "2026-07-02T12:00:00Z"),
    ('timeadd("2017-11-22T00:00:00Z", "-10m")', "2017-11-21T23:50:00Z"),
    ('timeadd("2026-01-01T00:00:00Z", "2400h30m")', "2026-04-11T00:30:00Z"),
])
def test_timeadd_of_a_written_date_is_computed(text, expected):
    assert ev(text) == expected


def test_timeadd_of_the_apply_time_stays_unknown():
    assert isinstance(ev('timeadd(timestamp(), "720h")'), Unknown)


def test_a_variable_string_carries_its_origin_and_operations_give_plain_strings():
    value = ev("var.openai_api_key", {"openai_api_key": "set-in-ci"})
    assert isinstance(value, VariableText) and value == "set-in-ci" and value.origin == "var.openai_api_key"
    assert type(ev('"${var.k}-x"', {"k": "a"})) is str
    assert type(ev("upper(var.k)", {"k": "a"})) is str


def test_template_text_survives_an_unknown_value_and_base64(tmp_path):
    write(tmp_path, "boot.sh.tpl", "#!/bin/bash\nexport AWS_SECRET_ACCESS_KEY=${key}\n")
    rendered = ev('templatefile("boot.sh.tpl", { key = var.k })', {"k": Unknown("var.k")}, str(tmp_path))
    assert isinstance(rendered, UnknownText)
    assert rendered.template == "#!/bin/bash\nexport AWS_SECRET_ACCESS_KEY=${key}\n"
    encoded = ev('base64encode(templatefile("boot.sh.tpl", { key = var.k }))', {"k": Unknown("var.k")},
                 str(tmp_path))
    assert isinstance(encoded, UnknownText) and encoded.template == rendered.template


def test_path_module_templates_are_found_when_a_relative_folder_is_scanned(tmp_path, monkeypatch):
    write(tmp_path, "infra/main.tf", """
        resource "aws_instance" "a" {
          user_data = templatefile("${path.module}/boot.sh.tpl", { region = "eu-west-1" })
        }
    """)
    write(tmp_path, "infra/boot.sh.tpl", "aws configure set region ${region}\n")
    monkeypatch.chdir(tmp_path)
    [res] = load(["infra"]).resources
    assert res.values["user_data"] == "aws configure set region eu-west-1\n"


def test_provisioner_blocks_keep_their_type(tmp_path):
    write(tmp_path, "main.tf", """
        resource "null_resource" "setup" {
          provisioner "remote-exec" {
            inline = ["echo ok"]
          }
          provisioner "file" {
            content     = "x"
            destination = "/tmp/x"
          }
        }
    """)
    [res] = load([str(tmp_path)]).resources
    assert [(p["__type__"], p["__line__"]) for p in res.values["provisioner"]] == [("remote-exec", 3), ("file", 6)]


# -- AL320 ----------------------------------------------------------------------------------------------------


def test_al320_reads_a_base64_literal_and_skips_commented_lines(tmp_path):
    script = "#!/bin/bash\n# export AWS_ACCESS_KEY_ID=old\nexport AWS_ACCESS_KEY_ID=$(cat /run/key)\n"
    commented = "#!/bin/bash\n# export AWS_ACCESS_KEY_ID=old\necho ready\n"
    write(tmp_path, "main.tf", f"""
        resource "aws_instance" "worker" {{
          ami              = "ami-1"
          instance_type    = "t3.micro"
          user_data_base64 = "{base64.b64encode(script.encode()).decode()}"
        }}

        resource "aws_instance" "clean" {{
          ami              = "ami-1"
          instance_type    = "t3.micro"
          user_data_base64 = "{base64.b64encode(commented.encode()).decode()}"
        }}
    """)
    assert findings(tmp_path, "AL320") == [
        ("AL320", 5, "medium", "aws_instance.worker",
         "host aws_instance.worker is given long-lived credentials at boot (user_data_base64: AWS access keys): the "
         "host should use its own identity")]


def test_al320_reads_remote_exec_on_any_resource(tmp_path):
    write(tmp_path, "main.tf", """
        variable "deploy_key" {
          type = string
        }

        resource "null_resource" "configure_runner" {
          provisioner "remote-exec" {
            inline = [
              "az login --service-principal -u ${var.app_id} -p ${var.deploy_key} --tenant contoso.onmicrosoft.com",
            ]
          }
        }
    """)
    assert findings(tmp_path, "AL320") == [
        ("AL320", 7, "medium", "null_resource.configure_runner",
         "host null_resource.configure_runner is given long-lived credentials at boot (provisioner \"remote-exec\": "
         "an Azure client secret (az login --service-principal)): the host should use its own identity")]


def test_al320_ignores_the_providers_user_data_hash_in_a_plan_shaped_value(tmp_path):
    write(tmp_path, "main.tf", """
        resource "aws_instance" "web" {
          ami           = "ami-1"
          instance_type = "t3.micro"
          user_data     = "44c6c808e6449ee36dfcfc4ebd66c1b9634b40f2"
        }
    """)
    assert findings(tmp_path, "AL320", "AL305") == []


# -- AL321 ----------------------------------------------------------------------------------------------------


def test_al321_reports_a_key_from_a_variable_whose_default_is_empty(tmp_path):
    write(tmp_path, "main.tf", """
        variable "anthropic_api_key" {
          type    = string
          default = ""
        }

        resource "google_cloud_run_v2_service" "summariser" {
          name     = "summariser"
          location = "europe-west1"
          template {
            containers {
              image = "europe-docker.pkg.dev/example/agents/summariser:1.0"
              env {
                name  = "ANTHROPIC_API_KEY"
                value = var.anthropic_api_key
              }
            }
          }
        }
    """)
    [(rule, _line, severity, address, message)] = findings(tmp_path, "AL321")
    assert (rule, severity, address) == ("AL321", "high", "google_cloud_run_v2_service.summariser")
    assert message == (
        "agent google_cloud_run_v2_service.summariser passes an LLM provider key in plain environment variables: "
        "ANTHROPIC_API_KEY (from var.anthropic_api_key); anyone who can read its configuration or the Terraform "
        "state reads the key: use value_source.secret_key_ref (Secret Manager)")


def test_al321_leaves_literal_keys_to_al305_and_placeholders_alone(tmp_path):
    write(tmp_path, "main.tf", """
        resource "aws_lambda_function" "bot" {
          function_name = "bot"
          role          = "arn:aws:iam::111122223333:role/bot"
          handler       = "app.handler"
          runtime       = "python3.12"
          environment {
            variables = {
              OPENAI_API_KEY = "sk-proj-notARealKeyButShapedLikeOne0000"
              GROQ_API_KEY   = "changeme"
            }
          }
        }
    """)
    assert [f[0] for f in findings(tmp_path, "AL305", "AL321")] == ["AL305"]


# -- AL305 ----------------------------------------------------------------------------------------------------


def test_al305_ranks_a_non_agent_workload_one_level_lower(tmp_path):
    write(tmp_path, "main.tf", """
        resource "azurerm_linux_function_app" "billing" {
          name                 = "billing-sync"
          location             = "westeurope"
          resource_group_name  = "rg"
          service_plan_id      = "plan"
          storage_account_name = "sa"
          site_config {}
          app_settings = {
            STRIPE_API_KEY   = "sk_live_0000notARealStripeKey0000"
            KEYVAULT_SECRET  = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/x/)"
          }
        }
    """)
    assert findings(tmp_path, "AL305") == [
        ("AL305", 9, "medium", "azurerm_linux_function_app.billing",
         "workload azurerm_linux_function_app.billing has a secret in plain text in its environment: STRIPE_API_KEY "
         "(value not shown)")]


# -- AL314 ----------------------------------------------------------------------------------------------------


def test_al314_far_end_date_without_start_and_short_rotation(tmp_path):
    write(tmp_path, "main.tf", """
        resource "time_rotating" "weekly" {
          rotation_days = 7
        }

        resource "azuread_service_principal_password" "forever" {
          service_principal_id = "/servicePrincipals/1"
          end_date             = "2099-01-01T00:00:00Z"
        }

        resource "azuread_service_principal_password" "rotated" {
          service_principal_id = "/servicePrincipals/1"
          rotate_when_changed  = { rotation = time_rotating.weekly.id }
        }

        resource "azuread_application_certificate" "apply_time" {
          application_id = "/applications/1"
          type           = "AsymmetricX509Cert"
          value          = "cert"
          end_date       = timeadd(timestamp(), "17520h")
        }
    """)
    assert findings(tmp_path, "AL314") == [
        ("AL314", 8, "medium", "azuread_service_principal_password.forever",
         "azuread_service_principal_password.forever is a client secret valid until 2099-01-01T00:00:00Z, more than "
         "90 days from now (limit 90)")]


def test_al321_reads_an_ecs_container_definition_built_with_jsonencode(tmp_path):
    write(tmp_path, "main.tf", """
        variable "mistral_api_key" {
          type      = string
          sensitive = true
        }

        resource "aws_ecs_task_definition" "triage" {
          family = "triage-agent"
          container_definitions = jsonencode([{
            name  = "triage"
            image = "ghcr.io/example/triage:2.1"
            environment = [
              { name = "MISTRAL_API_KEY", value = var.mistral_api_key },
            ]
          }])
        }
    """)
    write(tmp_path, "terraform.tfvars", 'mistral_api_key = "injected-by-ci"\n')
    [(rule, line, severity, address, message)] = findings(tmp_path, "AL321", "AL305")
    assert (rule, line, severity, address) == ("AL321", 9, "high", "aws_ecs_task_definition.triage")
    assert "MISTRAL_API_KEY (from var.mistral_api_key)" in message
    assert message.endswith("use the container definition's `secrets` (valueFrom a Secrets Manager or SSM "
                            "parameter ARN)")
