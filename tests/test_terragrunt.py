"""Terragrunt units (agentlint/loaders/terragrunt.py): which module a terragrunt.hcl runs, with which inputs."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import textwrap
from pathlib import Path

import pytest

from agentlint.loaders.terragrunt import TerragruntRoot, find_terragrunt_roots, is_local_source, split_source
from agentlint.model import Limits, LoadError
from agentlint.values import Unknown

from conftest import FIXTURES, rel

TG = FIXTURES / "terragrunt"
MODULE = rel(TG / "modules" / "agent")
MODULES = rel(TG / "modules")


def units(root: Path) -> list[str]:
    return sorted(rel(p) if p.is_relative_to(FIXTURES) else str(p) for p in root.rglob("terragrunt.hcl"))


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())
    return path


AGENT_TF = 'variable "agent_name" {}\nresource "aws_iam_role" "agent" {\n  name = var.agent_name\n}\n'


def test_fixture_units_exactly():
    roots, errors = find_terragrunt_roots(units(TG), rel(TG), Limits())
    live = rel(TG / "live")
    envcommon = os.path.abspath(rel(TG / "live" / "_envcommon"))
    assert roots == [
        # An old-style root terragrunt.hcl (live-legacy/terragrunt.hcl) is included by the unit: not a unit itself.
        # No terraform { source }: Terragrunt runs the Terraform files beside the terragrunt.hcl.
        TerragruntRoot(
            config_path=rel(TG / "live-legacy" / "dev" / "agent" / "terragrunt.hcl"), line=1,
            module_dir=rel(TG / "live-legacy" / "dev" / "agent"),
            inputs={"agent_name": "legacy-agent",
                    "prefix": "arn:aws:iam::aws:policy/PowerUserAccess",
                    "policy_arns": ["arn:aws:iam::aws:policy/PowerUserAccess"]},
            problem=None, source=None, source_root=rel(TG / "live-legacy" / "dev" / "agent")),
        # a.hcl includes b.hcl, which includes a.hcl again: the cycle is cut (and reported), the rest is kept.
        TerragruntRoot(
            config_path=f"{live}/cycle/unit/terragrunt.hcl", line=6, module_dir=MODULE,
            inputs={"agent_name": "cyclic", "from_a": True, "from_b": True},
            problem=None, source="../../../modules//agent", source_root=MODULES),
        # root.hcl's inputs shallow-merged under the unit's (the unit's policy_arns win); root.hcl's locals read
        # env.hcl found from the unit's folder; path_relative_to_include() is the unit's path below root.hcl.
        TerragruntRoot(
            config_path=f"{live}/prod/agent/terragrunt.hcl", line=11, module_dir=MODULE,
            inputs={"agent_name": "support-prod",
                    "policy_arns": ["arn:aws:iam::aws:policy/AdministratorAccess"],
                    "api_token": Unknown('get_env("AGENT_API_TOKEN", "none")'),
                    "region": "eu-west-1",
                    "tags": {"org": "acme", "environment": "prod", "stack": "prod/agent"}},
            problem=None, source="../../../modules//agent", source_root=MODULES),
        TerragruntRoot(
            config_path=f"{live}/prod/escape/terragrunt.hcl", line=2, module_dir=None,
            inputs={"agent_name": "escape"},
            problem="source '../../../../..//elsewhere/agent' leaves the repository; not followed",
            source="../../../../..//elsewhere/agent", source_root=None),
        TerragruntRoot(
            config_path=f"{live}/prod/remote-fetched/terragrunt.hcl", line=6, module_dir=None,
            inputs={"agent_name": "triage", "region": "eu-west-1",
                    "policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                    "tags": {"org": "acme", "environment": "prod", "stack": "prod/remote-fetched"}},
            problem="remote source 'git::https://github.com/acme/agents.git//modules/agent?ref=v1.2.0' not fetched; "
                    "run terragrunt init",
            source="git::https://github.com/acme/agents.git//modules/agent?ref=v1.2.0", source_root=None),
        TerragruntRoot(
            config_path=f"{live}/prod/remote-missing/terragrunt.hcl", line=2, module_dir=None,
            inputs={"agent_name": "billing"},
            problem="remote source 'tfr:///acme/agent/aws//modules/agent?version=1.0.0' not fetched; run terragrunt init",
            source="tfr:///acme/agent/aws//modules/agent?version=1.0.0", source_root=None),
        # The terraform block comes from _envcommon/agent.hcl (line 5: the include that supplies it), its source
        # relative to that file; its inputs deep-merged (lists concatenated, maps merged), root.hcl's shallow.
        # run_cmd is never run; dependency outputs are not known before apply.
        TerragruntRoot(
            config_path=f"{live}/staging/agent/terragrunt.hcl", line=5, module_dir=MODULE,
            inputs={"agent_name": "support-staging",
                    "policy_arns": ["arn:aws:iam::aws:policy/AmazonBedrockFullAccess",
                                    "arn:aws:iam::aws:policy/IAMFullAccess"],
                    "tags": {"component": "agent", "owner": "ml",
                             "commit": Unknown('run_cmd("git", "rev-parse", "HEAD")')},
                    "vpc_id": Unknown("dependency.vpc.outputs.vpc_id"),
                    "region": "eu-west-1"},
            problem=None, source=f"{envcommon}/../../modules//agent", source_root=MODULES),
    ]
    assert errors == [LoadError(
        path=f"{live}/cycle/b.hcl", line=1, kind="unsupported",
        message=f"include cycle: {live}/cycle/unit/terragrunt.hcl -> {live}/cycle/a.hcl -> {live}/cycle/b.hcl -> "
                f"{live}/cycle/a.hcl")]


def test_paths_follow_the_style_given(tmp_path):
    write(tmp_path, "modules/agent/main.tf", AGENT_TF)
    write(tmp_path, "live/agent/terragrunt.hcl", 'terraform {\n  source = "../../modules//agent"\n}\n')
    (root,), errors = find_terragrunt_roots([str(tmp_path / "live/agent/terragrunt.hcl")], str(tmp_path), Limits())
    assert (root.module_dir, root.source_root, errors) == (str(tmp_path / "modules/agent"), str(tmp_path / "modules"), [])


def _live_copy(tmp_path: Path) -> Path:
    shutil.copytree(TG, tmp_path / "repo")
    return tmp_path / "repo"


def test_remote_source_uses_the_copy_terragrunt_fetched(tmp_path):
    repo = _live_copy(tmp_path)
    unit = repo / "live/prod/remote-fetched"
    copy = unit / ".terragrunt-cache" / "Xh3QnY" / "pL9aZk"
    write(copy, "modules/agent/main.tf", AGENT_TF)
    write(copy, "modules/agent/terragrunt.hcl", "# terragrunt copies the unit's files into its working folder\n")
    paths = [str(unit / "terragrunt.hcl"), str(copy / "modules/agent/terragrunt.hcl")]
    roots, errors = find_terragrunt_roots(paths, str(repo), Limits())
    assert errors == []
    # The copy inside .terragrunt-cache is not a unit of its own.
    assert [(r.config_path, r.line, r.module_dir, r.source_root, r.problem) for r in roots] == [
        (str(unit / "terragrunt.hcl"), 6, str(copy / "modules/agent"), str(copy), None)]
    assert roots[0].inputs["agent_name"] == "triage"


def test_remote_source_without_subfolder_and_newest_copy(tmp_path):
    write(tmp_path, "live/app/terragrunt.hcl", """
        terraform {
          source = "github.com/acme/agent-module?ref=v2"
        }
    """)
    old = tmp_path / "live/app/.terragrunt-cache/aaa/bbb"
    new = tmp_path / "live/app/.terragrunt-cache/ccc/ddd"
    write(old, "main.tf", AGENT_TF)
    write(new, "main.tf", AGENT_TF)
    write(tmp_path, "live/app/.terragrunt-cache/eee/fff/README.md", "no Terraform files: not a candidate\n")
    os.utime(old, (1_000_000, 1_000_000))
    os.utime(new, (2_000_000, 2_000_000))
    (root,), errors = find_terragrunt_roots([str(tmp_path / "live/app/terragrunt.hcl")], str(tmp_path), Limits())
    assert (root.module_dir, root.problem, errors) == (str(new), None, [])


def test_a_fetched_copy_linking_out_of_the_repository_is_not_used(tmp_path):
    outside = tmp_path / "outside"
    write(outside, "main.tf", AGENT_TF)
    repo = tmp_path / "repo"
    write(repo, "app/terragrunt.hcl", 'terraform {\n  source = "git::https://example.com/m.git"\n}\n')
    (repo / "app/.terragrunt-cache/h1").mkdir(parents=True)
    (repo / "app/.terragrunt-cache/h1/h2").symlink_to(outside, target_is_directory=True)
    (root,), _ = find_terragrunt_roots([str(repo / "app/terragrunt.hcl")], str(repo), Limits())
    assert root.module_dir is None
    assert root.problem == "remote source 'git::https://example.com/m.git' not fetched; run terragrunt init"


def test_a_local_source_through_a_symlink_out_of_the_repository(tmp_path):
    write(tmp_path, "outside/agent/main.tf", AGENT_TF)
    repo = tmp_path / "repo"
    write(repo, "live/app/terragrunt.hcl", 'terraform {\n  source = "../../modules//agent"\n}\n')
    (repo / "modules").symlink_to(tmp_path / "outside", target_is_directory=True)
    (root,), _ = find_terragrunt_roots([str(repo / "live/app/terragrunt.hcl")], str(repo), Limits())
    assert (root.module_dir, root.problem) == (None, "source '../../modules//agent' leaves the repository; not followed")


def test_local_source_problems(tmp_path):
    write(tmp_path, "modules/empty/README.md", "no Terraform here\n")
    write(tmp_path, "a/terragrunt.hcl", 'terraform {\n  source = "../modules/missing"\n}\n')
    write(tmp_path, "b/terragrunt.hcl", 'terraform {\n  source = "../modules//empty"\n}\n')
    write(tmp_path, "c/terragrunt.hcl", 'terraform {\n  source = "${get_env("MODULES")}//agent"\n}\n')
    write(tmp_path, "d/terragrunt.hcl", 'inputs = {\n  a = 1\n}\n')
    os.chdir(tmp_path)
    roots, errors = find_terragrunt_roots(["a/terragrunt.hcl", "b/terragrunt.hcl", "c/terragrunt.hcl",
                                           "d/terragrunt.hcl"], ".", Limits())
    assert [(r.module_dir, r.problem) for r in roots] == [
        (None, "source '../modules/missing': folder modules/missing not found"),
        (None, "source '../modules//empty': no Terraform files in modules/empty"),
        (None, "source '${get_env(\"MODULES\")}//agent' cannot be decided statically"),
        (None, "no terraform { source } and no Terraform files beside it"),
    ]
    assert roots[3].inputs == {"a": 1}
    assert errors == []


def test_credentials_in_a_source_are_not_shown(tmp_path):
    write(tmp_path, "app/terragrunt.hcl",
          'terraform {\n  source = "git::https://deploy:s3cr3t-t0ken@git.example.com/m.git//agent"\n}\n')
    (root,), _ = find_terragrunt_roots([str(tmp_path / "app/terragrunt.hcl")], str(tmp_path), Limits())
    assert "s3cr3t" not in root.problem and "s3cr3t" not in root.source
    assert root.source == "git::https://***@git.example.com/m.git//agent"


def test_parse_errors(tmp_path):
    write(tmp_path, "broken/terragrunt.hcl", 'inputs = {\n  a = \n}\n')
    write(tmp_path, "root.hcl", 'inputs = {\n  from_root = true\n')
    write(tmp_path, "app/main.tf", AGENT_TF)
    write(tmp_path, "app/terragrunt.hcl", """
        include "root" {
          path = find_in_parent_folders("root.hcl")
        }
        inputs = {
          agent_name = "a"
        }
    """)
    os.chdir(tmp_path)
    roots, errors = find_terragrunt_roots(["broken/terragrunt.hcl", "app/terragrunt.hcl"], ".", Limits())
    # The broken unit is skipped; a broken include costs its inputs only.
    assert [(r.config_path, r.inputs) for r in roots] == [("app/terragrunt.hcl", {"agent_name": "a"})]
    assert [(e.path, e.kind) for e in errors] == [("broken/terragrunt.hcl", "parse-error"), ("root.hcl", "parse-error")]
    assert errors[0].line == 2


def test_size_limit(tmp_path):
    write(tmp_path, "app/terragrunt.hcl", 'inputs = {\n  a = "' + "x" * 200 + '"\n}\n')
    roots, errors = find_terragrunt_roots([str(tmp_path / "app/terragrunt.hcl")], str(tmp_path),
                                          Limits(max_config_bytes=100))
    assert roots == []
    assert [e.kind for e in errors] == ["limit"]


def test_nothing_is_run_or_fetched(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("tried to run a program or open a connection")

    monkeypatch.setattr(subprocess.Popen, "__init__", forbidden)
    monkeypatch.setattr(os, "system", forbidden)
    monkeypatch.setattr(socket.socket, "connect", forbidden)
    monkeypatch.setattr(socket, "getaddrinfo", forbidden)
    monkeypatch.setenv("AGENT_API_TOKEN", "from-the-environment")
    roots, _ = find_terragrunt_roots(units(TG), rel(TG), Limits())
    assert all("from-the-environment" not in repr(r.inputs) for r in roots)


def test_files_outside_the_repository_are_never_read(tmp_path):
    write(tmp_path, "secret.hcl", 'locals {\n  password = "hunter2"\n}\ninputs = {\n  leaked = "hunter2"\n}\n')
    repo = tmp_path / "repo"
    write(repo, "app/main.tf", AGENT_TF)
    write(repo, "app/terragrunt.hcl", """
        include "up" {
          path = "../../secret.hcl"
        }
        locals {
          read     = read_terragrunt_config("../../secret.hcl")
          fallback = read_terragrunt_config("../../secret.hcl", { locals = { password = "default" } })
          missing  = read_terragrunt_config("nope.hcl", { locals = { password = "default" } })
          found    = find_in_parent_folders("secret.hcl", "not-found")
        }
        inputs = {
          password = local.read.locals.password
          fallback = local.fallback.locals.password
          missing  = local.missing.locals.password
          found    = local.found
          direct   = read_terragrunt_config("../../secret.hcl").locals.password
        }
    """)
    (root,), errors = find_terragrunt_roots([str(repo / "app/terragrunt.hcl")], str(repo), Limits())
    assert "hunter2" not in repr(root.inputs)
    # The default is for a file that does not exist; one outside the repository exists but is not read.
    assert isinstance(root.inputs["fallback"], Unknown) and root.inputs["missing"] == "default"
    assert root.inputs["found"] == "not-found"  # the search stops at the repository root
    assert isinstance(root.inputs["password"], Unknown) and isinstance(root.inputs["direct"], Unknown)
    assert [(e.kind, e.line, e.message) for e in errors] == [
        ("unsupported", 1, f"include 'up': {tmp_path / 'secret.hcl'} is outside the repository; not read")]


def test_read_terragrunt_config_cycle_and_locals_cycle(tmp_path):
    write(tmp_path, "a.hcl", 'locals {\n  b = read_terragrunt_config("b.hcl")\n  v = 1\n}\n')
    write(tmp_path, "b.hcl", 'locals {\n  a = read_terragrunt_config("a.hcl")\n  w = 2\n}\n')
    write(tmp_path, "app/main.tf", AGENT_TF)
    write(tmp_path, "app/terragrunt.hcl", """
        locals {
          a = read_terragrunt_config("../a.hcl")
          x = local.y
          y = local.x
        }
        inputs = {
          w = local.a.locals.b.locals.w
          x = local.x
        }
    """)
    (root,), errors = find_terragrunt_roots([str(tmp_path / "app/terragrunt.hcl")], str(tmp_path), Limits())
    assert root.inputs["w"] == 2
    assert isinstance(root.inputs["x"], Unknown)
    assert [e.kind for e in errors] == ["unsupported"]
    assert errors[0].message.startswith("read_terragrunt_config cycle: ")


def test_includes_merge_in_order_and_no_merge(tmp_path):
    write(tmp_path, "modules/agent/main.tf", AGENT_TF)
    write(tmp_path, "first.hcl", 'inputs = {\n  a = "first"\n  b = "first"\n  c = "first"\n}\n')
    write(tmp_path, "second.hcl", 'inputs = {\n  b = "second"\n  c = "second"\n}\n')
    write(tmp_path, "ignored.hcl", """
        locals {
          shared = "seen"
        }
        terraform {
          source = "./elsewhere"
        }
        inputs = {
          ignored = true
        }
    """)
    write(tmp_path, "live/app/terragrunt.hcl", """
        include "first" {
          path = "../../first.hcl"
        }
        include "second" {
          path = "../../second.hcl"
        }
        include "ignored" {
          path           = "../../ignored.hcl"
          merge_strategy = "no_merge"
          expose         = true
        }
        terraform {
          source = "${get_terragrunt_dir()}/../../modules/agent"
        }
        inputs = {
          c      = "unit"
          shared = include.ignored.locals.shared
          rel    = path_relative_to_include("second")
          parent = get_parent_terragrunt_dir("first")
        }
    """)
    (root,), errors = find_terragrunt_roots([str(tmp_path / "live/app/terragrunt.hcl")], str(tmp_path), Limits())
    assert errors == []
    assert root.inputs == {"a": "first", "b": "second", "c": "unit", "shared": "seen", "rel": "live/app",
                           "parent": str(tmp_path)}
    assert (root.line, root.module_dir) == (13, str(tmp_path / "modules/agent"))


def test_inherited_relative_source_is_relative_to_the_unit(tmp_path):
    write(tmp_path, "modules/app/main.tf", AGENT_TF)
    write(tmp_path, "live/root.hcl", """
        terraform {
          source = "${get_parent_terragrunt_dir()}/../modules//${path_relative_to_include()}"
        }
    """)
    write(tmp_path, "live/app/terragrunt.hcl", 'include {\n  path = find_in_parent_folders("root.hcl")\n}\n')
    (root,), errors = find_terragrunt_roots([str(tmp_path / "live/app/terragrunt.hcl")], str(tmp_path), Limits())
    assert (root.line, root.module_dir, root.source_root, errors) == (
        1, str(tmp_path / "modules/app"), str(tmp_path / "modules"), [])


def test_undecidable_inputs_are_reported(tmp_path):
    write(tmp_path, "app/main.tf", AGENT_TF)
    write(tmp_path, "app/terragrunt.hcl", 'inputs = merge(dependency.base.outputs, {\n  a = 1\n})\n')
    os.chdir(tmp_path)
    (root,), errors = find_terragrunt_roots(["app/terragrunt.hcl"], ".", Limits())
    assert root.inputs == {}
    assert [(e.path, e.kind) for e in errors] == [("app/terragrunt.hcl", "unknown-argument")]


def test_undecidable_include_path(tmp_path):
    write(tmp_path, "app/main.tf", AGENT_TF)
    write(tmp_path, "app/terragrunt.hcl", 'include "x" {\n  path = get_env("ROOT_CONFIG")\n}\n')
    os.chdir(tmp_path)
    (root,), errors = find_terragrunt_roots(["app/terragrunt.hcl"], ".", Limits())
    assert root.module_dir == "app"
    assert errors == [LoadError(path="app/terragrunt.hcl", line=1, kind="unsupported",
                                message="include 'x': path 'get_env(\"ROOT_CONFIG\")' cannot be decided; not followed")]


@pytest.mark.parametrize("source, local, split", [
    ("../../modules//agent", True, ("../../modules", "agent")),
    ("../modules/agent", True, ("../modules/agent", "")),
    ("/abs/modules//x/y/", True, ("/abs/modules", "x/y")),
    ("modules/agent", True, ("modules/agent", "")),
    ("git::https://github.com/acme/m.git//modules/agent?ref=v1.2.0",
     False, ("git::https://github.com/acme/m.git?ref=v1.2.0", "modules/agent")),
    ("git::git@github.com:acme/m.git//agent?ref=v1", False, ("git::git@github.com:acme/m.git?ref=v1", "agent")),
    ("git@github.com:acme/m.git//agent", False, ("git@github.com:acme/m.git", "agent")),
    ("github.com/acme/m//agent", False, ("github.com/acme/m", "agent")),
    ("tfr:///terraform-aws-modules/iam/aws//modules/iam-role?version=5.0.0",
     False, ("tfr:///terraform-aws-modules/iam/aws?version=5.0.0", "modules/iam-role")),
    ("tfr://registry.terraform.io/acme/agent/aws?version=1.0.0",
     False, ("tfr://registry.terraform.io/acme/agent/aws?version=1.0.0", "")),
    ("s3::https://s3.amazonaws.com/bucket/m.zip//agent", False, ("s3::https://s3.amazonaws.com/bucket/m.zip", "agent")),
])
def test_sources(source, local, split):
    assert (is_local_source(source), split_source(source)) == (local, split)


def test_deep_nesting_within_and_over_the_limit(tmp_path):
    write(tmp_path, "app/main.tf", AGENT_TF)
    write(tmp_path, "app/terragrunt.hcl", "inputs = {\n  a = " + "[" * 90 + "1" + "]" * 90 + "\n}\n")
    write(tmp_path, "deep/terragrunt.hcl", "inputs = {\n  a = " + "[" * 150 + "1" + "]" * 150 + "\n}\n")
    os.chdir(tmp_path)
    roots, errors = find_terragrunt_roots(["app/terragrunt.hcl", "deep/terragrunt.hcl"], ".", Limits())
    value = roots[0].inputs["a"]
    for _ in range(90):
        value = value[0]
    assert value == 1
    assert [(e.path, e.kind) for e in errors] == [("deep/terragrunt.hcl", "limit")]


def test_duplicate_paths_give_one_unit(tmp_path):
    write(tmp_path, "app/main.tf", AGENT_TF)
    write(tmp_path, "app/terragrunt.hcl", "inputs = {\n  a = 1\n}\n")
    os.chdir(tmp_path)
    roots, _ = find_terragrunt_roots(["app/terragrunt.hcl", "./app/terragrunt.hcl"], ".", Limits())
    assert [r.config_path for r in roots] == ["app/terragrunt.hcl"]


def test_several_includes_need_a_name_for_path_functions(tmp_path):
    write(tmp_path, "app/main.tf", AGENT_TF)
    write(tmp_path, "a.hcl", "inputs = {}\n")
    write(tmp_path, "b.hcl", "inputs = {}\n")
    write(tmp_path, "app/terragrunt.hcl", """
        include "a" {
          path = "../a.hcl"
        }
        include "b" {
          path = "../b.hcl"
        }
        inputs = {
          unnamed = path_relative_to_include()
          named   = path_relative_to_include("b")
        }
    """)
    (root,), _ = find_terragrunt_roots([str(tmp_path / "app/terragrunt.hcl")], str(tmp_path), Limits())
    assert isinstance(root.inputs["unnamed"], Unknown) and root.inputs["named"] == "app"


def test_terraform_files_beside_a_unit_join_its_module(tmp_path):
    write(tmp_path, "modules/agent/main.tf", AGENT_TF)
    write(tmp_path, "live/app/terragrunt.hcl", 'terraform {\n  source = "../../modules//agent"\n}\n')
    write(tmp_path, "live/app/extra_policy.tf", 'resource "aws_iam_role_policy" "extra" {}\n')
    write(tmp_path, "live/app/.hidden.tf", 'resource "aws_iam_role_policy" "hidden" {}\n')
    os.chdir(tmp_path)
    (root,), _ = find_terragrunt_roots(["live/app/terragrunt.hcl"], ".", Limits())
    assert (root.module_dir, root.unit_files) == ("modules/agent", ("live/app/extra_policy.tf",))
    assert root.stack == "live/app"


def test_read_tfvars_file_mark_as_read_and_folders(tmp_path):
    write(tmp_path, "app/main.tf", AGENT_TF)
    write(tmp_path, "app/common.tfvars", 'policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]\nname = "a"\n')
    write(tmp_path, "app/dynamic.tfvars", 'name = var.other\n')
    write(tmp_path, "app/more.tfvars.json", '{"size": 3}')
    write(tmp_path, "shared/README.md", "a folder found by find_in_parent_folders\n")
    write(tmp_path, "app/terragrunt.hcl", """
        locals {
          common = jsondecode(read_tfvars_file(mark_as_read("common.tfvars")))
        }
        inputs = {
          policy_arns = local.common.policy_arns
          size        = jsondecode(read_tfvars_file("more.tfvars.json")).size
          dynamic     = read_tfvars_file("dynamic.tfvars")
          shared      = find_in_parent_folders("shared")
        }
    """)
    (root,), errors = find_terragrunt_roots([str(tmp_path / "app/terragrunt.hcl")], str(tmp_path), Limits())
    assert errors == []
    assert root.inputs["policy_arns"] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    assert root.inputs["size"] == 3
    assert isinstance(root.inputs["dynamic"], Unknown)
    assert root.inputs["shared"] == str(tmp_path / "shared")


def test_terraform_path_functions(tmp_path):
    write(tmp_path, "app/main.tf", AGENT_TF)
    write(tmp_path, "app/present.txt", "x\n")
    write(tmp_path, "app/terragrunt.hcl", """
        inputs = {
          dir      = dirname("a/b/c.hcl")
          dir_top  = dirname("c.hcl")
          base     = basename("a/b/")
          abs      = abspath("sub/../x")
          present  = fileexists("present.txt")
          absent   = fileexists("absent.txt")
          outside  = fileexists("../../etc/passwd")
          in_find  = find_in_parent_folders("sub/child.hcl", "none")
        }
    """)
    write(tmp_path, "sub/child.hcl", "inputs = {}\n")
    (root,), _ = find_terragrunt_roots([str(tmp_path / "app/terragrunt.hcl")], str(tmp_path), Limits())
    inputs = dict(root.inputs)
    assert isinstance(inputs.pop("outside"), Unknown)
    assert inputs == {"dir": "a/b", "dir_top": ".", "base": "b", "abs": str(tmp_path / "app/x"), "present": True,
                      "absent": False, "in_find": str(tmp_path / "sub/child.hcl")}


def test_undecidable_inputs_keep_the_included_ones(tmp_path):
    write(tmp_path, "app/main.tf", AGENT_TF)
    write(tmp_path, "root.hcl", 'inputs = {\n  policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]\n}\n')
    write(tmp_path, "app/terragrunt.hcl", """
        include "root" {
          path = find_in_parent_folders("root.hcl")
        }
        inputs = merge(dependency.base.outputs, {
          a = 1
        })
    """)
    os.chdir(tmp_path)
    (root,), errors = find_terragrunt_roots(["app/terragrunt.hcl"], ".", Limits())
    assert root.inputs == {"policy_arns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}
    assert [(e.path, e.kind) for e in errors] == [("app/terragrunt.hcl", "unknown-argument")]


TOKENS = [b"{", b"}", b"[", b"]", b'"', b"${", b"=", b"\n", b"\x00", b"#", b"include {\n path = \"../a.hcl\"\n}\n",
          b"read_terragrunt_config(", b"find_in_parent_folders()", b"local.", b"include.root.", b")", b".locals.x",
          b'source = "../../..//x"', b"merge_strategy = \"deep\"", b"9" * 300]


@pytest.mark.slow
def test_mutated_terragrunt_files_never_crash(tmp_path):
    """Deterministic mutations of the fixtures: every failure must be a reported error, never an exception (the
    per-unit guard's "cannot evaluate" would hide one)."""
    import random
    import time

    rnd = random.Random(20261127)
    files = sorted(p for p in TG.rglob("*.hcl"))
    deadline = time.monotonic() + 20
    for n in range(120):
        if time.monotonic() > deadline:
            break
        repo = tmp_path / f"m{n}"
        shutil.copytree(TG, repo)
        for target in rnd.sample(files, 3):
            data = target.read_bytes()
            for _ in range(rnd.randint(1, 3)):
                i = rnd.randrange(len(data) + 1)
                j = min(len(data), i + rnd.randint(1, 60))
                op = rnd.randrange(4)
                if op == 0:
                    data = data[:i] + data[j:]
                elif op == 1:
                    data = data[:i] + rnd.choice(TOKENS) + data[i:]
                elif op == 2:
                    data = data[:i] + data[i:j] * rnd.randint(2, 4) + data[i:]
                else:
                    data = data[:i]
            (repo / target.relative_to(TG)).write_bytes(data)
        roots, errors = find_terragrunt_roots(sorted(str(p) for p in repo.rglob("terragrunt.hcl")), str(repo), Limits())
        assert all(isinstance(r, TerragruntRoot) and isinstance(r.inputs, dict) for r in roots)
        assert not [e for e in errors if e.message.startswith(("cannot evaluate", "nested too deeply to evaluate"))]
        shutil.rmtree(repo)
