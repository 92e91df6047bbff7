"""Ask real Terraform what every conformance case evaluates to, and write `expected.json`.

Each folder under `cases/` is a root module of `terraform_data` resources whose `input` is the expression under
test. Terraform plans each folder in a temporary copy (offline: `terraform_data` is built in) and the planned
`input` of every resource, child modules included, is recorded under "<folder>/<address>".

    python tests/conformance/regenerate.py            # rewrite expected.json
    python tests/conformance/regenerate.py --check    # exit 1 when the checked-in data differs
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
EXPECTED = HERE / "expected.json"
UNKNOWN = {"__unknown__": True}


def terraform_version(binary: str = "terraform") -> str:
    out = subprocess.run([binary, "version", "-json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["terraform_version"]


def _run(args: list[str], cwd: str) -> str:
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_INPUT": "0"}
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed in {cwd}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _collect(module: dict, folder: str, out: dict) -> None:
    for res in module.get("resources", []):
        if res.get("type") == "terraform_data":
            values = res.get("values", {})
            # An input known only after apply is absent from planned values: agentlint must keep it unknown.
            out[f"{folder}/{res['address']}"] = values["input"] if "input" in values else UNKNOWN
    for child in module.get("child_modules", []):
        _collect(child, folder, out)


def plan_folder(folder: Path, binary: str = "terraform") -> dict:
    """{"<folder>/<address>": planned input} for one case folder."""
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / folder.name
        shutil.copytree(folder, work)
        _run([binary, "init", "-input=false", "-no-color"], str(work))
        _run([binary, "plan", "-input=false", "-no-color", "-refresh=false", "-out", "p.tfplan"], str(work))
        plan = json.loads(_run([binary, "show", "-json", "p.tfplan"], str(work)))
    _collect(plan.get("planned_values", {}).get("root_module", {}), folder.name, out)
    return out


def regenerate(binary: str = "terraform") -> dict:
    cases: dict = {}
    for folder in sorted(p for p in CASES.iterdir() if p.is_dir()):
        cases.update(plan_folder(folder, binary))
    return {"terraform_version": terraform_version(binary), "cases": dict(sorted(cases.items()))}


def main(argv: list[str]) -> int:
    data = regenerate()
    if "--check" in argv:
        current = json.loads(EXPECTED.read_text())
        return 0 if current["cases"] == data["cases"] else 1
    EXPECTED.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"{len(data['cases'])} cases from Terraform {data['terraform_version']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
