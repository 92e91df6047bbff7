"""Bad, odd and hostile input: every file is scanned or reported, the scan goes on, nothing leaks, nothing runs."""

from __future__ import annotations

import json
import os
import socket
import subprocess

import pytest

from agentlint.loaders import load
from agentlint.loaders import textfile
from agentlint.model import Limits
from agentlint.outputs.json_report import render as render_json
from agentlint.outputs.text import render as render_text
from conftest import CORPUS, FIXTURES
from helpers import run

ROLE = 'resource "aws_iam_role" "r" {\n  name = "r"\n}\n'


def test_utf16_hcl_with_bom_and_crlf_heredoc(tmp_path):
    text = ('resource "aws_iam_policy" "p" {\n  policy = <<EOF\n'
            '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}\nEOF\n}\n').replace("\n", "\r\n")
    (tmp_path / "main.tf").write_bytes(text.encode("utf-16"))
    model = load([str(tmp_path)])
    assert model.errors == []
    assert json.loads(model.resources[0].values["policy"])["Statement"][0]["Action"] == "*"


def test_empty_files(tmp_path):
    (tmp_path / "empty.tf").write_text("")
    (tmp_path / "empty.tf.json").write_text("")
    (tmp_path / "main.tf").write_text(ROLE)
    plan = tmp_path / "empty-plan.json"
    plan.write_text("")
    model = load([str(tmp_path), str(plan)])
    assert [r.address for r in model.resources] == ["aws_iam_role.r"]
    assert sorted((os.path.basename(e.path), e.kind) for e in model.errors) == [
        ("empty-plan.json", "parse-error"), ("empty.tf.json", "parse-error")]


def test_file_size_limit_is_reported_and_configurable(tmp_path):
    big = tmp_path / "big.tf"
    with open(big, "wb") as fh:  # 50 MB of comments: valid HCL, far over the default limit
        fh.write(b"# padding padding padding padding padding padding padding padding padding padding\n" * 640_000)
    assert big.stat().st_size > 50_000_000
    (tmp_path / "main.tf").write_text(ROLE)
    model = load([str(tmp_path)])
    [error] = model.errors
    assert error.kind == "limit" and "over the 5,000,000-byte limit" in error.message
    assert [r.address for r in model.resources] == ["aws_iam_role.r"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "main.tf").write_text(ROLE)
    small = load([str(other)], limits=Limits(max_config_bytes=10))
    assert [(e.kind, e.message) for e in small.errors] == [
        ("limit", "file is 45 bytes, over the 10-byte limit; skipped")]


def test_reader_does_not_trust_the_size_it_was_told(tmp_path):
    """The reader asks for the size fstat gave, plus one byte: a file that grew after fstat (or a file system that
    reports a smaller size) is read on to the end or to the limit, never cut at the stale size."""
    path = tmp_path / "grown.tf"
    path.write_bytes(b"x" * 100_000)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert textfile._read_fd(fd, 11, 1_000_000) == b"x" * 100_000  # told 10 bytes
        os.lseek(fd, 0, os.SEEK_SET)
        assert textfile._read_fd(fd, 11, 70_001) == b"x" * 70_001  # stops one byte past a 70,000-byte limit
    finally:
        os.close(fd)
    assert textfile.read_bytes(str(path), 99_999, head=True) == b"x" * 99_999
    with pytest.raises(textfile.TextFileError, match="over the 99,999-byte limit"):
        textfile.read_bytes(str(path), 99_999)
    assert textfile.read_bytes(str(path)) == b"x" * 100_000


def test_large_plan_is_read(tmp_path):
    blob = "x" * 50_000_000
    doc = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "aws_iam_user.u", "mode": "managed", "type": "aws_iam_user", "name": "u",
         "values": {"name": "u", "tags": {"blob": blob}}}]}}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    model = load([str(path)])
    assert model.errors == [] and [r.address for r in model.resources] == ["aws_iam_user.u"]


