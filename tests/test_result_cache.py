"""The scan result cache (agentlint/result_cache.py): an unchanged scan returns the stored report, and every change
the report depends on runs the scan again. Each case proves which happened by counting calls of the engine's scan,
and checks the findings of the second run, so a stale report cannot pass."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import agentlint.engine
from agentlint import result_cache
from agentlint.cli import main

ROLE = '''
resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "bedrock.amazonaws.com" } }] })
}

resource "aws_bedrockagent_agent" "support" {
  agent_name              = "support"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"
}

resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::docs/*" }] })
}
'''
WIDE = ROLE.replace('"s3:GetObject", Resource = "arn:aws:s3:::docs/*"',
                    ('"*", Resource = "*"').ljust(len('"s3:GetObject", Resource = "arn:aws:s3:::docs/*"')))
assert len(WIDE) == len(ROLE)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository with an agent module called from a root module, its own cache, and a counter of real scans."""
    root = tmp_path / "repo"
    (root / "modules" / "agent").mkdir(parents=True)
    (root / "live").mkdir()
    (root / ".git").mkdir()
    (root / "modules" / "agent" / "main.tf").write_text(ROLE)
    (root / "live" / "main.tf").write_text('module "agent" {\n  source = "../modules/agent"\n}\n')
    monkeypatch.setenv("AGENTLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(root)
    calls = []
    real = agentlint.engine.scan
    monkeypatch.setattr(agentlint.engine, "scan", lambda *a, **k: calls.append(1) or real(*a, **k))
    return root, calls


def scan(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["scan", *args, "--format", "json", "-q"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.stdout, (result.exit_code, result.stderr)
    return result.exit_code, json.loads(result.stdout)


def rules(doc: dict) -> list[str]:
    return sorted(f["rule_id"] for f in doc["findings"])


def test_unchanged_scan_returns_the_stored_report(repo):
    root, calls = repo
    first = scan(".")
    assert scan(".") == first and calls == [1]
    scan("live")
    assert calls == [1, 1]  # another invocation, another entry
    scan("live")
    assert calls == [1, 1]


def test_renderers_get_the_same_report(repo):
    """Fields the JSON leaves out (repository roots, stack roots, legacy fingerprints) come back too: SARIF and the
    text report of a stored scan are byte for byte those of a fresh one."""
    root, calls = repo
    outputs = []
    for _ in range(2):
        sarif = CliRunner().invoke(main, ["scan", ".", "--format", "sarif"]).stdout
        text = CliRunner().invoke(main, ["scan", ".", "--no-color"]).stdout
        outputs.append((sarif, text))
    assert outputs[0] == outputs[1] and calls == [1]  # the format is not part of the key: one report, rendered


def _same_size_edit(path: Path, text: str) -> None:
    """Rewrite a file with content of the same size and give it back its modification time (as some tools do)."""
    before = path.stat()
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns


CHANGES = {
    "same-size edit, modification time restored": lambda root: _same_size_edit(
        root / "modules" / "agent" / "main.tf", WIDE),
    "module installed in a hidden folder": lambda root: (
        (root / ".terraform" / "modules").mkdir(parents=True),
        (root / "live" / "extra.tf").write_text('module "more" {\n  source = "../.terraform/modules/more"\n}\n'),
        shutil.copytree(root / "modules" / "agent", root / ".terraform" / "modules" / "more")),
    "file removed": lambda root: (root / "modules" / "agent" / "main.tf").unlink(),
    "configuration file": lambda root: (root / ".agentlint.toml").write_text('ignore = ["AL606"]\n'),
}


@pytest.mark.parametrize("racy", [True, False], ids=["files-just-written", "files-not-racy"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_runs_the_scan_again(repo, change, racy, monkeypatch):
    """Fixture files are written just before the scan, so they are racy (compared by content too); without that, the
    stat signature alone must see each change."""
    root, calls = repo
    if not racy:
        monkeypatch.setattr(result_cache, "RACY_SECONDS", -1e9)
    first = scan(".")
    scan(".")
    assert calls == [1]
    CHANGES[change](root)
    again = scan(".")
    assert calls == [1, 1]
    fresh = scan(".", "--no-cache")
    assert again == fresh and again != first


def test_file_added_inside_an_installed_module(repo):
    root, calls = repo
    installed = root / ".terraform" / "modules" / "agent"
    shutil.copytree(root / "modules" / "agent", installed)
    (root / "live" / "main.tf").write_text('module "agent" {\n  source = "../.terraform/modules/agent"\n}\n')
    first = scan(".")
    assert scan(".") == first and calls == [1]
    (installed / "wide.tf").write_text(WIDE.replace('"agent"', '"agent2"').replace('"support"', '"support2"'))
    assert rules(scan(".")[1]) != rules(first[1]) and calls == [1, 1]


@pytest.mark.parametrize("args", [["--select", "AL2"], ["--ignore", "AL201"], ["--var", "x=1"], ["--no-ignore"],
                                  ["--fail-on", "critical"]])
def test_options_are_part_of_the_key(repo, args):
    root, calls = repo
    scan(".")
    scan(".", *args)
    scan(".", *args)
    assert calls == [1, 1]


def test_var_file_outside_the_repository(repo, tmp_path):
    root, calls = repo
    (root / "live" / "variables.tf").write_text('variable "n" {\n  default = 1\n}\n')
    outside = tmp_path / "prod.tfvars"
    outside.write_text("n = 1\n")
    scan(".", "--var-file", str(outside))
    outside.write_text("n = 2\n")
    scan(".", "--var-file", str(outside))
    assert calls == [1, 1]


def test_date_is_part_of_the_key(repo, monkeypatch):
    """Suppressions expire on a date: tomorrow's scan is a new scan."""
    import datetime

    root, calls = repo
    scan(".")

    class Tomorrow(datetime.date):
        @classmethod
        def today(cls):
            return datetime.date(2999, 1, 1)

    monkeypatch.setattr(result_cache.datetime, "date", Tomorrow)
    scan(".")
    assert calls == [1, 1]


def test_racy_file_is_compared_by_content(repo, monkeypatch):
    """On a file system whose timestamps are too coarse to see an edit, a file changed just before the first scan
    is compared by content. The stat signature is reduced to the size to stand in for such a file system."""
    root, calls = repo
    monkeypatch.setattr(result_cache, "_signature", lambda entry, st: (entry.path, st.st_size))
    first = scan(".")
    (root / "modules" / "agent" / "main.tf").write_text(WIDE)  # same size; the coarse signature sees no change
    assert rules(scan(".")[1]) != rules(first[1]) and calls == [1, 1]


def test_without_racy_files_the_coarse_signature_would_hit(repo, monkeypatch):
    """The control of the case above: with no file racy, the same edit is not seen (so that case tests something)."""
    root, calls = repo
    monkeypatch.setattr(result_cache, "_signature", lambda entry, st: (entry.path, st.st_size))
    monkeypatch.setattr(result_cache, "RACY_SECONDS", -1e9)
    first = scan(".")
    (root / "modules" / "agent" / "main.tf").write_text(WIDE)
    assert scan(".") == first and calls == [1]


@pytest.mark.parametrize("args", [["--no-cache"], ["--diff-base", "HEAD"]])
def test_not_used(repo, args):
    root, calls = repo
    for _ in range(2):
        CliRunner().invoke(main, ["scan", ".", "-q", *args])
    assert calls == [1, 1]


def test_named_plan_is_not_cached(repo):
    root, calls = repo
    plan = Path(__file__).parent.parent / "fixtures" / "drift" / "plan" / "tfplan.json"
    for _ in range(2):
        scan(str(plan))
    assert calls == [1, 1]


def test_damaged_entry_is_a_miss(repo, tmp_path):
    root, calls = repo
    first = scan(".")
    [entry] = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and p.parent.parent.name == "result-v1"]
    data = bytearray(entry.read_bytes())
    data[-5] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert scan(".") == first and calls == [1, 1]
    assert scan(".") == first and calls == [1, 1]  # rewritten by the second run


def test_limit_errors_are_not_stored(repo):
    """A time limit depends on the machine: such a report is never reused."""
    root, calls = repo
    (root / "live" / "big.tf").write_text('resource "aws_iam_policy" "big" {\n  policy = jsonencode({ Statement = '
                                          '[for i in range(5000) : { Effect = "Allow", Action = "s3:GetObject", '
                                          'Resource = "arn:aws:s3:::b${i}/*" }] })\n}\n')
    (root / ".agentlint.toml").write_text("[limits]\nmax-iterations = 10\n")
    code, doc = scan(".")
    assert "limit" in {e["kind"] for e in doc["errors"]}
    scan(".")
    assert calls == [1, 1]


def test_cache_clean_removes_results(repo, tmp_path):
    scan(".")
    assert list((tmp_path / "cache" / "result-v1").rglob("*"))
    result = CliRunner().invoke(main, ["cache", "clean"])
    assert result.exit_code == 0 and not (tmp_path / "cache" / "result-v1").exists()


def test_fifo_is_never_waited_on(repo):
    """A FIFO in the tree (or swapped in for a racy file) is never opened for reading: the walk only stats it, and
    the content hash goes through the guarded reader."""
    root, calls = repo
    fifo = root / "live" / "pipe.tf"
    os.mkfifo(fifo)
    assert result_cache._file_digest(str(fifo)).startswith(b"unreadable")
    scan(".")
    scan(".")
    assert calls == [1]


def test_cache_folder_inside_the_repository(repo, monkeypatch):
    """A CI workspace cache (`XDG_CACHE_HOME=$WORKSPACE/.cache`): what agentlint writes there is not an input, so
    the second scan is still served from the stored result."""
    root, calls = repo
    monkeypatch.setenv("AGENTLINT_CACHE_DIR", str(root / ".cache" / "agentlint"))
    first = scan(".")
    assert scan(".") == first and calls == [1]
    (root / "live" / "extra.tf").write_text('output "x" {\n  value = 1\n}\n')
    scan(".")
    assert calls == [1, 1]
