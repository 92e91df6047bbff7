"""Terraform read the way Terraform resolves it, however agentlint is invoked: repository roots, modules followed
anywhere inside the repository, callers of a named file, installed modules, instances, dynamic blocks, cycles."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from agentlint.cli import main
from agentlint.config import Config
from agentlint.engine import scan
from agentlint.loaders import load
from conftest import FIXTURES, ROOT, fast_sample, rel

RESOLUTION = FIXTURES / "resolution"
CASES = sorted(p for p in FIXTURES.glob("AL*/*/*") if p.is_dir() and p.parent.name in ("bad", "good"))
CASES += sorted(p for p in RESOLUTION.iterdir() if p.is_dir()) + sorted((FIXTURES / "examples").iterdir())
CASES += [FIXTURES / "terragrunt" / "live" / "prod" / "agent"]


def _inputs(case: Path) -> list[Path]:
    """What pre-commit would pass for a change to every file of the case: configuration and variable files."""
    out = []
    for path in sorted(case.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(case).parts) or not path.is_file():
            continue
        if path.name.endswith((".tf", ".tofu", ".tf.json", ".tofu.json", "terraform.tfvars", ".auto.tfvars",
                               "terragrunt.hcl")):
            out.append(path)
        elif path.suffix == ".json" and '"format_version"' in path.read_text(errors="ignore")[:4096]:
            out.append(path)
    return out


def _fingerprints(paths: list[str], cwd: Path, **config) -> list[tuple]:
    os.chdir(cwd)
    report = scan(paths, Config(**config))
    return sorted((f.rule_id, f.fingerprint, tuple(f.roots)) for f in report.findings), sorted(
        (e.kind, os.path.basename(e.path), e.line) for e in report.errors)


@pytest.mark.parametrize("case", fast_sample(CASES), ids=[rel(c).removeprefix("fixtures/") for c in CASES])
def test_five_invocation_forms_give_the_same_findings(case):
    expected = _fingerprints(["."], case)
    assert _fingerprints(["./" + case.name], case.parent) == expected
    assert _fingerprints([case.name], case.parent) == expected
    assert _fingerprints([str(case.resolve())], ROOT) == expected
    files = [rel(p) for p in _inputs(case)]
    assert _fingerprints(files, ROOT) == expected


def _findings(*paths: str, **config) -> list[tuple]:
    report = scan(list(paths), Config(**config))
    return [(f.rule_id, f.path, f.start_line, f.address, f.roots) for f in report.findings]


ENVS = "fixtures/resolution/envs-layout"
ADMIN_ATTACHMENT = 'module.agent.aws_iam_role_policy_attachment.this["arn:aws:iam::aws:policy/AdministratorAccess"]'


def test_envs_layout_follows_modules_outside_the_folder_named():
    prod = [("AL201", f"{ENVS}/modules/agent/main.tf", 25, ADMIN_ATTACHMENT, [f"{ENVS}/envs/prod"]),
            ("AL501", f"{ENVS}/modules/agent/main.tf", 13, "module.agent.aws_iam_role.this", [f"{ENVS}/envs/prod"])]
    assert _findings(f"{ENVS}/envs/prod") == prod
    # pre-commit after a change to the root's tfvars alone: the root it sets values for is checked again
    assert _findings(f"{ENVS}/envs/prod/terraform.tfvars") == prod
    assert _findings(f"{ENVS}/envs/dev") == [
        ("AL501", f"{ENVS}/modules/agent/main.tf", 13, "module.agent.aws_iam_role.this", [f"{ENVS}/envs/dev"])]


def test_a_module_changed_alone_is_evaluated_in_every_root_that_calls_it():
    both = [f"{ENVS}/envs/dev", f"{ENVS}/envs/prod"]
    expected = [("AL201", f"{ENVS}/modules/agent/main.tf", 25, ADMIN_ATTACHMENT, [f"{ENVS}/envs/prod"]),
                ("AL501", f"{ENVS}/modules/agent/main.tf", 13, "module.agent.aws_iam_role.this", both)]
    assert _findings(f"{ENVS}/modules/agent/main.tf") == expected
    assert _findings(ENVS) == expected  # one finding per location, listing its roots


def test_findings_outside_the_named_files_are_not_reported(tmp_path):
    # The root's own risky attachment lives in a file that was not changed: pre-commit on the module reports only
    # what passes through the module.
    repo = tmp_path / "repo"
    shutil.copytree(RESOLUTION / "envs-layout", repo)
    (repo / ".git").mkdir()
    (repo / "envs" / "prod" / "ops.tf").write_text(
        'resource "aws_iam_user_policy_attachment" "ops" {\n'
        '  user       = "ops"\n'
        '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n')
    os.chdir(repo)
    assert [f[0] for f in _findings("modules/agent/main.tf")] == ["AL201", "AL501"]
    assert sorted(f[0] for f in _findings("envs/prod/ops.tf")) == ["AL201"]
    assert sorted(f[:3] for f in _findings("envs/prod")) == [
        ("AL201", "envs/prod/ops.tf", 1), ("AL201", "modules/agent/main.tf", 25), ("AL501", "modules/agent/main.tf", 13)]


def test_for_each_instances_are_agents_of_their_own():
    report = scan(["fixtures/resolution/for-each-agents"], Config())
    assert [a.address for a in report.agents] == ['aws_bedrockagent_agent.agent["billing"]',
                                                  'aws_bedrockagent_agent.agent["support"]']
    found = {(f.rule_id, f.address): f for f in report.findings}
    admin = found[("AL201", 'aws_iam_role_policy_attachment.agent["billing/AdministratorAccess"]')]
    assert admin.agents == ['aws_bedrockagent_agent.agent["billing"]']
    assert admin.identity == 'aws_iam_role.agent["billing"]'
    wildcard = found[("AL101", 'aws_iam_role_policy.tools["admin"]')]
    assert wildcard.agents == ['aws_bedrockagent_agent.agent["support"]']
    assert sorted(found) == [("AL101", 'aws_iam_role_policy.tools["admin"]'),
                             ("AL201", 'aws_iam_role_policy_attachment.agent["billing/AdministratorAccess"]')]


def test_dynamic_statements_are_expanded_and_switched_off_blocks_are_absent():
    assert _findings("fixtures/resolution/dynamic-statements") == [
        ("AL201", "fixtures/resolution/dynamic-statements/main.tf", 37, "data.aws_iam_policy_document.agent",
         ["fixtures/resolution/dynamic-statements"])]


def test_var_switches_a_dynamic_block_on():
    code, out = _cli("scan", "fixtures/resolution/dynamic-statements", "--format", "json", "--var", "statements=[]",
                     "--var", 'extra_statements=[{sid = "Users", actions = ["iam:CreateUser"]}]')
    doc = json.loads(out)
    assert code == 1
    assert [(f["rule_id"], f["message"].split(" by statement ")[-1]) for f in doc["findings"]] == [
        ("AL203", "'Users' of aws_iam_role_policy.agent")]


def test_registry_module_read_from_terraform_init_and_not_installed_counted():
    report = scan(["fixtures/resolution/registry-installed"], Config())
    base = "fixtures/resolution/registry-installed"
    assert [(f.rule_id, f.path, f.start_line, f.address) for f in report.findings] == [
        ("AL201", f"{base}/.terraform/modules/agent_role/modules/iam-role/main.tf", 22,
         "module.agent_role.aws_iam_role_policy_attachment.this[0]"),
        ("AL606", f"{base}/.terraform/modules/agent_role/modules/iam-role/main.tf", 18,
         "module.agent_role.aws_iam_role.this")]
    assert [(n.kind, n.path, n.message) for n in report.notices] == [
        ("module-not-installed", f"{base}/main.tf", "1 module call is not installed (module.vpc); run terraform init "
                                                    "(or tofu init) so agentlint can read it")]
    assert report.summary["modules_not_installed"] == 1


def test_without_terraform_init_registry_modules_are_one_notice(tmp_path):
    shutil.copy(RESOLUTION / "registry-installed" / "main.tf", tmp_path / "main.tf")
    report = scan([str(tmp_path)], Config())
    assert [n.message for n in report.notices] == [
        "2 module calls are not installed (module.agent_role, module.vpc); run terraform init (or tofu init) so "
        "agentlint can read them"]
    assert report.summary["modules_not_installed"] == 2


def test_module_cycle_is_an_error_and_each_folder_a_root():
    code, out = _cli("scan", "fixtures/resolution/module-cycle", "--format", "json")
    doc = json.loads(out)
    assert code == 2
    base = "fixtures/resolution/module-cycle"
    assert [(e["kind"], e["path"], e["line"], e["message"]) for e in doc["errors"]] == [
        ("module-cycle", f"{base}/a/main.tf", 2, f"module module.b: module calls form a cycle ({base}/a -> {base}/b -> "
                                                  f"{base}/a); Terraform refuses this configuration")]
    assert [(f["rule_id"], f["path"], f["roots"]) for f in doc["findings"]] == [
        ("AL201", f"{base}/a/main.tf", [f"{base}/a"]), ("AL301", f"{base}/b/main.tf", [f"{base}/b"])]


def test_module_calling_itself_is_a_cycle(tmp_path):
    (tmp_path / "main.tf").write_text('module "again" {\n  source = "./"\n}\nresource "aws_iam_user" "u" {}\n')
    model = load([str(tmp_path)])
    assert [(e.kind, e.line) for e in model.errors] == [("module-cycle", 1)]
    assert [r.address for r in model.resources] == ["aws_iam_user.u"]


def test_unknown_for_each_is_one_instance_of_unknown_key_and_its_fingerprint_has_no_key(tmp_path):
    (tmp_path / "main.tf").write_text(
        'variable "users" {}\n'
        'resource "aws_iam_user" "u" {\n  for_each = var.users\n  name = each.key\n}\n'
        'resource "aws_iam_access_key" "k" {\n  for_each = var.users\n  user = aws_iam_user.u[each.key].name\n}\n')
    report = scan([str(tmp_path)], Config())
    assert [(f.rule_id, f.address) for f in report.findings] == [("AL301", "aws_iam_access_key.k[*]")]
    (tmp_path / "terraform.tfvars").write_text('users = { "ci" = {} }\n')
    known = scan([str(tmp_path)], Config())
    assert [(f.rule_id, f.address) for f in known.findings] == [("AL301", 'aws_iam_access_key.k["ci"]')]
    assert report.findings[0].fingerprint != known.findings[0].fingerprint  # the key is part of a known instance
    import hashlib
    expected = json.dumps(["AL301", "main.tf", "aws_iam_access_key.k", "aws_iam_user.u", "access-key"])
    assert report.findings[0].fingerprint == "al1:" + hashlib.sha256(expected.encode()).hexdigest()[:32]


def test_instances_are_capped_with_a_notice(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_iam_user" "u" {\n  count = 50000\n  name = "u${count.index}"\n}\n')
    config = Config.model_validate({"limits": {"max-instances": 5}})
    model = load([str(tmp_path)], limits=config.limits.limits())
    assert [r.address for r in model.resources] == [f"aws_iam_user.u[{i}]" for i in range(5)]
    assert model.resources[3].values["name"] == "u3"
    assert [(n.kind, n.line, n.message) for n in model.notices] == [
        ("limit", 1, "aws_iam_user.u: 50000 instances; only the first 5 are read (limit max-instances)")]


def test_tf_var_environment_is_read_and_never_printed(monkeypatch):
    monkeypatch.setenv("TF_VAR_statements",
                       '[{sid = "HiddenSid42x", actions = ["*"], resources = ["*"]}]')
    code, out = _cli("scan", "fixtures/resolution/dynamic-statements", "--format", "json")
    assert code == 1
    assert "HiddenSid42x" not in out and "<sensitive>" in out
    assert [f["rule_id"] for f in json.loads(out)["findings"]] == ["AL201"]
    # --var wins over TF_VAR_*, as in Terraform
    code, out = _cli("scan", "fixtures/resolution/dynamic-statements", "--var",
                     'statements=[{sid = "Reports", actions = ["s3:GetObject"], resources = ["arn:aws:s3:::r/*"]}]')
    assert code == 0 and "No findings" in out


def test_old_baselines_keep_matching(tmp_path):
    report = scan([ENVS + "/envs/prod"], Config())
    entries = [{"fingerprint": f.legacy_fingerprints[-1], "rule_id": f.rule_id, "address": f.address, "path": f.path,
                "message": f.message} for f in report.findings]
    assert all(e["fingerprint"] and e["fingerprint"] != f.fingerprint for e, f in zip(entries, report.findings))
    baseline = tmp_path / "old.json"
    baseline.write_text(json.dumps({"schema_version": 1, "tool": {"name": "agentlint"}, "findings": entries}))
    code, out = _cli("scan", ENVS + "/envs/prod", "--baseline", str(baseline))
    assert code == 0 and "2 in the baseline" in out


def test_root_option_and_paths_outside_the_repository(tmp_path):
    # Without git, the folder named is the root: `../modules` is outside it and not followed ...
    shutil.copytree(RESOLUTION / "envs-layout", tmp_path / "layout")
    prod = tmp_path / "layout" / "envs" / "prod"
    report = scan([str(prod)], Config())
    assert report.findings == []
    assert [n.message for n in report.notices] == ["module module.agent: source leaves the repository; not followed"]
    assert report.summary["modules_outside_root"] == 1
    # Not a silent pass, even with -q (no notices): the summary line says what was not read and how to read it.
    code, out = _cli("scan", str(prod), "-q")
    assert code == 0 and out.strip().endswith(
        "1 module call leaving the repository not followed (--root DIR names the repository).")
    # ... and --root names the repository
    report = scan([str(prod)], Config(), root=str(tmp_path / "layout"))
    assert sorted(f.rule_id for f in report.findings) == ["AL201", "AL501"]
    assert "modules_outside_root" not in report.summary


def test_module_source_symlinked_outside_the_repository_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text('resource "aws_iam_user" "u" {}\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "modules").mkdir()
    os.symlink(outside, repo / "modules" / "linked")
    (repo / "main.tf").write_text('module "m" {\n  source = "./modules/linked"\n}\n')
    report = scan([str(repo)], Config())
    assert [r for r in report.findings] == []
    assert [n.message for n in report.notices] == ["module module.m: source leaves the repository; not followed"]


def test_terragrunt_unit_calls_its_module_with_its_inputs():
    unit = "fixtures/terragrunt/live/prod/agent"
    module = "fixtures/terragrunt/modules/agent/main.tf"
    assert _findings(unit) == [
        ("AL201", module, 29, 'aws_iam_role_policy_attachment.agent["arn:aws:iam::aws:policy/AdministratorAccess"]',
         [unit]),
        ("AL606", module, 20, "aws_iam_role.agent", [unit])]
    # the module changed alone: every unit that runs it, with its own inputs
    found = {(f[0], f[3]): f[4] for f in _findings(module)}
    assert found[("AL201", 'aws_iam_role_policy_attachment.agent["arn:aws:iam::aws:policy/IAMFullAccess"]')] == [
        "fixtures/terragrunt/live/staging/agent"]
    assert found[("AL606", "aws_iam_role.agent")] == ["fixtures/terragrunt/live/cycle/unit", unit,
                                                       "fixtures/terragrunt/live/staging/agent"]


def _cli(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_variable_files_linked_from_outside_the_repository_are_not_read(tmp_path):
    # Guards: a pull request cannot make agentlint read (and print) a file outside the repository through a
    # terraform.tfvars or *.auto.tfvars symbolic link, nor through a named .tf file that links out.
    secret = tmp_path / "outside" / ".env"
    secret.parent.mkdir()
    secret.write_text('statements = [{ sid = "LeakedSecretValue", actions = ["*"], resources = ["*"] }]\n')
    repo = tmp_path / "repo"
    shutil.copytree(RESOLUTION / "dynamic-statements", repo)
    (repo / ".git").mkdir()
    (repo / "terraform.tfvars").unlink()
    os.symlink(secret, repo / "terraform.tfvars")
    os.symlink(secret, repo / "extra.auto.tfvars")
    os.symlink("/etc/passwd", repo / "passwd.tf")
    code, out = _cli("scan", str(repo), "--format", "json")
    doc = json.loads(out)
    assert "LeakedSecretValue" not in out and "root:" not in out
    assert sorted((n["kind"], os.path.basename(n["path"])) for n in doc["notices"]) == [
        ("not-followed", "extra.auto.tfvars"), ("not-followed", "passwd.tf"), ("not-followed", "terraform.tfvars")]
    assert [f["rule_id"] for f in doc["findings"]] == ["AL001"]  # the statements are unknown, never assumed safe
    code, out = _cli("scan", str(repo / "passwd.tf"), str(repo / "main.tf"), "--format", "json")
    doc = json.loads(out)
    assert "root:x:0" not in out
    assert [(e["kind"], os.path.basename(e["path"])) for e in doc["errors"]] == [("not-followed", "passwd.tf")]
    assert code == 2


def test_fifos_and_devices_are_refused_not_read(tmp_path):
    # Guards: a FIFO or a device where a file is expected (a .tf, terraform.tfvars, a file() target, the baseline,
    # the configuration) is an error or an unknown value, never a hang or an unbounded read.
    import subprocess
    import sys

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "main.tf").write_text(
        'resource "aws_iam_policy" "p" {\n  policy = file("${path.module}/policy.json")\n}\n')
    os.mkfifo(repo / "policy.json")
    os.mkfifo(repo / "terraform.tfvars")
    os.mkfifo(repo / "pipe.tf")
    os.mkfifo(tmp_path / "config.toml")
    cmd = [sys.executable, "-m", "agentlint", "scan", str(repo), "--format", "json", "--baseline", "/dev/zero"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2 and "baseline error" in done.stderr and "not a regular file" in done.stderr
    done = subprocess.run(cmd[:-2], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    doc = json.loads(done.stdout)
    assert sorted((os.path.basename(e["path"]), e["kind"], e["message"]) for e in doc["errors"]) == [
        ("pipe.tf", "unreadable", "not a regular file (a device, FIFO or socket); not read"),
        ("terraform.tfvars", "unreadable", "not a regular file (a device, FIFO or socket); not read")]
    assert [f["rule_id"] for f in doc["findings"]] == []  # the policy from the FIFO is unknown, never read
    done = subprocess.run(cmd[:5] + ["--config", str(tmp_path / "config.toml")], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert done.returncode == 2 and "not a regular file" in done.stderr


def test_sensitive_variables_are_used_but_never_printed(tmp_path):
    # Guards: a `sensitive = true` variable set from tfvars is evaluated (the finding is found) but its value
    # appears in no output format.
    (tmp_path / "main.tf").write_text(
        'variable "bucket_secret" {\n  type      = string\n  sensitive = true\n}\n'
        'resource "aws_iam_user" "u" {\n  name = "deploy"\n}\n'
        'resource "aws_iam_user_policy" "p" {\n  user = aws_iam_user.u.name\n'
        '  policy = jsonencode({ Statement = [{ Sid = var.bucket_secret, Effect = "Allow", Action = "*", '
        'Resource = "*" }] })\n}\n')
    (tmp_path / "terraform.tfvars").write_text('bucket_secret = "TopSecretStatementName"\n')
    for fmt in ("text", "json", "sarif", "markdown", "github", "junit"):
        code, out = _cli("scan", str(tmp_path), "--format", fmt)
        assert code == 1 and "TopSecretStatementName" not in out, fmt
    assert "<sensitive>" in _cli("scan", str(tmp_path), "--format", "json")[1]


def _exclude_layout(tmp_path: Path) -> Path:
    """A repository whose project folder `infra/` is not the repository root; `templates/` holds what must not be
    scanned: code and a plan that both give AL201."""
    (tmp_path / ".git").mkdir()
    infra = tmp_path / "infra"
    (infra / "templates").mkdir(parents=True)
    (infra / ".agentlint.toml").write_text('exclude = ["templates/*"]\n')
    (infra / "main.tf").write_text('resource "aws_iam_role" "ops" {\n  name = "ops"\n  assume_role_policy = "{}"\n}\n')
    shutil.copy(FIXTURES / "AL201/bad/managed-attachment/main.tf", infra / "templates" / "main.tf")
    shutil.copy(FIXTURES / "AL201/plan/admin-agent.tfplan.json", infra / "templates" / "admin.tfplan.json")
    shutil.copy(FIXTURES / "AL201/plan/admin-agent.tfplan.json", infra / "admin.tfplan.json")
    return infra


def _scan_from(cwd: Path, paths: list[str], config_file: Path) -> list[tuple]:
    from agentlint.config import load_config

    os.chdir(cwd)
    config, _ = load_config(str(config_file))
    report = scan(paths, config)
    assert report.errors == []
    return sorted((f.rule_id, os.path.basename(f.path)) for f in report.findings)


def test_config_exclude_is_relative_to_its_file_in_every_invocation_form(tmp_path):
    """Regression: `exclude = ["templates/*"]` (the README's example) did not exclude `templates/` when the folder
    scanned was not the repository root: patterns were matched against root-relative paths with fnmatch."""
    infra = _exclude_layout(tmp_path)
    cfg = infra / ".agentlint.toml"
    named_plan = [("AL201", "admin.tfplan.json")]
    assert _scan_from(infra, ["."], cfg) == named_plan  # the plan beside the code is read; the one excluded is not
    assert _scan_from(tmp_path, ["infra"], cfg) == named_plan  # a folder
    assert _scan_from(tmp_path, ["."], cfg) == named_plan  # a parent folder (here the repository root)
    assert _scan_from(ROOT, [str(infra)], cfg) == named_plan  # an absolute path
    assert _scan_from(tmp_path, ["infra/main.tf"], cfg) == []  # file arguments
    # A plan named on the command line is read even inside an excluded folder, as a named file is.
    assert _scan_from(infra, ["templates/admin.tfplan.json"], cfg) == named_plan
    assert _scan_from(infra, ["templates/main.tf"], cfg) == [("AL201", "main.tf")]


def test_exclude_follows_gitignore_rules(tmp_path):
    infra = _exclude_layout(tmp_path)
    os.chdir(infra)
    everything = sorted((f.rule_id, f.path) for f in scan(["."], Config()).findings)
    assert everything == [("AL201", "admin.tfplan.json"), ("AL201", "templates/admin.tfplan.json"),
                          ("AL201", "templates/main.tf")]
    for patterns, left in [
        (["templates/"], ["admin.tfplan.json"]),  # a folder at any depth
        (["*.json"], ["templates/main.tf"]),  # a name anywhere
        (["/templates"], [p for _, p in everything]),  # anchored at the repository root: no /templates there
        (["infra/templates/**"], ["admin.tfplan.json"]),  # anchored, relative to the repository root
        (["*.json", "!/infra/admin.tfplan.json"], ["admin.tfplan.json", "templates/main.tf"]),  # negation
    ]:
        assert sorted(f.path for f in scan(["."], Config(exclude=patterns)).findings) == sorted(left), patterns


def test_exclude_on_the_command_line_is_relative_to_the_repository_root(tmp_path):
    infra = _exclude_layout(tmp_path)
    (infra / ".agentlint.toml").unlink()
    os.chdir(infra)
    runner = CliRunner()
    for args, left in [
        ([], ["admin.tfplan.json", "templates/admin.tfplan.json", "templates/main.tf"]),
        (["--exclude", "infra/templates/*"], ["admin.tfplan.json"]),
        (["--exclude", "templates/*"], ["admin.tfplan.json", "templates/admin.tfplan.json", "templates/main.tf"]),
        (["--exclude", "*.json", "--exclude", "infra/templates"], []),
    ]:
        result = runner.invoke(main, ["scan", ".", "--format", "json", "--no-cache", *args])
        assert result.exit_code in (0, 1), result.output
        assert sorted(f["path"] for f in json.loads(result.output)["findings"]) == left, args
