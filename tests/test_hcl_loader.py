"""The HCL loader on small, purpose-written configurations (python-hcl2 parses them for real)."""

from __future__ import annotations

import json
import textwrap

from agentlint.iam.policy import parse_policy_value
from agentlint.loaders import load
from agentlint.values import Ref, Unknown


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def by_address(model):
    return {r.address: r for r in model.resources}


def test_lines_addresses_and_values(tmp_path):
    write(tmp_path, "main.tf", """
        variable "env" {
          default = "dev"
        }
        locals {
          prefix = "agent-${var.env}"
        }
        resource "aws_iam_role" "r" {
          name                 = local.prefix
          max_session_duration = 3600 * 12
          tags                 = { team = "ml", owner = var.owner }
        }
    """)
    model = load([str(tmp_path)])
    role = by_address(model)["aws_iam_role.r"]
    assert (role.start_line, role.end_line) == (8, 12)
    assert role.attr_lines["max_session_duration"] == 10
    assert role.values["name"] == "agent-dev"
    assert role.values["max_session_duration"] == 43200
    assert isinstance(role.values["tags"]["owner"], Unknown)  # no default, no tfvars: unknown, not empty


def test_tfvars_order_and_explicit_var_files(tmp_path):
    write(tmp_path, "main.tf", """
        variable "a" { default = "default" }
        variable "b" { default = "default" }
        variable "c" { default = "default" }
        resource "aws_iam_role" "r" { name = "${var.a}-${var.b}-${var.c}" }
    """)
    write(tmp_path, "terraform.tfvars", 'a = "tfvars"\nb = "tfvars"\n')
    write(tmp_path, "x.auto.tfvars", 'b = "auto"\n')
    extra = write(tmp_path, "prod.tfvars", 'c = "explicit"\n')
    model = load([str(tmp_path)], var_files=[str(extra)])
    assert by_address(model)["aws_iam_role.r"].values["name"] == "tfvars-auto-explicit"


def test_jsonencode_heredoc_and_json_string_policies(tmp_path):
    write(tmp_path, "main.tf", '''
        resource "aws_iam_policy" "a" {
          policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = aws_s3_bucket.b.arn }] })
        }
        resource "aws_iam_policy" "b" {
          policy = <<-EOF
            {"Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "${aws_sqs_queue.q.arn}"}]}
          EOF
        }
        resource "aws_iam_policy" "c" {
          policy = "{\\"Statement\\": [{\\"Effect\\": \\"Deny\\", \\"Action\\": \\"*\\", \\"Resource\\": \\"*\\"}]}"
        }
    ''')
    model = load([str(tmp_path)])
    res = by_address(model)
    a = parse_policy_value(res["aws_iam_policy.a"].values["policy"], lambda _: None)
    assert a.known and a.statements[0].actions == ["s3:*"]
    # A resource ARN unknown until apply is kept as unknown, with the reference it came from.
    [arn] = a.statements[0].resources
    assert isinstance(arn, Unknown) and arn.refs == (Ref("aws_s3_bucket.b", "arn"),)
    b = parse_policy_value(res["aws_iam_policy.b"].values["policy"], lambda _: None)
    assert not b.known  # interpolated heredoc JSON: an unknown, never an empty policy
    c = parse_policy_value(res["aws_iam_policy.c"].values["policy"], lambda _: None)
    assert c.known and c.statements[0].is_deny


def test_policy_document_merges_source_and_override(tmp_path):
    write(tmp_path, "main.tf", """
        data "aws_iam_policy_document" "base" {
          statement {
            sid     = "A"
            actions = ["s3:GetObject"]
            resources = ["*"]
          }
          statement {
            sid     = "B"
            actions = ["sqs:SendMessage"]
            resources = ["*"]
          }
        }
        data "aws_iam_policy_document" "override" {
          statement {
            sid     = "B"
            actions = ["sqs:*"]
            resources = ["*"]
          }
        }
        data "aws_iam_policy_document" "final" {
          source_policy_documents   = [data.aws_iam_policy_document.base.json]
          override_policy_documents = [data.aws_iam_policy_document.override.json]
          statement {
            sid     = "C"
            effect  = "Deny"
            actions = ["iam:*"]
            resources = ["*"]
          }
        }
    """)
    model = load([str(tmp_path)])
    res = by_address(model)
    lookup = lambda address: res.get(address)  # noqa: E731
    doc = parse_policy_value(Unknown("x", (Ref("data.aws_iam_policy_document.final", "json"),)), lookup)
    assert doc.known
    assert [(s.sid, s.effect, s.actions) for s in doc.statements] == [
        ("A", "Allow", ["s3:GetObject"]), ("B", "Allow", ["sqs:*"]), ("C", "Deny", ["iam:*"])]
    assert doc.statements[2].origin_line == 24