def test_deep_nesting_is_a_limit_not_a_crash(tmp_path):
    (tmp_path / "deep.tf").write_text("locals {\n  x = " + "[" * 5000 + "]" * 5000 + "\n}\n")
    (tmp_path / "deep.tf.json").write_text('{"locals": {"x": ' + "[" * 5000 + "]" * 5000 + "}}")
    (tmp_path / "main.tf").write_text(ROLE)
    plan = tmp_path / "deep-plan.json"
    plan.write_text('{"format_version": "1.2", "planned_values": ' + "[" * 5000 + "]" * 5000 + "}")
    report = run(str(tmp_path), str(plan))
    kinds = {os.path.basename(e.path): (e.kind, e.line) for e in report.errors}
    assert kinds == {"deep.tf": ("limit", 2), "deep.tf.json": ("limit", None), "deep-plan.json": ("limit", None)}
    assert report.summary["resources"] == 1
    medium = tmp_path / "medium"
    medium.mkdir()
    (medium / "main.tf").write_text("locals {\n  x = " + "[" * 900 + "]" * 900 + "\n}\n")
    assert [e.kind for e in load([str(medium)]).errors] == ["limit"]
    assert load([str(medium)], limits=Limits(max_nesting=1000)).errors == []


@pytest.mark.slow
def test_folder_of_100000_files(tmp_path):
    for i in range(100_000):
        (tmp_path / f"f{i:06d}.{'tf' if i % 1000 == 0 else 'txt'}").write_text(
            f'resource "aws_iam_user" "u{i}" {{}}\n' if i % 1000 == 0 else "")
    model = load([str(tmp_path)])
    assert model.errors == [] and len(model.resources) == 100


def test_symlink_loops_and_links_out_of_the_folder(tmp_path):
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "main.tf").write_text(ROLE)
    os.symlink("..", root / "a" / "loop")
    os.symlink(root, root / "self")
    outside = tmp_path / "outside.tf"
    outside.write_text('resource "aws_iam_user" "outside" {}\n')
    os.symlink(outside, root / "a" / "linked.tf")
    model = load([str(root)])
    assert [r.address for r in model.resources] == ["aws_iam_role.r"]
    assert [n.kind for n in model.notices] == ["not-followed"]


