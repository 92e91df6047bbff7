"""The rule registry: every `Rule` subclass in the `agentlint.rules` package, and in folders named with
`--rules-dir`, by id, with ids and names unique."""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil

from agentlint.model import CATEGORIES
from agentlint.rule.contract import Rule


class DuplicateRuleError(Exception):
    pass


class CustomRuleError(Exception):
    """A module of a `--rules-dir` folder that cannot be loaded (named with its file and the reason)."""


# Folders of custom rules named with `--rules-dir` on the command line. Never from a configuration file: that would
# run a pull request's own code in the gate.
_CUSTOM_DIRS: list[str] = []


def add_rules_dir(folder: str) -> None:
    """Load every `*.py` module of `folder` as custom rules (raises CustomRuleError naming the file)."""
    folder = os.path.abspath(folder)
    if folder not in _CUSTOM_DIRS:
        _CUSTOM_DIRS.append(folder)
    _custom_modules()


def _custom_modules() -> list:
    import hashlib
    import sys

    modules = []
    for folder in _CUSTOM_DIRS:
        tag = hashlib.sha256(folder.encode()).hexdigest()[:12]
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".py") or name.startswith("_"):
                continue
            qualified = f"agentlint_custom_rules_{tag}.{name[:-3]}"
            if qualified in sys.modules:
                modules.append(sys.modules[qualified])
                continue
            path = os.path.join(folder, name)
            try:
                spec = importlib.util.spec_from_file_location(qualified, path)
                module = importlib.util.module_from_spec(spec)
                sys.modules[qualified] = module
                spec.loader.exec_module(module)
            except Exception as exc:  # the user's own rule code: said plainly, with its file
                sys.modules.pop(qualified, None)
                raise CustomRuleError(f"{path}: cannot load custom rules: {exc.__class__.__name__}: {exc}") from None
            modules.append(module)
    return modules


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
    modules = [importlib.import_module(f"{package.__name__}.{info.name}")
               for info in pkgutil.iter_modules(package.__path__)]
    for module in modules + _custom_modules():
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Rule) and obj is not Rule and obj.__module__ == module.__name__:
                if obj.id in found or obj.name in names:
                    raise DuplicateRuleError(f"rule id or name used twice: {obj.id} / {obj.name}"
                                             f" ({getattr(module, '__file__', module.__name__)})")
                if obj.category not in CATEGORIES:
                    raise ValueError(f"{obj.id}: unknown category {obj.category!r} "
                                     f"({getattr(module, '__file__', module.__name__)})")
                found[obj.id] = obj
                names[obj.name] = obj.id
    return [found[k] for k in sorted(found)]
