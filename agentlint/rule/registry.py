"""The rule registry: every `Rule` subclass in the `agentlint.rules` package, by id, with ids and names unique."""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil

from agentlint.model import CATEGORIES
from agentlint.rule.contract import Rule


class DuplicateRuleError(Exception):
    pass


def _rules_package():
    """`agentlint.rules` when installed; in a source checkout run in place (`python -m ...` from the repository
    root puts the source tree first on sys.path), the repository's top-level `rules/` folder under that name."""
    try:
        return importlib.import_module("agentlint.rules")
    except ModuleNotFoundError:
        import sys

        folder = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "rules")
        spec = importlib.util.spec_from_file_location("agentlint.rules", os.path.join(folder, "__init__.py"),
                                                      submodule_search_locations=[folder])
        if spec is None or spec.loader is None:
            raise
        module = importlib.util.module_from_spec(spec)
        sys.modules["agentlint.rules"] = module
        spec.loader.exec_module(module)
        return module


def all_rules() -> list[type[Rule]]:
    """Every rule in the `agentlint.rules` package, ordered by id; ids and names must be unique."""
    package = _rules_package()

    found: dict[str, type[Rule]] = {}
    names: dict[str, str] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Rule) and obj is not Rule and obj.__module__ == module.__name__:
                if obj.id in found or obj.name in names:
                    raise DuplicateRuleError(f"rule id or name used twice: {obj.id} / {obj.name}")
                if obj.category not in CATEGORIES:
                    raise ValueError(f"{obj.id}: unknown category {obj.category!r}")
                found[obj.id] = obj
                names[obj.name] = obj.id
    return [found[k] for k in sorted(found)]
