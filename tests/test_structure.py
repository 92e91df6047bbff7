"""The shape of the code, enforced: rules ask the graph typed questions and never touch its store.

Rules see the identity graph through graph.query (Node and Edge records, Rel and NodeKind enums). A rule that imports
the store (graph.store, or networkx, which once held it), reaches for it (`graph.g`, `_g`), calls a building method,
or reads a node or edge attribute dict by string would break only at run time when the builder changes; this test
makes it fail here instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = sorted((ROOT / "rules").glob("al*.py"))
# The helpers rules call (the rule context, phrases) are held to the same contract.
RULE_SUPPORT = sorted((ROOT / "agentlint" / "rule").glob("*.py"))

# The store's API (networkx's names) and the builder's own methods: a rule calls none of them.
FORBIDDEN_ATTRIBUTES = {"g", "_g", "in_edges", "out_edges", "get_edge_data", "add_node", "add_edge",
                        "add_edges_from", "remove_node", "remove_edge", "predecessors", "successors", "targets",
                        "_add", "_external", "_build", "by_name", "store", "_freeze"}
# Node and edge attributes as the builder stores them; the records have them as typed fields.
GRAPH_ATTRIBUTE_NAMES = {"rel", "via", "kind", "rtype", "scope", "scope_kind", "k8s_kind", "k8s_name", "rules",
                         "managed", "trust", "owner", "target_kind", "member", "builtin", "permissions",
                         "conditioned", "summary", "via_attr", "via_line", "attr"}


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    out = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "networkx" for a in node.names):
            out.append(f"{where}: imports networkx")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "networkx":
            out.append(f"{where}: imports networkx")
        elif isinstance(node, ast.ImportFrom) and node.module == "agentlint.graph.build":
            out.append(f"{where}: imports the graph builder")
        elif isinstance(node, ast.ImportFrom) and (node.module == "agentlint.graph.store" or (
                node.module == "agentlint.graph" and any(a.name == "store" for a in node.names))):
            out.append(f"{where}: imports the graph store")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            out.append(f"{where}: uses .{node.attr}")
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                and node.slice.value in GRAPH_ATTRIBUTE_NAMES:
            out.append(f"{where}: reads [{node.slice.value!r}] from an attribute dict")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in GRAPH_ATTRIBUTE_NAMES \
                and not _reads_resource_values(node.func.value):
            out.append(f"{where}: reads .get({node.args[0].value!r}) from an attribute dict")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "relations" \
                and node.args and isinstance(node.args[0], ast.Constant):
            out.append(f"{where}: names a relation by string (use graph.schema.Rel)")
    return out


def _reads_resource_values(node: ast.AST) -> bool:
    """`res.values.get("role")`, `first_block(...).get(...)`: the resource's own attributes, not the graph's."""
    return (isinstance(node, ast.Attribute) and node.attr == "values") or isinstance(node, ast.Call)


def test_rules_are_found():
    assert len(RULES) >= 50


@pytest.mark.parametrize("path", RULES + RULE_SUPPORT, ids=[p.stem for p in RULES] + [f"rule.{p.stem}" for p in RULE_SUPPORT])
def test_rule_uses_only_the_typed_graph_api(path):
    assert _problems(path) == []


def test_the_scan_catches_what_it_forbids(tmp_path):
    bad = tmp_path / "al999_bad.py"
    bad.write_text('import networkx as nx\n'
                   'from agentlint.graph.build import IdentityGraph\n'
                   'from agentlint.graph.store import GraphStore\n'
                   'def check(ctx):\n'
                   '    g = ctx.graph\n'
                   '    for u, v, data in g.g.edges(data=True):\n'
                   '        yield data["via"], data.get("rel"), g.relations("k8s_binding"), g.targets(1, 2, "user")\n')
    assert {p.split(": ", 1)[1] for p in _problems(bad)} == {
        "imports networkx", "imports the graph builder", "imports the graph store", "uses .g",
        "reads ['via'] from an attribute dict",
        "reads .get('rel') from an attribute dict", "names a relation by string (use graph.schema.Rel)",
        "uses .targets"}


def test_graph_is_frozen_after_build():
    from agentlint.config import Config
    from agentlint.engine import build_graph

    g = build_graph([str(ROOT / "fixtures" / "graph" / "aws-workloads")], Config())
    before = len(g.nodes())
    with pytest.raises(Exception, match="Frozen"):
        g._g.add_node("stack::extra")
    assert len(g.nodes()) == before


def _import_graph():
    import importlib.util

    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_upward_import_between_parts():
    """scripts/import_graph.py: each part of agentlint imports only parts below it (iam knows nothing of the graph,
    the graph nothing of rules, rules nothing of the engine or outputs)."""
    graph = _import_graph()
    found = graph.edges()
    assert graph.upward(found) == []
    assert ("rule", "graph") in found and ("graph", "iam") in found  # the scan sees real edges
    assert not any(src == "iam" and dst == "graph" for src, dst in found)


def test_import_graph_reports_an_upward_edge():
    graph = _import_graph()
    assert graph.upward({("iam", "graph"): 1, ("graph", "iam"): 2}) == [("iam", "graph")]
    assert graph.part_of("agentlint.graph.aws") == "graph" and graph.part_of("agentlint.rule.findings") == "rule"
    assert graph.part_of("networkx") is None


# The modules this structure owns: each holds one job and stays readable.
SIZED = (sorted((ROOT / "agentlint" / "graph").glob("*.py")) + sorted((ROOT / "agentlint" / "iam").glob("*.py"))
         + sorted((ROOT / "agentlint" / "rule").glob("*.py")) + RULES
         + [ROOT / "agentlint" / "supersedes.py", ROOT / "agentlint" / "outputs" / "rule_docs.py",
            ROOT / "scripts" / "import_graph.py"])


@pytest.mark.parametrize("path", SIZED, ids=[str(p.relative_to(ROOT)) for p in SIZED])
def test_module_is_at_most_450_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 450


def test_every_package_is_installed():
    """A folder of agentlint that pyproject.toml does not list is missing from an installed agentlint (the pre-commit
    hook and the Checkov plugin run an installed copy)."""
    tomllib = pytest.importorskip("tomllib")
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "agentlint").rglob("__init__.py")}
    assert folders <= listed
