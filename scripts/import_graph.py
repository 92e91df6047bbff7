"""Print the import graph between agentlint's parts and fail on an upward edge.

The parts, lowest first (a part may import only parts below it, never one above):

    foundation  agentlint (package root), model, values
    loaders     files -> model (HCL, plans, Terragrunt, the user cache folder), and the configuration file
    iam         IAM policy evaluation: knows nothing of graphs (it keeps its compiled catalogue in the cache folder)
    graph       model -> identity graph (builder, provider modules, agent detection, typed queries)
    rule        the rule contract, registry, context, finding builder (agentlint.rule) and the rules themselves
    engine      one scan end to end: engine, supersedes, changes, baseline
    inventory   per agent: identities, credentials, effective permissions, trust, findings, blast radius
    outputs     findings -> reports (text, JSON, SARIF, ...)
    cli         the command line and the integrations (pre-commit, Checkov)

Imports inside functions count too (they are still dependencies, only deferred). Usage:
`python scripts/import_graph.py` prints `part -> part (count)` lines and exits 1 when an edge points upward.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["foundation", "loaders", "iam", "graph", "rule", "engine", "inventory", "outputs", "cli"]
TOP_MODULES = {"model": "foundation", "values": "foundation", "config": "loaders", "__init__": "foundation",
               "__main__": "cli", "engine": "engine", "supersedes": "engine", "changes": "engine",
               "baseline": "engine", "cli": "cli", "rule": "rule", "rules": "rule", "suppressions": "loaders",
               "failures": "engine", "cli_output": "cli", "hcl2_check": "cli", "locations": "foundation",
               "cli_inventory": "cli", "cli_drift": "cli", "workload_secrets": "rule", "result_cache": "engine", "gate": "foundation"}
SUBPACKAGES = {"iam": "iam", "loaders": "loaders", "graph": "graph", "rule": "rule", "rules": "rule",
               "outputs": "outputs", "integrations": "cli", "inventory": "inventory",
               "drift": "inventory"}


def part_of(module: str) -> str | None:
    """The part an `agentlint.x.y` module belongs to (None outside agentlint)."""
    bits = module.split(".")
    if bits[0] != "agentlint":
        return None
    if len(bits) == 1:
        return "foundation"
    return SUBPACKAGES.get(bits[1]) or TOP_MODULES.get(bits[1], "foundation")


def _sources():
    """(module name, path) of every agentlint module, the top-level rules/ folder as `agentlint.rules`."""
    for path in sorted((ROOT / "agentlint").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        yield ".".join(p for p in rel.parts if p != "__init__") or "agentlint", path
    for path in sorted((ROOT / "rules").glob("*.py")):
        yield f"agentlint.rules.{path.stem}" if path.stem != "__init__" else "agentlint.rules", path


def _imports(module: str, path: Path):
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield ".".join(base + ([node.module] if node.module else []))
            elif node.module:
                yield node.module
                yield from (f"{node.module}.{a.name}" for a in node.names)  # `from agentlint import cli`


def edges() -> Counter:
    """(from part, to part) -> how many module imports."""
    found: Counter = Counter()
    for module, path in _sources():
        src = part_of(module)
        targets = {part_of(t) for t in _imports(module, path)} - {None, src}
        for dst in targets:
            found[(src, dst)] += 1
    return found


def upward(found: Counter) -> list[tuple[str, str]]:
    return sorted(e for e in found if LAYERS.index(e[1]) > LAYERS.index(e[0]))


def main() -> int:
    found = edges()
    for (src, dst), count in sorted(found.items(), key=lambda e: (LAYERS.index(e[0][0]), LAYERS.index(e[0][1]))):
        mark = "  UPWARD" if LAYERS.index(dst) > LAYERS.index(src) else ""
        print(f"{src:>10} -> {dst:<10} ({count} modules){mark}")
    bad = upward(found)
    if bad:
        print(f"{len(bad)} upward edge(s): " + ", ".join(f"{a} -> {b}" for a, b in bad), file=sys.stderr)
        return 1
    print(f"layers, lowest first: {' < '.join(LAYERS)}; no upward edge")
    return 0


if __name__ == "__main__":
    sys.exit(main())