def test_local_modules_get_module_addresses_and_arguments(tmp_path):
    write(tmp_path, "main.tf", """
        module "agents" {
          source = "./modules/agents"
          names  = ["a"]
        }
        module "remote" {
          source = "terraform-aws-modules/iam/aws"
        }
    """)
    write(tmp_path, "modules/agents/main.tf", """
        variable "names" {}
        resource "aws_iam_role" "r" { name = var.names[0] }
        module "inner" { source = "../inner" }
    """)
    write(tmp_path, "modules/inner/main.tf", 'resource "aws_iam_user" "u" { name = "inner" }\n')
    model = load([str(tmp_path)])
    res = by_address(model)
    assert res["module.agents.aws_iam_role.r"].values["name"] == "a"
    assert "module.agents.module.inner.aws_iam_user.u" in res
    assert model.stacks == [str(tmp_path)]  # called folders are not roots of their own
    assert [n.kind for n in model.notices] == ["module-not-installed"]
    assert model.notices[0].message == ("1 module call is not installed (module.remote); run terraform init (or "
                                        "tofu init) so agentlint can read it")


def test_module_source_outside_the_scan_root_is_not_followed(tmp_path):
    write(tmp_path, "outside/main.tf", 'resource "aws_iam_user" "u" { name = "x" }\n')
    write(tmp_path, "root/main.tf", 'module "m" {\n  source = "../outside"\n}\n')
    model = load([str(tmp_path / "root")])
    assert model.resources == []
    assert model.notices[0].message == "module module.m: source leaves the repository; not followed"


def test_count_zero_and_empty_for_each_create_nothing(tmp_path):
    write(tmp_path, "main.tf", """
        variable "enabled" { default = false }
        resource "aws_iam_role" "off" {
          count = var.enabled ? 1 : 0
          name  = "off"
        }
        resource "aws_iam_role" "none" {
          for_each = {}
          name     = "none"
        }
        resource "aws_iam_role" "maybe" {
          count = var.unknown_count
          name  = "maybe"
        }
        data "aws_iam_policy_document" "off" {
          count = 0
        }
        locals {
          docs = concat(data.aws_iam_policy_document.off[*].json, ["{}"])
        }
        resource "aws_iam_policy" "p" { policy = local.docs[0] }
    """)
    res = by_address(load([str(tmp_path)]))
    assert "aws_iam_role.off" not in res and "aws_iam_role.none" not in res
    assert "aws_iam_role.maybe[*]" in res  # a count that cannot be evaluated keeps the resource, key unknown
    assert res["aws_iam_policy.p"].values["policy"] == "{}"


def test_tf_json_and_tofu_precedence(tmp_path):
    write(tmp_path, "roles.tf", 'resource "aws_iam_role" "from_tf" { name = "tf" }\n')
    write(tmp_path, "roles.tofu", 'resource "aws_iam_role" "from_tofu" { name = "tofu" }\n')
    write(tmp_path, "other.tf.json", json.dumps({
        "resource": {"aws_iam_user": {"bot": {"name": "bot-${var.env}"}}},
        "variable": {"env": {"default": "prod"}},
    }, indent=2))
    res = by_address(load([str(tmp_path)]))
    assert "aws_iam_role.from_tf" not in res  # OpenTofu >= 1.8: x.tofu replaces x.tf
    assert res["aws_iam_role.from_tofu"].values["name"] == "tofu"
    assert res["aws_iam_user.bot"].values["name"] == "bot-prod"
    assert res["aws_iam_user.bot"].start_line == 4


def test_override_files_merge_into_their_blocks(tmp_path):
    write(tmp_path, "main.tf", 'resource "aws_iam_role" "r" {\n  name = "a"\n  max_session_duration = 3600\n}\n')
    write(tmp_path, "main_override.tf", 'resource "aws_iam_role" "r" {\n  max_session_duration = 43200\n}\n')
    res = by_address(load([str(tmp_path)]))
    assert res["aws_iam_role.r"].values == {"name": "a", "max_session_duration": 43200}


def test_file_function_reads_only_inside_the_scan_root(tmp_path):
    (tmp_path / "secret.json").write_text('{"Statement": []}')
    write(tmp_path, "stack/policy.json", '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}')
    write(tmp_path, "stack/main.tf", """
        resource "aws_iam_policy" "inside" { policy = file("${path.module}/policy.json") }
        resource "aws_iam_policy" "outside" { policy = file("${path.module}/../secret.json") }
    """)
    res = by_address(load([str(tmp_path / "stack")]))
    assert json.loads(res["aws_iam_policy.inside"].values["policy"])["Statement"][0]["Action"] == "*"
    assert isinstance(res["aws_iam_policy.outside"].values["policy"], Unknown)


