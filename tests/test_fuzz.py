"""A bounded fuzz run: mutated copies of every fixture (HCL and plan) are scanned; nothing may crash.

Deterministic (fixed seed) so a failure reproduces; bounded by a mutant count and a time budget so the suite stays
fast. AGENTLINT_FUZZ_MUTANTS raises the count for a longer local run.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time

import pytest

from conftest import FIXTURES
from helpers import run

TOKENS = [b"{", b"}", b"[", b"]", b'"', b"${", b"%{", b"=", b"\n", b"\x00", b"\xff\xfe", b"<<EOF\n", b"#",
          b"jsonencode(", b"*", b"module", b'source = "../../.."', b"count = 0", b"\r\n", b"\\", b"9" * 400]
MUTANTS = int(os.environ.get("AGENTLINT_FUZZ_MUTANTS", "400"))
BUDGET_SECONDS = float(os.environ.get("AGENTLINT_FUZZ_SECONDS", "60"))


def mutate(data: bytes, rnd: random.Random) -> bytes:
    for _ in range(rnd.randint(1, 4)):
        if not data:
            return rnd.choice(TOKENS)
        i = rnd.randrange(len(data))
        j = min(len(data), i + rnd.randint(1, 80))
        op = rnd.randrange(6)
        if op == 0:
            data = data[:i] + data[j:]  # delete
        elif op == 1:
            data = data[:i] + data[i:j] * rnd.randint(2, 5) + data[i:]  # duplicate
        elif op == 2:
            data = data[:i] + rnd.choice(TOKENS) + data[i:]  # insert a token
        elif op == 3:
            data = data[:i] + bytes([rnd.randrange(256)]) + data[i + 1:]  # flip a byte
        elif op == 4:
            data = data[:i]  # truncate
        else:
            lines = data.split(b"\n")
            rnd.shuffle(lines)
            data = b"\n".join(lines)
    return data


@pytest.mark.slow
def test_mutated_fixtures_never_crash(tmp_path):
    rnd = random.Random(20261122)
    cases = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in (".tf", ".json"))
    assert cases
    start = time.monotonic()
    ran = 0
    while ran < MUTANTS and time.monotonic() - start < BUDGET_SECONDS:
        original = rnd.choice(cases)
        case_dir = original.parent
        work = tmp_path / f"m{ran}"
        shutil.copytree(case_dir, work)
        target = work / original.name
        target.write_bytes(mutate(original.read_bytes(), rnd))
        report = run(str(work))
        assert all(e.kind != "internal-error" for e in report.errors), (original, report.errors)
        for error in report.errors:
            assert error.path and error.message and "\n" not in error.message
        shutil.rmtree(work)
        ran += 1
    assert ran >= min(MUTANTS, 100), f"only {ran} mutants in {BUDGET_SECONDS}s"


# Structure-aware campaigns (issue 13): mutants that parse, so type confusion reaches the evaluator, the graph and
# the rules. Each run must give a complete JSON report with no internal-error. The CI run is bounded; a longer
# local run: AGENTLINT_FUZZ_MUTANTS=10000 AGENTLINT_FUZZ_SECONDS=3600 pytest tests/test_fuzz.py -k structure
SHARED_PLANS = FIXTURES.parent.parent / "shared" / "corpus" / "plans"


def _plan_seeds():
    seeds = [p for p in FIXTURES.rglob("*.json") if p.name != "modules.json"]
    if SHARED_PLANS.is_dir():
        seeds += [p for p in SHARED_PLANS.rglob("*.json")
                  if p.stat().st_size < 200_000 and p.name not in ("MANIFEST.json", "INVENTORY_all_candidates.json")]
    return sorted(seeds)


def _check(report, what):
    from agentlint.outputs import json_report

    assert [e for e in report.errors if e.kind == "internal-error"] == [], what
    rendered = json.loads(json_report.render(report))
    assert rendered["summary"]["errors"] == len(report.errors)


@pytest.mark.slow  # always in .ci/run
def test_structure_aware_plan_mutants(tmp_path):
    from mutants import mutate_json

    rnd = random.Random(20261127)
    seeds = []
    for path in _plan_seeds():
        try:
            seeds.append((path, json.loads(path.read_text())))
        except ValueError:
            continue
    assert len(seeds) >= 4
    start, ran = time.monotonic(), 0
    while ran < MUTANTS and time.monotonic() - start < BUDGET_SECONDS:
        path, doc = rnd.choice(seeds)
        target = tmp_path / f"p{ran % 50}.json"
        target.write_text(json.dumps(mutate_json(doc, rnd)))
        _check(run(str(target)), (path, ran))
        ran += 1
    assert ran >= min(MUTANTS, 100), f"only {ran} plan mutants in {BUDGET_SECONDS}s"


@pytest.mark.slow  # always in .ci/run
def test_structure_aware_hcl_mutants(tmp_path):
    from mutants import mutate_hcl

    rnd = random.Random(20261128)
    cases = sorted({p.parent for p in FIXTURES.rglob("*.tf") if ".terraform" not in p.parts})
    assert cases
    start, ran = time.monotonic(), 0
    while ran < MUTANTS and time.monotonic() - start < BUDGET_SECONDS:
        case = rnd.choice(cases)
        work = tmp_path / f"h{ran}"
        shutil.copytree(case, work, symlinks=True)
        files = sorted(work.glob("*.tf"))
        for target in rnd.sample(files, min(len(files), rnd.randint(1, 2))):
            target.write_text(mutate_hcl(target.read_text(errors="replace"), rnd))
        _check(run(str(work)), (case, ran))
        shutil.rmtree(work)
        ran += 1
    assert ran >= min(MUTANTS, 100), f"only {ran} HCL mutants in {BUDGET_SECONDS}s"