def test_unreadable_file(tmp_path, monkeypatch):
    (tmp_path / "main.tf").write_text(ROLE)
    locked = tmp_path / "locked.tf"
    locked.write_text(ROLE.replace('"r"', '"x"'))
    if os.geteuid() != 0:
        locked.chmod(0)
    else:
        # Root reads every file whatever its mode; the permission error is simulated (the only mock here).
        real_open = os.open

        def guarded(path, *args, **kwargs):
            if str(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(textfile.os, "open", guarded)  # the reader opens descriptors (O_NONBLOCK, fstat)
    model = load([str(tmp_path)])
    assert [(os.path.basename(e.path), e.kind, e.message) for e in model.errors] == [
        ("locked.tf", "unreadable", "permission denied")]
    assert [r.address for r in model.resources] == ["aws_iam_role.r"]


def test_scanning_makes_no_network_call_and_runs_nothing(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("agentlint tried to open a connection or run a program")

    monkeypatch.setattr(socket.socket, "connect", forbidden)
    monkeypatch.setattr(socket.socket, "connect_ex", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    monkeypatch.setattr(socket, "getaddrinfo", forbidden)
    monkeypatch.setattr(subprocess.Popen, "__init__", forbidden)
    monkeypatch.setattr(os, "system", forbidden)
    monkeypatch.setattr(os, "execv", forbidden)
    binary_plan = str(FIXTURES / "plans" / "binary" / "terraform-data" / "tfplan")  # without --terraform-show
    paths = [str(FIXTURES), binary_plan]
    if CORPUS.exists():
        paths += [str(CORPUS / "plans"), str(CORPUS / "hcl" / "terraform-aws-modules__terraform-aws-iam")]
    report = run(*paths)
    assert report.summary["findings"] > 0
    assert (binary_plan, "binary-plan") in [(e.path, e.kind) for e in report.errors]


def test_credential_literals_never_reach_output(tmp_path):
    key_id, secret = "AKIA" + "ABCDEFGHIJKLMNOP", "abcdEFGH1234/abcdEFGH1234+abcdEFGH1234ab"
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "f" {\n'
        f'  role = "{key_id}:{secret}"\n'
        '  tags = { ai-agent = "true" }\n'
        '  environment {\n    variables = {\n'
        f'      AWS_SECRET_ACCESS_KEY = "{secret}"\n      OPENAI_API_KEY = "sk-proj-{"x" * 40}"\n'
        '    }\n  }\n}\n')
    report = run(str(tmp_path))
    from agentlint.engine import build_graph
    from agentlint.config import Config
    from agentlint.graph.export import to_json, to_mermaid

    graph = build_graph([str(tmp_path)], Config())
    outputs = [render_json(report), render_text(report), to_json(graph), to_mermaid(graph)]
    assert sorted(f.rule_id for f in report.findings) == ["AL001", "AL305"]
    plaintext = next(f for f in report.findings if f.rule_id == "AL305")
    assert "AWS_SECRET_ACCESS_KEY, OPENAI_API_KEY (value not shown)" in plaintext.message
    for out in outputs:
        assert key_id not in out and secret not in out and "sk-proj-x" not in out


def _corpus_hcl():
    path = CORPUS / "hcl"
    if not path.exists():
        pytest.skip(f"{path} is not available (the shared corpus sits beside the repository only in CI and dev)")
    return path


@pytest.mark.slow
def test_whole_corpus_is_scanned_or_reported():
    """All 4,767 real .tf files: each one is scanned or listed in errors with a one-line reason (about 40 s)."""
    from click.testing import CliRunner

    from agentlint.cli import main

    corpus = _corpus_hcl()
    result = CliRunner().invoke(main, ["scan", str(corpus), "--format", "json"], catch_exceptions=False)
    assert result.exit_code in (0, 1, 2)
    doc = json.loads(result.output)
    config_files = sum(1 for _, dirs, files in os.walk(corpus) for f in files
                       if f.endswith((".tf", ".tf.json", ".tofu", ".tofu.json")))
    assert doc["summary"]["files_scanned"] == config_files
    for error in doc["errors"]:
        assert error["path"] and error["message"] and "\n" not in error["message"]
    assert len(doc["errors"]) <= 5, doc["errors"]


def test_unknown_policy_document_argument_is_a_notice(tmp_path):
    (tmp_path / "main.tf").write_text(
        'data "aws_iam_policy_document" "d" {\n'
        '  statement {\n'
        '    action    = ["s3:*"]\n'
        '    resources = ["*"]\n'
        '  }\n'
        '}\n')
    report = run(str(tmp_path))
    assert report.findings == [] and report.errors == []
    [notice] = [n for n in report.notices if n.kind == "unknown-argument"]
    assert (notice.line, notice.path.endswith("main.tf")) == (2, True)
    assert "'action' (did you mean 'actions'?)" in notice.message


@pytest.mark.slow
def test_parse_workers_end_with_agentlint_even_on_sigkill(tmp_path):
    # Guards: killing agentlint (SIGKILL, as a CI runner's timeout does) leaves no parse worker behind.
    import signal
    import subprocess
    import sys
    import time

    for i in range(400):
        body = "".join(f'resource "aws_iam_role" "r{i}_{j}" {{\n  name = "r{j}"\n  tags = {{ a = "{"x" * 200}" }}\n}}\n'
                       for j in range(40))
        (tmp_path / f"m{i:03d}.tf").write_text(body)
    env = {**os.environ, "AGENTLINT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "agentlint", "scan", str(tmp_path), "--no-cache"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def children() -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    deadline = time.time() + 30
    workers: list[int] = []
    while time.time() < deadline and not workers:
        time.sleep(0.2)
        workers = children()
    if not workers:
        pytest.skip("the scan finished before its workers could be observed (a very fast machine)")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 10
    alive = workers
    while time.time() < deadline and alive:
        time.sleep(0.2)
        alive = [p for p in workers if os.path.exists(f"/proc/{p}") and "zombie" not in _state(p)]
    assert alive == []


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return fh.read().lower()
    except OSError:
        return "zombie"
