"""Path exclusion with gitignore rules (pathspec), each pattern relative to the folder it is anchored at.

Patterns from a configuration file are relative to that file's folder, as a `.gitignore`'s are to its folder;
patterns from `--exclude` (or given without a file) are relative to the repository root. So `templates/*` in the
`.agentlint.toml` next to `templates/` excludes it whether the scan names `.`, that folder's parent or the
repository root, and whether or not the folder is the repository root.
"""

from __future__ import annotations

import os
from typing import Optional, Union

import pathspec

# A pattern, relative to the repository root; or (folder, pattern), relative to that folder (None: the root).
ExcludeRule = Union[str, tuple[Optional[str], str]]


class Excluder:
    def __init__(self, rules: list[ExcludeRule], root: str):
        by_base: dict[str, list[str]] = {}
        for rule in rules:
            base, pattern = (None, rule) if isinstance(rule, str) else rule
            by_base.setdefault(os.path.abspath(base or root), []).append(pattern)
        self.specs = [(base, pathspec.GitIgnoreSpec.from_lines(patterns)) for base, patterns in by_base.items()]

    def __bool__(self) -> bool:
        return bool(self.specs)

    def excluded(self, path: str, is_dir: bool = False) -> bool:
        """Whether an absolute path (a folder when `is_dir`) is excluded."""
        for base, spec in self.specs:
            rel = os.path.relpath(path, base)
            if rel == "." or rel.startswith(".." + os.sep) or rel == "..":
                continue  # outside the folder the patterns are anchored at
            rel = rel.replace(os.sep, "/")
            if spec.match_file(rel + "/" if is_dir else rel):
                return True
        return False
