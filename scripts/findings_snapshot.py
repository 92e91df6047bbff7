"""Print every finding agentlint gives over the fixtures, the shared corpus and its plans, one line each.

Used to show a refactoring changes no behaviour: run it before and after and diff the two files.

    python scripts/findings_snapshot.py > before.txt   # ... change ...
    python scripts/findings_snapshot.py > after.txt && diff before.txt after.txt

Each line: set, rule, severity, confidence, path, address, message (line numbers left out on purpose: moving a
statement is not a behaviour change). Runs in-process over each input separately.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(HERE), "shared", "corpus")


def _inputs() -> list[tuple[str, list[str]]]:
    sets: list[tuple[str, list[str]]] = []
    fixtures = os.path.join(HERE, "fixtures")
    for name in sorted(os.listdir(fixtures)):
        path = os.path.join(fixtures, name)
        if os.path.isdir(path):
            sets.append((f"fixtures/{name}", [path]))
    hcl = os.path.join(SHARED, "hcl")
    if os.path.isdir(hcl):
        sets.append(("corpus/hcl", [hcl]))
    plans = os.path.join(SHARED, "plans")
    if os.path.isdir(plans):
        found = []
        for dirpath, _dirs, files in os.walk(plans):
            found += [os.path.join(dirpath, f) for f in files if f.endswith(".json") and f not in
                      ("MANIFEST.json", "INVENTORY_all_candidates.json")]
        sets.append(("corpus/plans", sorted(found)))
    return sets


def main() -> int:
    exe = [sys.executable, "-m", "agentlint", "scan", "--format", "json", "--no-cache"]
    for label, paths in _inputs():
        proc = subprocess.run(exe + paths, capture_output=True, text=True, cwd=HERE)
        try:
            report = json.loads(proc.stdout)
        except ValueError:
            print(f"{label}\tERROR\texit {proc.returncode}: {proc.stderr.strip()[:200]}")
            continue
        lines = set()
        for f in report.get("findings", []):
            lines.add("\t".join([label, f["rule_id"], f["severity"], f["confidence"],
                                 f["path"], f.get("address") or "", f["message"]]))
        for e in report.get("errors", []):
            lines.add("\t".join([label, "ERROR", e.get("kind", ""), os.path.basename(e.get("path", "")),
                                 e.get("message", "")[:160]]))
        for line in sorted(lines):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
