"""Side-by-side timing: agentlint against the bare python-hcl2 parse of the same files, in one run.

Usage: python benchmarks/run.py [FOLDER ...]   (default: the shared corpus folders, when present)

Each measurement is a fresh process (cold start included); peak RSS comes from the child's rusage. The anchor is
`hcl2.load` over every `.tf` file of the folder in one process, the figure the shared notes measured (134 files/s).
Checkov as an anchor, from its own virtualenv, belongs to the speed issue's benchmark.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
DEFAULT = [CORPUS / "hcl" / "terraform-aws-modules__terraform-aws-iam", CORPUS / "hcl", CORPUS / "plans"]

BARE_PARSE = r"""
import sys, os, hcl2
n = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for f in files:
        if f.endswith(".tf"):
            try:
                with open(os.path.join(root, f), encoding="utf-8") as fh:
                    hcl2.load(fh)
            except Exception:
                pass
            n += 1
print(n)
"""


def measure(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one child process, from its own rusage."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code not in (0, 1, 2):
        raise SystemExit(f"{cmd[0]} failed ({code}): {proc.stderr.read().decode()[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def main(folders: list[Path]) -> None:
    agentlint = [sys.executable, "-m", "agentlint", "scan", "--format", "json", "-o", os.devnull]
    print(f"{'input':<58} {'agentlint s':>11} {'parse s':>9} {'ratio':>7} {'agentlint MB':>13}")
    for folder in folders:
        if not folder.exists():
            print(f"{str(folder):<58} (not available, skipped)")
            continue
        a_time, a_mem = measure(agentlint + [str(folder)])
        has_tf = any(folder.rglob("*.tf"))
        if has_tf:
            p_time, _ = measure([sys.executable, "-c", BARE_PARSE, str(folder)])
            ratio = f"{p_time / a_time:6.2f}x"
            parse = f"{p_time:9.2f}"
        else:
            parse, ratio = f"{'-':>9}", f"{'-':>7}"
        print(f"{str(folder)[-58:]:<58} {a_time:11.2f} {parse} {ratio} {a_mem:13.0f}")
    print("ratio = bare parse time / agentlint time (above 1: agentlint is faster than parsing alone)")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULT)
