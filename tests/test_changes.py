"""Change-aware scanning: findings a plan or a code change introduces or touches."""

from __future__ import annotations

import json
import shutil
import subprocess

from click.testing import CliRunner

from agentlint.cli import main

PLAN = "fixtures/AL201/plan/admin-agent.tfplan.json"


def invoke(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def _plan_with_actions(tmp_path, actions: dict[str, list[str]]):
    doc = json.loads(open(PLAN).read())
    for rc in doc["resource_changes"]:
        rc["change"]["actions"] = actions.get(rc["address"], ["no-op"])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    return str(path)


def test_changed_only_keeps_findings_the_plan_touches(tmp_path):
    nothing = _plan_with_actions(tmp_path, {})
    code, out = invoke("scan", nothing, "--changed-only", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["findings"] == [] and doc["summary"]["unchanged_hidden"] == 1
    # Agent and role unchanged; a new attachment gives the agent's role administrator access.
    attach = _plan_with_actions(tmp_path, {"module.agent_role.aws_iam_role_policy_attachment.admin": ["create"]})
    code, out = invoke("scan", attach, "--changed-only", "--format", "json")
    doc = json.loads(out)
    assert code == 1 and [(f["rule_id"], f["agents"]) for f in doc["findings"]] == [
        ("AL201", ["aws_bedrockagent_agent.support"])]
    # A new agent on an existing, already over-privileged role is reported too.
    agent = _plan_with_actions(tmp_path, {"aws_bedrockagent_agent.support": ["create"]})
    assert json.loads(invoke("scan", agent, "--changed-only", "--format", "json")[1])["summary"]["findings"] == 1


def test_changed_only_needs_a_plan():
    code, out = invoke("scan", "fixtures/examples/bedrock-agent", "--changed-only")
    assert code == 2 and "--changed-only needs a plan" in out


def _git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True)


def test_diff_base_keeps_findings_on_changed_blocks(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree("fixtures/examples/bedrock-agent", repo)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    code, out = invoke("scan", str(repo), "--diff-base", "HEAD", "--format", "json")
    assert code == 0 and json.loads(out)["findings"] == []

    # Touch the tool's policy document: only the findings whose path goes through it come back.
    main_tf = repo / "main.tf"
    main_tf.write_text(main_tf.read_text().replace('sid       = "ReadConfig"', 'sid       = "ReadConfigV2"'))
    doc = json.loads(invoke("scan", str(repo), "--diff-base", "HEAD", "--format", "json")[1])
    assert sorted(f["rule_id"] for f in doc["findings"]) == ["AL101", "AL401"]

    # A new file is all new.
    _git(repo, "commit", "-q", "-am", "v2")
    (repo / "keys.tf").write_text('resource "aws_iam_user" "u" {\n  name = "u"\n}\n'
                                  'resource "aws_iam_access_key" "k" {\n  user = aws_iam_user.u.name\n}\n')
    doc = json.loads(invoke("scan", str(repo), "--diff-base", "HEAD", "--format", "json")[1])
    assert [f["rule_id"] for f in doc["findings"]] == ["AL301"]

    # A changed variable can change anything in its folder.
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "v3")
    main_tf.write_text(main_tf.read_text().replace('default = "dev"', 'default = "prod"'))
    doc = json.loads(invoke("scan", str(repo), "--diff-base", "HEAD", "--format", "json")[1])
    assert {f["rule_id"] for f in doc["findings"]} == {"AL101", "AL401", "AL301", "AL201", "AL501"}


def test_diff_base_keeps_findings_of_a_module_whose_call_changed(tmp_path):
    # The module's own file is unchanged; the root's call passes it new arguments: its findings are the change's.
    repo = tmp_path / "repo"
    shutil.copytree("fixtures/resolution/envs-layout", repo)
    (repo / "envs" / "prod" / "terraform.tfvars").write_text("agent_policy_arns = []\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    call = repo / "envs" / "prod" / "main.tf"
    call.write_text(call.read_text().replace("policy_arns = var.agent_policy_arns",
                                             'policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]'))
    doc = json.loads(invoke("scan", str(repo / "envs" / "prod"), "--diff-base", "HEAD", "--format", "json")[1])
    assert sorted((f["rule_id"], f["path"].rsplit("/", 3)[-3:] == ["modules", "agent", "main.tf"])
                  for f in doc["findings"]) == [("AL201", True), ("AL501", True)]


def test_diff_base_errors(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_iam_user" "u" {}\n')
    code, out = invoke("scan", str(tmp_path), "--diff-base", "HEAD")
    assert code == 2 and "not inside a git repository" in out
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "x")
    code, out = invoke("scan", str(tmp_path), "--diff-base", "no-such-ref")
    assert code == 2 and "does not know the revision 'no-such-ref'" in out


def _repo_of_modules(tmp_path, names):
    """A repository of root modules, each with one administrator role, committed."""
    repo = tmp_path / "repo"
    for name in names:
        (repo / name).mkdir(parents=True)
        (repo / name / "main.tf").write_text(
            f'resource "aws_iam_role" "{name}" {{\n  name               = "{name}"\n  assume_role_policy = "{{}}"\n}}\n'
            f'resource "aws_iam_role_policy_attachment" "{name}" {{\n  role       = aws_iam_role.{name}.name\n'
            f'  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}}\n')
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    return repo


def test_diff_base_parses_only_the_files_that_changed(tmp_path, monkeypatch):
    """A file whose bytes are the blob git holds at the base is unchanged without being parsed (a hash, not two
    parses and two git processes per file): in a large repository a pull request costs what it touches."""
    import agentlint.changes as changes

    repo = _repo_of_modules(tmp_path, ["a", "b", "c"])
    main_tf = repo / "b" / "main.tf"
    main_tf.write_text(main_tf.read_text().replace('name               = "b"', 'name               = "b2"'))
    parsed = []
    real = changes.parse_config_file
    monkeypatch.setattr(changes, "parse_config_file", lambda path: parsed.append(path) or real(path))
    doc = json.loads(invoke("scan", str(repo), "--diff-base", "HEAD", "--format", "json")[1])
    assert [(f["rule_id"], f["path"].rsplit("/", 2)[-2:]) for f in doc["findings"]] == [("AL201", ["b", "main.tf"])]
    assert [p.rsplit("/", 2)[-2:] for p in parsed] == [["b", "main.tf"]]
    assert doc["summary"]["unchanged_hidden"] == 2


def test_diff_base_compares_a_crlf_checkout_block_by_block(tmp_path):
    # The working file's bytes differ from the stored blob (CRLF against LF) but no block does: nothing is new.
    repo = _repo_of_modules(tmp_path, ["a"])
    main_tf = repo / "a" / "main.tf"
    main_tf.write_bytes(main_tf.read_bytes().replace(b"\n", b"\r\n"))
    doc = json.loads(invoke("scan", str(repo), "--diff-base", "HEAD", "--format", "json")[1])
    assert doc["findings"] == [] and doc["summary"]["unchanged_hidden"] == 1


def test_diff_base_asks_a_nested_repository_its_own_base(tmp_path):
    """A folder inside a nested repository (a vendored checkout, a submodule) is compared with that repository's
    REF, not the outer one's: its unchanged finding stays hidden while the outer change is reported."""
    repo = _repo_of_modules(tmp_path, ["a"])
    inner = _repo_of_modules(repo / "vendor", ["x"])  # repo/vendor/repo/x: a repository of its own
    _git(repo, "add", "a")
    main_tf = repo / "a" / "main.tf"
    main_tf.write_text(main_tf.read_text().replace('name               = "a"', 'name               = "a2"'))
    doc = json.loads(invoke("scan", str(repo), "--diff-base", "HEAD", "--format", "json")[1])
    assert [f["path"].rsplit("/", 2)[-2:] for f in doc["findings"]] == [["a", "main.tf"]]
    assert (inner / "x" / "main.tf").exists() and doc["summary"]["unchanged_hidden"] == 1


def test_diff_base_builds_the_working_tree_graph_once(tmp_path, monkeypatch):
    # The scope drift reads the graph the scan built; only the base side is built again.
    import agentlint.engine as engine

    repo = _repo_of_modules(tmp_path, ["a"])
    built = []
    real = engine._build_graph
    monkeypatch.setattr(engine, "_build_graph", lambda paths, *a, **k: built.append(paths) or real(paths, *a, **k))
    code, out = invoke("scan", str(repo), "--diff-base", "HEAD", "--format", "json")
    assert code == 0 and len(built) == 2 and built[0] == [str(repo)] and built[1] != [str(repo)]


def test_diff_base_judges_the_working_tree_once(tmp_path, monkeypatch):
    # The scope drift reads the whole report (before the change filter) the scan made; only the base is judged again.
    # With --no-ignore the scan's report is not the drift's (the drift honours suppressions), so it judges its own.
    import agentlint.engine as engine

    repo = _repo_of_modules(tmp_path, ["a"])
    judged = []
    real = engine._scan
    monkeypatch.setattr(engine, "_scan", lambda paths, *a, **k: judged.append(paths) or real(paths, *a, **k))
    code, out = invoke("scan", str(repo), "--diff-base", "HEAD", "--format", "json")
    assert code == 0 and len(judged) == 2 and judged[0] == [str(repo)] and judged[1] != [str(repo)]
    judged.clear()
    code, out = invoke("scan", str(repo), "--diff-base", "HEAD", "--no-ignore", "--format", "json")
    assert code == 0 and judged[:2] == [[str(repo)], [str(repo)]] and len(judged) == 3