def test_broken_file_is_reported_and_the_others_are_scanned(tmp_path):
    write(tmp_path, "good.tf", 'resource "aws_iam_user" "u" { name = "u" }\n')
    write(tmp_path, "bad.tf", 'resource "aws_iam_user" "v" {\n  name = \n}\n{% if x %}\n')
    (tmp_path / "binary.tf").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin1.tf").write_bytes('# caf\xe9\n'.encode("latin-1"))
    model = load([str(tmp_path)])
    assert [r.address for r in model.resources] == ["aws_iam_user.u"]
    errors = {e.path.rsplit("/", 1)[-1]: e for e in model.errors}
    assert (errors["bad.tf"].kind, errors["bad.tf"].line) == ("parse-error", 2)
    assert errors["bad.tf"].message == ("looks like a template ({% %} / {{ }} tags), not Terraform; "
                                        "syntax error: unexpected end of line")
    assert errors["binary.tf"].kind == "encoding"
    assert errors["latin1.tf"].kind == "encoding" and errors["latin1.tf"].line == 1


def test_hidden_and_terraform_folders_are_skipped(tmp_path):
    write(tmp_path, ".terraform/modules/x/main.tf", 'resource "aws_iam_user" "hidden" {}\n')
    write(tmp_path, ".git/x.tf", 'resource "aws_iam_user" "git" {}\n')
    write(tmp_path, "main.tf", 'resource "aws_iam_user" "shown" {}\n')
    assert [r.address for r in load([str(tmp_path)]).resources] == ["aws_iam_user.shown"]


def test_syntax_errors_never_echo_credentials(tmp_path):
    key = "AKIA" + "IOSFODNN7EXAMPLE"
    write(tmp_path, "main.tf", f'provider "aws" {{\n  access_key = ("x" {key})\n}}\n')
    [error] = load([str(tmp_path)]).errors
    assert error.line == 2 and key not in error.message
    assert error.message == "syntax error: unexpected '<redacted>'"


def test_redaction_shapes():
    from agentlint.values import redact

    secret = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
    text = f"key AKIAIOSFODNN7EXAMPLE secret {secret} sk-ant-api03-{'a' * 30} ok"
    assert redact(text) == "key <redacted> secret <redacted> <redacted> ok"
    assert redact("arn:aws:iam::aws:policy/AdministratorAccess") == "arn:aws:iam::aws:policy/AdministratorAccess"


def test_jsonencode_gives_terraforms_string_and_readers_still_see_the_object(tmp_path):
    write(tmp_path, "main.tf", """
        resource "azapi_resource" "agent" {
          type = "Microsoft.App/containerApps@2024-03-01"
          body = jsonencode({ identity = { type = "SystemAssigned" } })
        }
        resource "aws_iam_policy" "p" {
          policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
        }
    """)
    from agentlint.graph.azure import identity_block

    res = by_address(load([str(tmp_path)]))
    body = res["azapi_resource.agent"].values["body"]
    assert body == '{"identity":{"type":"SystemAssigned"}}'
    assert identity_block("azapi_resource", res["azapi_resource.agent"].values) == {"type": "SystemAssigned"}
    doc = parse_policy_value(res["aws_iam_policy.p"].values["policy"], lambda _a: None)
    assert doc.known and doc.statements[0].actions == ["s3:*"]


def test_load_configuration_returns_its_result_with_diagnostics(tmp_path):
    """Loaders hand back resources, stacks and diagnostics; nothing is appended to lists the caller owns."""
    from agentlint.loaders.hcl import load_configuration
    from agentlint.loaders.repository import survey
    from agentlint.model import Limits

    (tmp_path / "main.tf").write_text('# agentlint:ignore[AL201] sandbox\nresource "aws_iam_role" "r" {\n'
                                      '  name = "r"\n}\nmodule "gone" {\n  source = "app.terraform.io/x/y/aws"\n}\n')
    (tmp_path / "broken.tf").write_text('resource "aws_iam_role" {\n')
    repo = survey(str(tmp_path), [str(tmp_path)], [], Limits())
    got = load_configuration(repo, Limits())
    assert [r.address for r in got.resources] == ["aws_iam_role.r"]
    assert got.stacks == [str(tmp_path)] and got.files_read == 2
    assert [(e.kind, e.path.rsplit("/", 1)[-1], e.line) for e in got.errors] == [("parse-error", "broken.tf", 2)]
    assert [n.kind for n in got.notices] == ["module-not-installed"]
    assert [(s.line, s.rules, s.reason, s.block_address) for s in got.suppressions] == [
        (1, ["AL201"], "sandbox", "aws_iam_role.r")]
    assert got.summary == {"modules_not_installed": 1}
