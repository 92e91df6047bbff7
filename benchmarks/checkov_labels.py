"""agentlint on Checkov's own labelled IAM examples (`../shared/corpus/labelled/checkov`), and optionally Checkov
itself on the same files, side by side.

    python benchmarks/checkov_labels.py                       # agentlint against the labels
    python benchmarks/checkov_labels.py --checkov /path/to/checkov   # and Checkov (its own virtualenv) beside it
    python benchmarks/checkov_labels.py --json                # machine-readable (the test suite reads this)
    python benchmarks/checkov_labels.py --checkov PATH --fixtures   # also agentlint's own bad fixtures, where
                                                                    # agents and split policies are

Labels are per resource: a check's example folder marks some resources as failing and others as passing. For each
Checkov check about identities, CHECKS names the agentlint rules that speak to the same problem; a resource counts
as flagged by agentlint when one of those rules reports it (the finding's resource, its identity, or a resource on
its path). Disagreements and their reasons are listed in docs/checkov-labelled-comparison.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT.parent / "shared" / "corpus" / "labelled" / "checkov"

ADMIN = ["AL201"]
ALL_101 = "AL101:on every resource"  # a service wildcard on "*", not on one bucket
# Checkov check -> the agentlint rules that answer the same question ("RULE:text": only findings whose message
# contains the text).
CHECKS: dict[str, list[str]] = {
    "CKV_AWS_1": ADMIN, "CKV_AWS_62": ADMIN,  # "*" on "*"
    "CKV_AWS_274": ADMIN, "CKV_AWS_275": ADMIN,  # AdministratorAccess attached
    "CKV2_AWS_40": ADMIN + ["AL101:'iam:*'"], "CKV2_AWS_56": ADMIN,  # iam:* (on any resource) / IAMFullAccess
    "CKV_AWS_49": ADMIN + ["AL101"],  # "*" or svc:* actions
    "CKV_AWS_355": ADMIN + [ALL_101, "AL102", "AL203", "AL401", "AL402"],  # restrictable actions on "*"
    "CKV_AWS_356": ADMIN + [ALL_101, "AL102", "AL203", "AL401", "AL402"],
    "CKV_AWS_290": ADMIN + [ALL_101, "AL102", "AL203"], "CKV_AWS_111": ADMIN + [ALL_101, "AL102", "AL203"],
    "CKV_AWS_289": ADMIN + ["AL203"], "CKV_AWS_109": ADMIN + ["AL203"],  # permissions management
    "CKV_AWS_286": ADMIN + ["AL202"], "CKV_AWS_110": ADMIN + ["AL202"],  # privilege escalation
    "CKV_AWS_287": ADMIN + ["AL402", "AL203"], "CKV_AWS_107": ADMIN + ["AL402", "AL203"],  # credentials
    "CKV_AWS_288": ADMIN + ["AL401"], "CKV_AWS_108": ADMIN + ["AL401"],  # data exfiltration
    "CKV_AWS_61": ["AL601", "AL603"],  # assumable from a whole account / anyone
    "CKV_AWS_358": ["AL602"], "CKV_AWS_393": ["AL602"],  # GitHub OIDC without a repository
    "CKV_K8S_49": ["AL103", "AL204"],  # wildcards in Kubernetes roles
    "CKV_GCP_115": ["AL206"], "CKV_GCP_116": ["AL206"], "CKV_GCP_117": ["AL206"],  # basic roles
    "CKV_GCP_30": ["AL313"], "CKV_GCP_31": ["AL313"],  # default compute service account (with full scope)
    "CKV_GCP_118": ["AL607"],  # workload identity pool provider without a condition
    "CKV2_GCP_3": ["AL311"],  # user-managed service account keys
    "CKV_AZURE_137": ["AL315"], "CKV_AZURE_141": ["AL315"],  # ACR admin user, AKS local admin account
}


def examples() -> list[dict]:
    index = json.loads((LABELLED / "INDEX.json").read_text())
    out = []
    for entry in index:
        if entry["check_id"] not in CHECKS:
            continue
        folder = LABELLED / entry["example"]
        labels = _labels(folder)
        out.append({"check": entry["check_id"], "folder": folder, "fail": labels["fail"], "pass": labels["pass"]})
    return out


def _labels(folder: Path) -> dict[str, set[str]]:
    data = json.loads((folder / "labels.json").read_text()) if (folder / "labels.json").exists() else {}
    if "failing_resources" in data:
        return {"fail": {_norm(a) for a in data["failing_resources"]},
                "pass": {_norm(a) for a in data["passing_resources"]}}
    text = (folder / "expected.yaml").read_text()
    out: dict[str, set[str]] = {"fail": set(), "pass": set()}
    section = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.rstrip(":") in ("pass", "fail") and stripped.endswith(":"):
            section = stripped.rstrip(":")
        elif stripped.startswith("- ") and section:
            out[section].add(_norm(stripped[2:].strip().strip("\"'")))
    return out


def _norm(address: str) -> str:
    return address.removeprefix("data.")


def agentlint_flags(folder: Path, rules: list[str]) -> set[str]:
    from agentlint.config import Config
    from agentlint.engine import scan

    report = scan([str(folder)], Config(), no_ignore=True)
    flagged: set[str] = set()
    wanted = {r.split(":", 1)[0]: (r.split(":", 1)[1] if ":" in r else None) for r in rules}
    for f in report.findings:
        if f.rule_id not in wanted or (wanted[f.rule_id] and wanted[f.rule_id] not in f.message):
            continue
        flagged.add(_norm(f.address))
        if f.identity:
            flagged.add(_norm(f.identity))
        flagged.update(_norm(step.address) for step in f.trace if step.role in ("policy", "attachment", "identity"))
    return flagged


def checkov_flags(checkov: str, folder: Path, check: str) -> set[str]:
    proc = subprocess.run([checkov, "-d", str(folder), "--framework", "terraform", "--check", check, "-o", "json",
                           "--quiet", "--compact", "--skip-download"], capture_output=True, text=True)
    try:
        data = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError:
        return set()
    results = data[0] if isinstance(data, list) else data
    failed = (results.get("results") or {}).get("failed_checks", [])
    return {_norm(r["resource"]) for r in failed}


def compare(checkov: str | None = None) -> list[dict]:
    rows = []
    for ex in examples():
        rules = CHECKS[ex["check"]]
        started = time.perf_counter()
        ours = agentlint_flags(ex["folder"], rules)
        ours_s = time.perf_counter() - started
        theirs, theirs_s = None, None
        if checkov:
            started = time.perf_counter()
            theirs = checkov_flags(checkov, ex["folder"], ex["check"])
            theirs_s = time.perf_counter() - started
        for address in sorted(ex["fail"] | ex["pass"]):
            label = "fail" if address in ex["fail"] else "pass"
            rows.append({"check": ex["check"], "example": ex["folder"].name, "resource": address, "label": label,
                         "agentlint": "fail" if address in ours else "pass",
                         "checkov": None if theirs is None else ("fail" if address in theirs else "pass"),
                         "agentlint_seconds": ours_s, "checkov_seconds": theirs_s})
    return rows


def fixtures_side_by_side(checkov: str) -> None:
    """agentlint's bad fixtures (agent scenarios) through both tools: what each reports per case. Checkov runs once
    over the folder with every Terraform check; only its AWS IAM-related results are counted."""
    from agentlint.config import Config
    from agentlint.engine import scan

    cases = sorted(p for p in (ROOT / "fixtures").glob("AL*/bad/*") if p.is_dir())
    started = time.perf_counter()
    ours = {c: sorted({f.rule_id for f in scan([str(c)], Config()).findings}) for c in cases}
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    proc = subprocess.run([checkov, "-d", str(ROOT / "fixtures"), "--framework", "terraform", "-o", "json", "--quiet",
                           "--compact", "--skip-download"], capture_output=True, text=True)
    theirs_s = time.perf_counter() - started
    data = json.loads(proc.stdout or "{}")
    results = data[0] if isinstance(data, list) else data
    theirs: dict[Path, set[str]] = {}
    for r in (results.get("results") or {}).get("failed_checks", []):
        if not _identity_check(r):
            continue
        path = (ROOT / "fixtures" / r["file_path"].lstrip("/")).parent
        theirs.setdefault(path, set()).add(r["check_id"])
    print(f"\n{'fixture (agentlint bad case)':<52} {'agentlint':<34} checkov (identity checks)")
    missed = 0
    for c in cases:
        mine, other = ours[c], sorted(theirs.get(c, set()))
        missed += bool(mine) and not other
        print(f"{str(c.relative_to(ROOT / 'fixtures')):<52} {', '.join(mine)[:34]:<34} {', '.join(other) or '-'}")
    print(f"\n{len(cases)} cases: Checkov reports no identity finding on {missed} of them; "
          f"time agentlint {ours_s:.2f} s in-process, Checkov {theirs_s:.1f} s (one run, all checks)")


def _identity_check(result: dict) -> bool:
    """Checkov's checks about identities: those of the labelled set's index (AWS, Google Cloud, Azure, Kubernetes),
    plus the IAM "*" checks for assume-role and full-access statements (CKV_AWS_60, 63) and IMDSv1 (CKV_AWS_79)."""
    return result.get("check_id") in _IDENTITY_CHECKS


_IDENTITY_CHECKS = {e["check_id"] for e in json.loads((LABELLED / "INDEX.json").read_text())} \
    | {"CKV_AWS_60", "CKV_AWS_63", "CKV_AWS_79"} \
    if (LABELLED / "INDEX.json").exists() else set()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkov", help="path to the checkov executable (in its own virtualenv)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--fixtures", action="store_true", help="with --checkov: also agentlint's own bad fixtures")
    args = ap.parse_args(argv)
    if not LABELLED.exists():
        print(f"labelled set not found: {LABELLED}", file=sys.stderr)
        return 2
    rows = compare(args.checkov)
    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if not k.endswith("_seconds")} for r in rows], indent=1))
        return 0
    head = f"{'check':<12} {'resource':<58} {'label':<5} {'agentlint':<9}" + (" checkov" if args.checkov else "")
    print(head)
    agree = {"agentlint": 0, "checkov": 0}
    for r in rows:
        mark = "" if r["agentlint"] == r["label"] else "  <- differs"
        agree["agentlint"] += r["agentlint"] == r["label"]
        agree["checkov"] += r["checkov"] == r["label"]
        col = f" {r['checkov']:<7}" if args.checkov else ""
        print(f"{r['check']:<12} {r['resource'][:58]:<58} {r['label']:<5} {r['agentlint']:<9}{col}{mark}")
    n = len(rows)
    print(f"\n{n} labelled resources in {len({r['check'] for r in rows})} checks; agentlint agrees with the label on "
          f"{agree['agentlint']}" + (f", Checkov on {agree['checkov']}" if args.checkov else ""))
    seconds = {}
    for r in rows:
        seconds[(r["check"], r["example"])] = (r["agentlint_seconds"], r["checkov_seconds"])
    ours = sum(a for a, _ in seconds.values())
    line = f"time: agentlint {ours:.2f} s (in-process, {len(seconds)} folders)"
    if args.checkov:
        theirs = sum(c for _, c in seconds.values())
        line += f", Checkov {theirs:.1f} s ({len(seconds)} runs, one check each); ratio {theirs / max(ours, 1e-9):.0f}x"
    print(line)
    if args.fixtures and args.checkov:
        fixtures_side_by_side(args.checkov)
    return 0


if __name__ == "__main__":
    sys.exit(main())
