"""The parse cache: same findings warm and cold, invalidated by content, safe with concurrent runs and damaged
entries, never written with --no-cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from agentlint.config import Config
from agentlint.engine import scan
from agentlint.loaders.cache import ParseCache
from conftest import FIXTURES, fast_sample, rel

CASES = sorted(p for p in FIXTURES.glob("AL*/*/*") if p.is_dir()) + [FIXTURES / "examples" / "bedrock-agent"]


def _key(report):
    return [(f.rule_id, f.path, f.start_line, f.end_line, f.message, f.fingerprint) for f in report.findings], \
        [(e.path, e.line, e.kind, e.message) for e in report.errors], \
        [(s.finding.fingerprint, s.suppression.line) for s in report.suppressed]


@pytest.mark.parametrize("case", fast_sample(CASES), ids=[rel(c) for c in CASES])
def test_warm_scan_equals_cold_scan(case, tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTLINT_CACHE_DIR", str(tmp_path / "cache"))
    cold = scan([rel(case)], Config(), use_cache=False)
    filled = scan([rel(case)], Config(), use_cache=True)
    warm = scan([rel(case)], Config(), use_cache=True)
    assert _key(cold) == _key(filled) == _key(warm)


def test_cache_is_keyed_by_content(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTLINT_CACHE_DIR", str(tmp_path / "cache"))
    work = tmp_path / "m"
    shutil.copytree(FIXTURES / "AL201" / "bad" / "managed-attachment", work)
    assert [f.rule_id for f in scan([str(work)], Config(), use_cache=True).findings] == ["AL201"]
    main = work / "main.tf"
    main.write_text(main.read_text().replace("AdministratorAccess", "ReadOnlyAccess"))
    assert [f.rule_id for f in scan([str(work)], Config(), use_cache=True).findings] == ["AL401", "AL402"]
    # Parse failures are cached too, and fixing the file is a new key.
    main.write_text("resource {\n")
    assert [e.kind for e in scan([str(work)], Config(), use_cache=True).errors] == ["parse-error"]
    assert [e.kind for e in scan([str(work)], Config(), use_cache=True).errors] == ["parse-error"]


def test_damaged_entries_are_misses(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("AGENTLINT_CACHE_DIR", str(folder))
    case = rel(FIXTURES / "examples" / "bedrock-agent")
    expected = _key(scan([case], Config(), use_cache=True))
    entries = [os.path.join(d, f) for d, _, files in os.walk(folder) for f in files]
    assert entries
    for i, path in enumerate(entries):  # truncated, garbage, and a pickle (which must never be loaded)
        with open(path, "wb") as fh:
            fh.write([b"", b"\x00garbage", b"\x80\x05cos\nsystem\n."][i % 3])
    assert _key(scan([case], Config(), use_cache=True)) == expected


def test_no_cache_writes_nothing(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from agentlint.cli import main

    folder = tmp_path / "cache"
    monkeypatch.setenv("AGENTLINT_CACHE_DIR", str(folder))
    CliRunner().invoke(main, ["scan", "fixtures/examples/bedrock-agent", "--no-cache"])
    assert not folder.exists()
    CliRunner().invoke(main, ["scan", "fixtures/examples/bedrock-agent"])
    assert folder.exists()


def test_concurrent_runs_share_one_cache(tmp_path):
    env = {**os.environ, "AGENTLINT_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "agentlint", "scan", "fixtures", "--format", "json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(4)]
    outputs = [p.communicate(timeout=300) for p in procs]
    docs = [json.loads(out) for out, _ in outputs]
    # exit 2: the fixtures hold deliberate errors (a module cycle, a Terragrunt include cycle)
    assert [p.returncode for p in procs] == [2, 2, 2, 2]
    assert {e["kind"] for e in docs[0]["errors"]} == {"module-cycle", "unsupported"}
    assert all(d["findings"] == docs[0]["findings"] and d["errors"] == docs[0]["errors"] for d in docs)
    assert not [f for d, _, files in os.walk(tmp_path / "cache") for f in files if f.startswith(".tmp-")]


def test_key_depends_on_limits_and_kind():
    a = ParseCache(folder="/nonexistent", max_nesting=100)
    b = ParseCache(folder="/nonexistent", max_nesting=200)
    assert a.key(b"x", "hcl") != b.key(b"x", "hcl") and a.key(b"x", "hcl") != a.key(b"x", "json")


def _modules_after(args: list[str], env: dict, cwd: str) -> set[str]:
    code = ("import sys\nfrom agentlint.cli import main\nsys.argv = ['agentlint'] + %r\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write(' '.join(sorted(sys.modules)))\n") % (args,)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd)
    return set(out.stderr.split())


def test_commands_import_only_what_they_use(tmp_path):
    # The example is copied into a repository of its own: in this checkout, any test that writes into the tree at
    # the same time (a package build) is a change the stored result must not survive.
    work = tmp_path / "work"
    shutil.copytree(FIXTURES / "examples" / "bedrock-agent", work / "fixtures" / "examples" / "bedrock-agent")
    (work / ".git").mkdir()
    env = {**os.environ, "AGENTLINT_CACHE_DIR": str(tmp_path / "cache")}
    heavy = {"agentlint.graph.build", "lark", "hcl2", "agentlint.engine"}
    assert not heavy & _modules_after(["--help"], env, str(work))
    assert not heavy & _modules_after(["rules"], env, str(work))
    case = "fixtures/examples/bedrock-agent"
    cold = _modules_after(["scan", case, "-o", os.devnull], env, str(work))
    assert {"lark", "hcl2", "agentlint.graph.build"} <= cold and "networkx" not in cold
    stored = _modules_after(["scan", case, "-o", os.devnull], env, str(work))  # nothing changed: the stored result
    assert not heavy & stored
    # a new scan, on parse-cache hits
    warm = _modules_after(["scan", case, "-o", os.devnull, "--select", "AL2"], env, str(work))
    assert {"agentlint.graph.build", "agentlint.engine"} <= warm and not {"lark", "hcl2"} & warm


def test_progress_display():
    import io

    from agentlint.outputs.progress import Progress

    quiet = io.StringIO()
    Progress(quiet)(5, 10)  # short scans show nothing
    assert quiet.getvalue() == ""
    stream = io.StringIO()
    show = Progress(stream)
    show(0, 400)
    show(1, 400)  # within the refresh interval: not redrawn
    show(400, 400)
    text = stream.getvalue()
    assert text.count("agentlint: reading files") == 2 and "400/400" in text
    assert text.endswith("\r")  # the line is erased at the end


def test_every_single_byte_flip_in_the_cache_is_a_miss(tmp_path, monkeypatch):
    # Guards: a corrupt cache entry (one flipped byte anywhere, lazily decoded bodies included) never drops a
    # finding, crashes, or aborts the report: the entry's digest no longer matches and the file is parsed again.
    monkeypatch.setenv("AGENTLINT_CACHE_DIR", str(tmp_path / "cache"))
    case = "fixtures/examples/bedrock-agent"
    expected = _key(scan([case], Config(), use_cache=False))
    scan([case], Config(), use_cache=True)
    entries = sorted(os.path.join(d, f) for d, _, files in os.walk(tmp_path / "cache") for f in files)
    assert entries
    originals = {p: open(p, "rb").read() for p in entries}
    for path, raw in originals.items():
        for offset in sorted({0, 31, 32, 33, len(raw) // 3, len(raw) // 2, len(raw) - 1}):
            flipped = bytearray(raw)
            flipped[offset] ^= 0x41
            with open(path, "wb") as fh:
                fh.write(bytes(flipped))
            assert _key(scan([case], Config(), use_cache=True)) == expected, (path, offset)
            with open(path, "wb") as fh:
                fh.write(raw)  # the next flip starts from a good entry


def test_variable_file_values_never_reach_the_cache(tmp_path, monkeypatch):
    """Hostile input (issue 13): tfvars values were cached in clear under the user's home. Variable files are
    parsed without the cache; the scan still uses their values (the role's name comes from the tfvars)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("AGENTLINT_CACHE_DIR", str(cache))
    work = tmp_path / "m"
    work.mkdir()
    (work / "main.tf").write_text(
        'variable "api_token" {}\nvariable "user" {}\n'
        'resource "aws_iam_user" "u" {\n  name = var.user\n}\n'
        'resource "aws_iam_access_key" "k" {\n  user = aws_iam_user.u.name\n}\n'
        'resource "aws_lambda_function" "f" {\n  function_name = "f"\n  role = "arn:aws:iam::111122223333:role/r"\n'
        '  environment {\n    variables = { TOKEN = var.api_token }\n  }\n}\n')
    (work / "terraform.tfvars").write_text('api_token = "tok-Zq8vN3xK1pL0mR7s"\nuser = "deploy-bot-7731"\n')
    report = scan([str(work)], Config(), use_cache=True)
    assert any("aws_iam_access_key.k" == f.address for f in report.findings)
    stored = b"".join(p.read_bytes() for p in cache.rglob("*") if p.is_file())
    assert stored, "the cache was written (main.tf)"
    assert b"tok-Zq8vN3xK1pL0mR7s" not in stored and b"deploy-bot-7731" not in stored
