"""The long, local fuzz campaign (issue 13): structure-aware plan and HCL mutants scanned in-process.

    python benchmarks/fuzz_campaign.py --mutants 10000 --out /tmp/fuzz-findings

Same mutators and seeds as tests/test_fuzz.py (which runs a bounded number in CI). Every mutant must give a
complete report with no internal-error; a failing mutant is saved under --out with the error, and the campaign goes
on. Prints counts per kind, failures, time and the slowest mutant.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, "tests"))

from mutants import mutate_hcl, mutate_json  # noqa: E402

from agentlint.config import Config  # noqa: E402
from agentlint.engine import scan  # noqa: E402
from agentlint.outputs import json_report  # noqa: E402

FIXTURES = os.path.join(HERE, "fixtures")
PLANS = os.path.join(os.path.dirname(HERE), "shared", "corpus", "plans")


def _plan_seeds():
    seeds = []
    for base in (FIXTURES, PLANS):
        for dirpath, _dirs, files in os.walk(base):
            for f in files:
                path = os.path.join(dirpath, f)
                if (f.endswith(".json") and f not in ("modules.json", "MANIFEST.json", "INVENTORY_all_candidates.json")
                        and os.path.getsize(path) < 200_000):
                    try:
                        with open(path, encoding="utf-8") as fh:
                            seeds.append((path, json.load(fh)))
                    except ValueError:
                        pass
    return seeds


def _hcl_seeds():
    folders = set()
    for dirpath, _dirs, files in os.walk(FIXTURES):
        if ".terraform" not in dirpath and any(f.endswith(".tf") for f in files):
            folders.add(dirpath)
    return sorted(folders)


def _one(paths):
    report = scan(paths, Config())
    json_report.render(report)
    return [e for e in report.errors if e.kind == "internal-error"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mutants", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kind", choices=["plan", "hcl", "both"], default="both")
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "agentlint-fuzz"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="agentlint-fuzz-")
    rnd = random.Random(args.seed)
    failures = 0
    for kind in (["plan", "hcl"] if args.kind == "both" else [args.kind]):
        seeds = _plan_seeds() if kind == "plan" else _hcl_seeds()
        start, slowest = time.monotonic(), (0.0, "")
        for i in range(args.mutants):
            t0 = time.monotonic()
            if kind == "plan":
                src, doc = rnd.choice(seeds)
                case = os.path.join(work, "plan.json")
                with open(case, "w") as fh:
                    json.dump(mutate_json(doc, rnd), fh)
            else:
                src = rnd.choice(seeds)
                case = os.path.join(work, "case")
                shutil.rmtree(case, ignore_errors=True)
                shutil.copytree(src, case, symlinks=True)
                tfs = sorted(f for f in os.listdir(case) if f.endswith(".tf"))
                for name in rnd.sample(tfs, min(len(tfs), rnd.randint(1, 2))):
                    p = os.path.join(case, name)
                    with open(p, encoding="utf-8", errors="replace") as fh:
                        text = fh.read()
                    with open(p, "w", encoding="utf-8") as fh:
                        fh.write(mutate_hcl(text, rnd))
            try:
                bad = _one([case])
            except Exception as exc:  # the engine should never raise; record it like an internal error
                bad = [f"raised {exc.__class__.__name__}: {exc}"]
            took = time.monotonic() - t0
            slowest = max(slowest, (took, f"{kind} #{i} from {os.path.relpath(src, HERE)}"))
            if bad:
                failures += 1
                dest = os.path.join(args.out, f"{kind}-{i}")
                if os.path.isdir(case):
                    shutil.copytree(case, dest, dirs_exist_ok=True)
                else:
                    os.makedirs(dest, exist_ok=True)
                    shutil.copy(case, dest)
                with open(os.path.join(dest, "ERROR.txt"), "w") as fh:
                    fh.write(f"seed file: {src}\n{bad}\n")
                print(f"FAIL {kind} #{i} from {os.path.relpath(src, HERE)}: {bad}", flush=True)
        elapsed = time.monotonic() - start
        print(f"{kind}: {args.mutants} mutants from {len(seeds)} seeds in {elapsed:.0f} s "
              f"({args.mutants / max(elapsed, 1e-9):.1f}/s); slowest {slowest[0]:.2f} s ({slowest[1]})", flush=True)
    print(f"failures: {failures}")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
