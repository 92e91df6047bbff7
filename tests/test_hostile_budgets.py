"""Every hostile case ends within 10 s and 500 MB (issue 13), measured, not assumed.

Each case is built in a temporary folder and scanned by the real command in a child process. The child's peak
resident memory is the kernel's high-water mark of its own address space (`VmHWM` in /proc/self/status, written by
the child as it exits): `ru_maxrss` from `wait4` would not do, because Linux carries the parent's high-water mark
across fork and exec, so in a long test run every child "used" the 560 MB pytest had reached. Every run must print
a complete JSON report with no `internal-error` entry; the exit code may be 0, 1 or 2 (a limit or an unreadable
file is an error).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

pytestmark = [pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc VmHWM and FIFOs: Linux"),
              pytest.mark.slow]  # a child process per case; always in .ci/run

MAX_SECONDS = 10.0
MAX_RSS_MB = 500


def _nested_modules(root, depth=11, calls=4):
    """Module files nested `depth` deep, each calling the next `calls` times: 4**11 instances if expanded
    naively (the exponential case that ran past 60 s)."""
    for level in range(depth):
        folder = root / "modules" / f"m{level}"
        folder.mkdir(parents=True)
        body = [f'module "c{i}" {{\n  source = "../m{level + 1}"\n  name = "${{var.name}}-{i}"\n}}\n'
                for i in range(calls)] if level + 1 < depth else [
            'resource "aws_iam_role" "r" {\n  name = var.name\n  assume_role_policy = "{}"\n}\n']
        (folder / "main.tf").write_text('variable "name" {}\n' + "".join(body))
    (root / "main.tf").write_text('module "top" {\n  source = "./modules/m0"\n  name = "x"\n}\n')


def _case(name, root):
    if name == "tfvars-to-dev-zero":
        (root / "main.tf").write_text('variable "a" {}\n')
        os.symlink("/dev/zero", root / "terraform.tfvars")
    elif name == "tf-fifo":
        (root / "ok.tf").write_text('resource "aws_iam_user" "u" { name = "u" }\n')
        os.mkfifo(root / "blocked.tf")
    elif name == "tfvars-fifo":
        (root / "main.tf").write_text('variable "a" {}\n')
        os.mkfifo(root / "terraform.tfvars")
    elif name == "file-of-fifo":
        os.mkfifo(root / "policy.json")
        (root / "main.tf").write_text('resource "aws_iam_policy" "p" {\n  policy = file("${path.module}/policy.json")\n}\n')
    elif name == "format-width":
        (root / "main.tf").write_text('locals {\n  a = format("{0:>2000000000}", "x")\n  b = format("%2000000000s", "x")\n}\n'
                                      'resource "aws_iam_user" "u" { name = local.b }\n')
    elif name == "doubling-locals":
        lines = "\n".join(f"  x{i + 1} = [local.x{i}, local.x{i}]" for i in range(60))
        (root / "main.tf").write_text(f'locals {{\n  x0 = "abc"\n{lines}\n}}\n'
                                      'resource "aws_iam_policy" "p" {\n  policy = jsonencode(local.x60)\n}\n')
    elif name == "nested-modules":
        _nested_modules(root)
    elif name == "huge-for-each":
        (root / "main.tf").write_text('resource "aws_iam_user" "u" {\n  for_each = toset([for i in range(5000000) : tostring(i)])\n'
                                      '  name = each.key\n}\n')
    elif name == "deep-json-plan":
        depth = 200_000
        (root / "plan.json").write_text('{"format_version": "1.2", "planned_values": ' + "[" * depth + "]" * depth + "}")
    elif name == "deep-hcl":
        (root / "main.tf").write_text("locals {\n  a = " + "[" * 50_000 + "]" * 50_000 + "\n}\n")
    elif name == "catastrophic-regex":
        (root / "main.tf").write_text('resource "aws_iam_user" "u" {\n  name = regex("(a+)+$", "' + "a" * 5000 + '!")\n}\n')
    elif name == "big-file":
        block = 'resource "aws_iam_user" "u%d" {\n  name = "u%d"\n}\n'
        (root / "main.tf").write_text("".join(block % (i, i) for i in range(200_000)))
    else:  # pragma: no cover
        raise AssertionError(name)
    return [str(root)]


# Runs agentlint as `python -m agentlint` does and, at exit, writes its own peak RSS (VmHWM, in kB) to argv[1].
CHILD = """
import atexit, runpy, sys
report = sys.argv.pop(1)

def peak():
    with open("/proc/self/status") as fh:
        kb = next(line.split()[1] for line in fh if line.startswith("VmHWM:"))
    with open(report, "w") as out:
        out.write(kb)

atexit.register(peak)
sys.argv[0] = "agentlint"
runpy.run_module("agentlint", run_name="__main__", alter_sys=True)
"""

CASES = ["tfvars-to-dev-zero", "tf-fifo", "tfvars-fifo", "file-of-fifo", "format-width", "doubling-locals",
         "nested-modules", "huge-for-each", "deep-json-plan", "deep-hcl", "catastrophic-regex", "big-file"]


@pytest.mark.parametrize("name", CASES)
def test_hostile_case_ends_within_10_s_and_500_mb(tmp_path, name):
    repo = tmp_path / "repo"
    repo.mkdir()
    args = _case(name, repo)
    start = time.monotonic()
    peak_file = tmp_path / "peak-kb"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(peak_file), "scan", "--format", "json", "--no-cache",
                             *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out_chunks = []
    # Read stdout while waiting so a large report cannot block the child on a full pipe.
    import threading

    reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()))
    err_reader = threading.Thread(target=lambda: proc.stderr.read())
    reader.start()
    err_reader.start()
    deadline = start + 60
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"{name}: still running after 60 s")
        time.sleep(0.02)
    elapsed = time.monotonic() - start
    reader.join()
    err_reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss_mb = int(peak_file.read_text()) / 1024
    report = json.loads(out_chunks[0])
    assert [e for e in report["errors"] if e["kind"] == "internal-error"] == [], name
    assert proc.returncode in (0, 1, 2)
    assert elapsed < MAX_SECONDS, f"{name}: {elapsed:.1f} s"
    assert rss_mb < MAX_RSS_MB, f"{name}: {rss_mb:.0f} MB"
    print(f"{name}: {elapsed:.2f} s, {rss_mb:.0f} MB, exit {proc.returncode}, "
          f"{len(report['errors'])} errors, {len(report['findings'])} findings")


def test_baseline_from_dev_zero_is_refused_quickly(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_iam_user" "u" { name = "u" }\n')
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "agentlint", "scan", str(tmp_path), "--baseline", "/dev/zero"],
                          capture_output=True, text=True, timeout=60)
    assert time.monotonic() - start < MAX_SECONDS
    assert proc.returncode == 2
    assert "/dev/zero" in proc.stderr and "Traceback" not in proc.stderr
