"""`agentlint inventory` against `agentlint scan` on the same inputs, in one run (target: inventory <= 1.5x scan).

Usage:
  python benchmarks/inventory_vs_scan.py [--corpus DIR] [--runs N]

Inputs: the shared corpus's HCL tree and its plan files (the 60 plans, MANIFEST and inventory lists left out). Every
measurement is a fresh process (start-up included) with a warm parse cache (one untimed run of each command first),
timed by wall clock; the median of N runs is reported, with the agent count of the inventory. Exit 1 when a ratio is
over 1.5, 2 when a command failed in an unexpected way (exit codes 0 and 2, an unreadable input, are expected: the
corpus holds files that do not parse).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
TARGET = 1.5
SKIP = ("MANIFEST.json", "INVENTORY_all_candidates.json")


def plans(corpus: Path) -> list[str]:
    return sorted(str(p) for p in (corpus / "plans").rglob("*.json") if p.name not in SKIP)


def timed(args: list[str], env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "agentlint", *args], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1, 2) or "internal error" in proc.stderr:
        sys.exit(f"{' '.join(args[:2])} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, proc.stdout


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=3)
    opts = ap.parse_args()
    env = dict(os.environ, AGENTLINT_CACHE_DIR=os.environ.get("AGENTLINT_CACHE_DIR") or tempfile.mkdtemp())
    worst = 0.0
    for label, inputs in (("corpus/hcl", [str(opts.corpus / "hcl")]), ("corpus/plans", plans(opts.corpus))):
        scan_args = ["scan", "--format", "json", "--quiet", *inputs]
        inv_args = ["inventory", "--format", "json", *inputs]
        timed(scan_args, env)  # warm the parse cache and the action catalogue's index
        timed(inv_args, env)
        scans, invs, agents = [], [], 0
        for _ in range(opts.runs):
            scans.append(timed(scan_args, env)[0])
            seconds, out = timed(inv_args, env)
            invs.append(seconds)
            agents = json.loads(out)["summary"]["agents"]
        scan_s, inv_s = statistics.median(scans), statistics.median(invs)
        ratio = inv_s / scan_s
        worst = max(worst, ratio)
        print(f"{label:<13} inputs {len(inputs):>3}  agents {agents:>3}  scan {scan_s:6.2f} s  inventory {inv_s:6.2f} s"
              f"  ratio {ratio:4.2f}x (target <= {TARGET}x)")
    return 1 if worst > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
