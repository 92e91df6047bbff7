"""`--respect-gitignore`: the repository's `.gitignore` files, read as git reads them (pathspec's gitignore rules),
so a scan skips the files and folders git ignores. Off by default: Terraform itself reads gitignored
`terraform.tfvars` and the modules `terraform init` put in `.terraform/`.

A `.gitignore` applies to paths below its folder, a deeper one overriding a shallower one (last match wins, `!`
re-includes); as in git, nothing inside an ignored folder can be re-included, so the walk simply does not descend.
`.git/info/exclude` and the user's global excludes file are not read: they are not part of the repository.
"""

from __future__ import annotations

import os
from typing import Optional

from agentlint.loaders.textfile import TextFileError, read_text

MAX_GITIGNORE_BYTES = 1_000_000


class GitIgnore:
    def __init__(self) -> None:
        self._specs: dict[str, object] = {}  # folder relative to the repository root ("" for the root) -> spec

    def read(self, folder: str, rel_folder: str, names) -> None:
        """Called for each folder the walk enters, before its entries are judged."""
        if ".gitignore" not in names:
            return
        import pathspec

        try:
            lines = read_text(os.path.join(folder, ".gitignore"), MAX_GITIGNORE_BYTES).splitlines()
        except TextFileError:
            return  # an unreadable .gitignore ignores nothing: the scan reads more, never less
        self._specs["" if rel_folder == "." else rel_folder] = pathspec.GitIgnoreSpec.from_lines(lines)

    def ignored(self, rel_path: str, is_dir: bool) -> bool:
        """Whether git ignores `rel_path` (relative to the repository root, `/`-separated)."""
        verdict: Optional[bool] = None
        parts = rel_path.split("/")
        for depth in range(len(parts)):
            base = "/".join(parts[:depth])
            spec = self._specs.get(base)
            if spec is None:
                continue
            sub = "/".join(parts[depth:]) + ("/" if is_dir else "")
            result = spec.check_file(sub).include
            if result is not None:
                verdict = result
        return bool(verdict)
