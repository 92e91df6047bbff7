"""`file()` and `templatefile()` read files only inside the scan root, and only up to a size budget."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Optional

from agentlint.loaders.repository import inside
from agentlint.values import Unknown, UnknownText

MAX_FILE_FUNCTION_BYTES = 1_000_000

if TYPE_CHECKING:
    from agentlint.loaders.hcl_eval import Scope


def _inside_root(rel: str, scope: Scope) -> Optional[str]:
    path = os.path.realpath(os.path.join(scope.module_dir, rel))
    folder = scope.module_dir.rstrip("/\\")
    if not os.path.exists(path) and folder and rel.startswith(folder + "/") and not os.path.isabs(rel):
        # "${path.module}/boot.sh.tpl": path.module is already relative to the working folder (scan infra/ from the
        # repository), so joining it to the module's folder again would name infra/infra/boot.sh.tpl.
        path = os.path.realpath(rel)
    return path if inside(path, scope.scan_root) else None


def _read_file(rel: str, scope: Scope, text: str) -> Any:
    path = _inside_root(rel, scope)
    if path is None:
        return Unknown(text)
    if scope.reads is not None:  # `scan --diff-base`: a change to this file changes the values of the module
        log, folder = scope.reads
        log.setdefault(folder, set()).add(path)
    from agentlint.loaders.textfile import TextFileError, read_bytes

    try:
        return read_bytes(path, MAX_FILE_FUNCTION_BYTES).decode("utf-8")
    except (TextFileError, UnicodeDecodeError):
        return Unknown(text)


def _templatefile(rel: str, variables: dict, scope: Scope, text: str, depth: int) -> Any:
    """A template file inside the scan root, rendered with only the given variables (as Terraform does)."""
    content = _read_file(rel, scope, text)
    if isinstance(content, Unknown):
        return content
    from agentlint.loaders import hcl_functions as fn
    from agentlint.loaders.eval_refs import Invalid, _refs_of
    from agentlint.loaders.hcl_ast import _Converter
    from agentlint.loaders.hcl_eval import Scope, evaluate

    try:
        template = _Converter("").template_from_text(content)
    except RecursionError:
        return Unknown(text)
    isolated = Scope(scope.prefix, os.path.dirname(os.path.join(scope.module_dir, rel)), scope.scan_root, {}, {})
    isolated.reads = scope.reads  # a file the template reads changes the module's values too
    value = evaluate(template, isolated.bind(variables), depth)
    if isinstance(value, Unknown):
        # The template's text (interpolations as written) stays readable for rules that read boot scripts.
        return UnknownText(text, tuple(value.refs) + tuple(_refs_of(variables)), value.text)
    if not isinstance(value, str):  # a template of one interpolation renders it as a string
        try:
            return fn.to_str(value)
        except fn.FunctionError:
            return Invalid(text, ())
    return value
