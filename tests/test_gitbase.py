"""The base revision's tree for scope drift (agentlint/drift/gitbase.py): files the working tree holds unchanged are
hard-linked, every other file is written from git's objects, and the working tree is never touched."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from agentlint.drift.gitbase import materialise

POLICY_AT_BASE = b'{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}\n'
MAIN = b'resource "aws_iam_role" "agent" {\n  name = "agent"\n}\n'


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false",
                           *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def test_unchanged_files_are_linked_and_the_rest_written_from_git(tmp_path):
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    (repo / "infra" / "main.tf").write_bytes(MAIN)
    (repo / "infra" / "policy.json").write_bytes(POLICY_AT_BASE)
    (repo / "infra" / "gone.tf").write_bytes(b"# removed later\n")
    (repo / "infra" / "swapped.tf").write_bytes(b"# a file at the base\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    base = _git(repo, "rev-parse", "HEAD")
    # The working tree after the base: one file edited, one deleted, one replaced by a symbolic link to a file
    # outside the repository with the very bytes of the base (linking it would put an outside inode in the tree).
    (repo / "infra" / "policy.json").write_bytes(POLICY_AT_BASE.replace(b"s3:GetObject", b"s3:*"))
    (repo / "infra" / "gone.tf").unlink()
    outside = tmp_path / "outside.tf"
    outside.write_bytes(b"# a file at the base\n")
    (repo / "infra" / "swapped.tf").unlink()
    os.symlink(outside, repo / "infra" / "swapped.tf")
    dest = tmp_path / "base"
    dest.mkdir()

    assert materialise(base, str(repo), str(dest)) == 4

    linked = (dest / "infra" / "main.tf").stat()
    assert linked.st_ino == (repo / "infra" / "main.tf").stat().st_ino  # the unchanged file: a link, no copy
    assert (dest / "infra" / "policy.json").read_bytes() == POLICY_AT_BASE
    assert (dest / "infra" / "policy.json").stat().st_ino != (repo / "infra" / "policy.json").stat().st_ino
    assert (dest / "infra" / "gone.tf").read_bytes() == b"# removed later\n"
    swapped = dest / "infra" / "swapped.tf"
    assert not swapped.is_symlink() and swapped.read_bytes() == b"# a file at the base\n"
    assert swapped.stat().st_ino != outside.stat().st_ino

    shutil.rmtree(dest)
    assert (repo / "infra" / "main.tf").read_bytes() == MAIN  # removing the base tree removed only the link
    assert outside.read_bytes() == b"# a file at the base\n"


def test_a_file_whose_bytes_differ_only_in_line_endings_is_written(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_bytes(MAIN)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    (repo / "main.tf").write_bytes(MAIN.replace(b"\n", b"\r\n"))  # a CRLF checkout of an LF blob
    dest = tmp_path / "base"
    dest.mkdir()
    materialise("HEAD", str(repo), str(dest))
    assert (dest / "main.tf").read_bytes() == MAIN
