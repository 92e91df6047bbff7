"""`file()` and `templatefile()` read files only inside the scan root, and only up to a size budget."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Optional

from agentlint.loaders.repository import inside
from agentlint.values import Unknown

MAX_FILE_FUNCTION_BYTES = 1_000_000

if TYPE_CHECKING:
    from agentlint.loaders.hcl_eval import Scope


def _inside_root(rel: str, scope: Scope) -> Optional[str]:
    path = os.path.realpath(os.path.join(scope.module_dir, rel))
    return path if inside(path, scope.scan_root) else None


def _read_file(rel: str, scope: Scope, text: str) -> Any:
    path = _inside_root(rel, scope)
    if path is None:
        return Unknown(text)
    from agentlint.loaders.textfile import TextFileError, read_bytes

    try:
        return read_bytes(path, MAX_FILE_FUNCTION_BYTES).decode("utf-8")
    except (TextFileError, UnicodeDecodeError):
        return Unknown(text)
