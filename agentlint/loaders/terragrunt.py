"""Terragrunt units: `terragrunt.hcl` files -> the Terraform module each one runs and the inputs it passes.

A unit's `terraform { source = ... }` names the module (a local folder, or a remote one Terragrunt downloads into
`.terragrunt-cache/<hash>/<hash>/`); its `inputs` (merged with those of the configurations it `include`s) become
the module's variables. This module only reads: no Terragrunt function that runs a program, reads the environment or
calls a cloud API is evaluated (they are `Unknown`), nothing is fetched, and no file outside the repository is read.

Semantics followed (terragrunt.gruntwork.io: HCL blocks and functions reference, Terragrunt cache):
- `source = "<root>//<subdir>"`: `//` separates what Terragrunt copies (`source_root`) from the folder it runs
  (`module_dir`). A local path is relative to the unit's folder, also when the `terraform` block comes from an
  included file, and must stay inside the repository (symlinks resolved). A remote source (git::, tfr://, github.com/,
  s3::, ...) is never fetched: the copy `terragrunt init` left in `.terragrunt-cache/*/*/<subdir>` beside the unit
  is used when there is one (the newest), else `problem` says to run terragrunt init.
- A unit without a `terraform { source }` runs the Terraform files beside it. With a source elsewhere, Terraform files
  beside the unit are copied into the working folder too (`unit_files`).
- `include` blocks (labelled, or the older unlabelled one) are evaluated before `locals`, in the unit's context
  (`get_terragrunt_dir()`, `find_in_parent_folders()` are the unit's there too; `get_parent_terragrunt_dir()` is the
  included file's folder). Their `inputs` and `terraform { source }` merge into the unit's: the unit wins, later
  includes win over earlier ones; `merge_strategy` "shallow" (default), "deep" (maps merged recursively, lists
  concatenated, parent first) or "no_merge". `include.<label>.locals` / `.inputs` (and `include.locals` for the
  unlabelled include) read an included file. Terragrunt refuses nested includes; they are followed here, and a cycle
  is reported and cut.
- `read_terragrunt_config(path[, default])` evaluates another file in its own folder and exposes its `locals` and
  `inputs` (the default only when the file does not exist); `read_tfvars_file`, `mark_as_read`,
  `find_in_parent_folders([name[, fallback]])` (from the parent of the unit's folder upwards, files or folders, never
  above the repository root), `path_relative_to_include` / `path_relative_from_include` / `get_parent_terragrunt_dir`
  (with an include label when there are several includes), `get_original_terragrunt_dir`, `get_repo_root` and the
  repo-root path functions (the repository root given stands for Git's), and Terraform's `dirname`, `basename`,
  `abspath`, `fileexists`; everything else Terraform has is left to hcl_eval.
- `get_env`, `run_cmd`, `sops_decrypt_file`, `get_aws_*`, `dependency.*` outputs, `feature.*`, `values.*`: Unknown.
"""

from __future__ import annotations

import copy
import glob
import json
import os
from dataclasses import dataclass
from typing import Any, Optional

from agentlint.loaders.hcl_eval import Scope, contains_unknown, evaluate
from agentlint.loaders.parsed import Block, HCLSyntaxError, NestingLimit
from agentlint.loaders.repository import inside
from agentlint.loaders.terragrunt_env import _Env, _Evaluated, _Included, _merge_inputs  # noqa: F401
from agentlint.loaders.terragrunt_parse import _Config, _parse_unpruned, _recursion_room  # noqa: F401
from agentlint.loaders.terragrunt_sources import (  # noqa: F401 (public names stay importable from here)
    CACHE_DIR,
    DEFAULT_CONFIG,
    TERRAFORM_SUFFIXES,
    _has_terraform_files,
    _terraform_files,
    is_local_source,
    shown_source,
    split_source,
)
from agentlint.loaders.textfile import TextFileError, read_text
from agentlint.model import Limits, LoadError
from agentlint.values import Unknown

MAX_INCLUDE_DEPTH = 10
MAX_READ_DEPTH = 20
MAX_PARENT_FOLDERS = 100

@dataclass(frozen=True)
class TerragruntRoot:
    config_path: str        # the terragrunt.hcl file
    line: int               # line of its `terraform { source = ... }` attribute (or of the include that supplies it)
    module_dir: Optional[str]   # the local folder of the Terraform module it runs; None when not local / not found
    inputs: dict[str, Any]  # evaluated `inputs`, merged with included files'; Unknown where not decidable
    problem: Optional[str]  # why module_dir is None
    source: Optional[str] = None       # the evaluated source (credentials redacted), None when the unit has none
    source_root: Optional[str] = None  # the folder Terragrunt copies (before `//`): module calls may reach into it
    # Terraform files beside the terragrunt.hcl when the source is elsewhere: Terragrunt copies them into the
    # module's working folder, so they belong to the same root module.
    unit_files: tuple[str, ...] = ()

    @property
    def stack(self) -> str:
        """The unit's folder: where Terragrunt runs it, and what findings should be grouped by."""
        return os.path.dirname(self.config_path) or "."


class _Loader:
    def __init__(self, repo_root: str, limits: Limits):
        self.repo_root = os.path.realpath(repo_root)
        self.limits = limits
        self.errors: list[LoadError] = []
        self._seen_errors: set[tuple] = set()
        self._parsed: dict[str, Optional[_Config]] = {}
        self._display: dict[str, str] = {}
        self.relative = True  # paths given relative: report paths relative to the current folder

    def error(self, path: str, line: Optional[int], kind: str, message: str) -> None:
        key = (path, line, kind, message)
        if key not in self._seen_errors:
            self._seen_errors.add(key)
            self.errors.append(LoadError(path=path, line=line, kind=kind, message=message))

    def display(self, real: str) -> str:
        return self._display.get(real) or self.shown(real)

    def shown(self, path: str) -> str:
        """A path in the style the scan was given: relative to the current folder, or absolute."""
        return os.path.relpath(path) if self.relative else os.path.abspath(path)

    def parse(self, path: str, display: Optional[str] = None) -> Optional[_Config]:
        """Parse once; `_Config.path` is the real path (include chains compare real paths)."""
        real = os.path.realpath(path)
        if real in self._parsed:
            return self._parsed[real]
        self._parsed[real] = None
        display = display or self.shown(path)
        self._display[real] = display
        try:
            text = read_text(real, self.limits.max_config_bytes)
            attrs, attr_lines, blocks = _parse_unpruned(text, display, self.limits.max_nesting)
        except NestingLimit as exc:
            self.error(display, exc.line, "limit", str(exc))
            return None
        except HCLSyntaxError as exc:
            self.error(display, exc.line, "parse-error", str(exc))
            return None
        except TextFileError as exc:
            self.error(display, exc.line, exc.kind, str(exc))
            return None
        except RecursionError:
            self.error(display, None, "limit", "nested too deeply to parse; file skipped")
            return None
        config = _Config(path=real, inputs_ast=attrs.get("inputs"))
        for block in blocks:
            if block.type == "locals":
                config.locals_ast.update(block.attrs)
            elif block.type == "include":
                config.includes.append(block)
            elif block.type == "terraform" and config.terraform_line is None:
                config.terraform_line = block.start_line
                if "source" in block.attrs:
                    config.source_ast = block.attrs["source"]
                    config.source_line = block.attr_lines.get("source", block.start_line)
        self._parsed[real] = config
        return config

    def inside_repo(self, path: str) -> Optional[str]:
        real = os.path.realpath(path)
        return real if inside(real, self.repo_root) else None

    def find_in_parent_folders(self, start: str, wanted: str) -> Optional[str]:
        current = os.path.abspath(start)
        for _ in range(MAX_PARENT_FOLDERS):
            parent = os.path.dirname(current)
            if parent == current or not inside(os.path.realpath(parent), self.repo_root):
                return None
            candidate = os.path.normpath(os.path.join(parent, wanted))
            if os.path.exists(candidate):  # a file or a folder
                return candidate
            current = parent
        return None

    def read_tfvars(self, path: str, text: str) -> Any:
        """read_tfvars_file(): the variables of a .tfvars / .tfvars.json file, as a JSON string."""
        if self.inside_repo(path) is None or not os.path.isfile(path):
            return Unknown(text)
        try:
            content = read_text(path, self.limits.max_config_bytes)
            if path.endswith(".json"):
                return json.dumps(json.loads(content))
            from agentlint.loaders.hcl_ast import parse_hcl

            parsed = parse_hcl(content, path, self.limits.max_nesting)
        except (TextFileError, HCLSyntaxError, ValueError, RecursionError):
            return Unknown(text)
        scope = Scope("", os.path.dirname(path), self.repo_root, {}, {})
        values = {name: evaluate(node, scope) for name, node in parsed.attrs.items()}
        if contains_unknown(values):
            return Unknown(text)
        return json.dumps(values)

    # A file read with read_terragrunt_config: evaluated in its own folder, its locals and inputs exposed.
    def read_config(self, path: str, original_dir: str, chain: tuple[str, ...]) -> Any:
        path = os.path.normpath(path)
        if self.inside_repo(path) is None:
            return Unknown(f"read_terragrunt_config({self.shown(path)!r}): outside the repository")
        if os.path.realpath(path) in chain or len(chain) > MAX_READ_DEPTH:
            self.error(self.display(chain[-1]), None, "unsupported",
                       f"read_terragrunt_config cycle: {' -> '.join(self.display(p) for p in chain + (os.path.realpath(path),))}")
            return Unknown("read_terragrunt_config cycle")
        if not os.path.isfile(path):
            return Unknown(f"read_terragrunt_config({self.shown(path)!r}): no such file")
        config = self.parse(path)
        if config is None:
            return Unknown(f"read_terragrunt_config({self.shown(path)!r})")
        evaluated = self.evaluate(config, os.path.dirname(path), original_dir, None, chain)
        out: dict[str, Any] = {"locals": evaluated.locals, "inputs": evaluated.inputs}
        if isinstance(evaluated.source, str):
            out["terraform"] = {"source": evaluated.source}
        return out

    def evaluate(self, config: _Config, terragrunt_dir: str, original_dir: str, include_dir: Optional[str],
                 chain: tuple[str, ...]) -> _Evaluated:
        """Evaluate `config` for the unit in `terragrunt_dir`: includes first (without locals), then locals, then
        inputs and source, then the merge with the includes."""
        chain = chain + (config.path,)
        env = _Env(self, config, terragrunt_dir, original_dir, include_dir, chain)
        includes: list[_Included] = []
        exposed: dict[str, Any] = {}
        for block in config.includes:
            inc = self._include(env, config, block, terragrunt_dir, original_dir, chain)
            if inc is None:
                continue
            includes.append(inc)
            env.include_dirs[inc.name] = os.path.dirname(inc.path)
            obj: Any = Unknown(f"include.{inc.name}" if inc.name else "include")
            if inc.evaluated is not None:
                obj = {"locals": inc.evaluated.locals, "inputs": inc.evaluated.inputs}
            if inc.name:
                exposed[inc.name] = obj
            elif isinstance(obj, dict):
                exposed.update(obj)  # the unlabelled include: include.locals, include.inputs
        env.scope.bindings["include"] = exposed
        env.use_locals()
        locals_ = {name: env.scope.local(name) for name in config.locals_ast}
        inputs = env.eval(config.inputs_ast)
        if config.inputs_ast is not None and not isinstance(inputs, (dict, Unknown)):
            inputs = Unknown("inputs")
        own_inputs = inputs
        source = env.eval(config.source_ast)
        source_line = config.source_line
        # Later includes win over earlier ones, the file itself over all of them.
        for inc in reversed(includes):
            if inc.evaluated is None or inc.strategy == "no_merge":
                continue
            inputs = _merge_inputs(inc.evaluated.inputs, inputs, inc.strategy)
            if source is None and inc.evaluated.source is not None:
                source = inc.evaluated.source
                source_line = inc.line
        return _Evaluated(config.path, locals_, inputs, source, source_line, includes, own_inputs)

    def _include(self, env: _Env, config: _Config, block: Block, terragrunt_dir: str, original_dir: str,
                 chain: tuple[str, ...]) -> Optional[_Included]:
        name = block.labels[0] if block.labels else ""
        shown_file = self.display(config.path)
        label = f"include {name!r}" if name else "include"
        path = env.eval(block.attrs.get("path"))
        if not isinstance(path, str) or not path:
            self.error(shown_file, block.start_line, "unsupported",
                       f"{label}: path {getattr(path, 'text', path)!r} cannot be decided; not followed")
            return None
        # Relative to the file holding the include block (the unit's folder for the unit's own includes).
        path = os.path.normpath(os.path.join(env.include_dir or terragrunt_dir, path))
        if self.inside_repo(path) is None:
            self.error(shown_file, block.start_line, "unsupported",
                       f"{label}: {self.shown(path)} is outside the repository; not read")
            return None
        if os.path.realpath(path) in chain or len(chain) > MAX_INCLUDE_DEPTH:
            self.error(shown_file, block.start_line, "unsupported",
                       f"include cycle: {' -> '.join(self.display(p) for p in chain + (os.path.realpath(path),))}")
            return None
        if not os.path.isfile(path):
            self.error(shown_file, block.start_line, "unreadable", f"{label}: {self.shown(path)} does not exist")
            return None
        strategy = env.eval(block.attrs.get("merge_strategy")) or "shallow"
        if strategy not in ("shallow", "deep", "no_merge"):
            strategy = "shallow"
        parent = self.parse(path)
        evaluated = None
        if parent is not None:
            evaluated = self.evaluate(parent, terragrunt_dir, original_dir, os.path.dirname(path), chain)
        return _Included(name, path, block.start_line, strategy, evaluated)

    # -- one unit ------------------------------------------------------------------------------------------

    def included_paths(self, path: str) -> set[str]:
        """The files a unit includes directly (a root terragrunt.hcl included by units is not a unit itself)."""
        config = self.parse(path, path)
        if config is None:
            return set()
        unit_dir = os.path.dirname(os.path.abspath(path))
        env = _Env(self, config, unit_dir, unit_dir, None, (config.path,))
        found = set()
        for block in config.includes:
            value = env.eval(block.attrs.get("path"))
            if isinstance(value, str) and value:
                found.add(os.path.realpath(os.path.join(unit_dir, value)))
        return found

    def unit(self, path: str) -> Optional[TerragruntRoot]:
        config = self.parse(path, path)
        if config is None:
            return None
        unit_dir = os.path.dirname(os.path.abspath(path))
        evaluated = self.evaluate(config, unit_dir, unit_dir, None, ())
        inputs = copy.deepcopy(evaluated.inputs)  # values read from shared files are not shared between units
        if isinstance(evaluated.own_inputs, Unknown):
            self.error(path, None, "unknown-argument",
                       f"inputs = {evaluated.own_inputs.text!r} cannot be decided; only included inputs and the "
                       f"module's defaults are used")
        if not isinstance(inputs, dict):
            inputs = {}
        source = evaluated.source
        line = evaluated.source_line or config.terraform_line or 1
        if source is None:
            # No terraform source: Terragrunt runs the Terraform files beside the terragrunt.hcl.
            if _has_terraform_files(unit_dir):
                here = self.shown(unit_dir)
                return TerragruntRoot(path, line, here, inputs, None, None, here)
            return TerragruntRoot(path, line, None, inputs,
                                  "no terraform { source } and no Terraform files beside it", None, None)
        if not isinstance(source, str):
            text = getattr(source, "text", repr(source))
            return TerragruntRoot(path, line, None, inputs,
                                  f"source {shown_source(text)!r} cannot be decided statically", None, None)
        module_dir, source_root, problem = self.resolve_source(source, unit_dir)
        if module_dir is not None and os.path.realpath(module_dir) == os.path.realpath(unit_dir):
            unit_files: tuple[str, ...] = ()
        else:
            unit_files = tuple(self.shown(f) for f in _terraform_files(unit_dir))
        return TerragruntRoot(path, line, module_dir and self.shown(module_dir), inputs, problem,
                              shown_source(source), source_root and self.shown(source_root), unit_files)

    def resolve_source(self, source: str, unit_dir: str) -> tuple[Optional[str], Optional[str], Optional[str]]:
        shown = shown_source(source)
        base, sub = split_source(source)
        if is_local_source(source):
            base = base.split("?", 1)[0]
            if base.startswith("file://"):
                base = base[len("file://"):]
            root = os.path.normpath(os.path.join(unit_dir, base))
            target = os.path.normpath(os.path.join(root, sub))
            if not inside(os.path.realpath(root), self.repo_root) or not inside(os.path.realpath(target), self.repo_root):
                return None, None, f"source {shown!r} leaves the repository; not followed"
            if not os.path.isdir(target):
                return None, None, f"source {shown!r}: folder {self.shown(target)} not found"
            if not _has_terraform_files(target):
                return None, None, f"source {shown!r}: no Terraform files in {self.shown(target)}"
            return target, root, None
        # A remote source: use the copy `terragrunt init` downloaded beside the unit, if any.
        candidates = []
        pattern = os.path.join(glob.escape(unit_dir), CACHE_DIR, "*", "*")
        for copy_root in glob.glob(pattern):
            real_root = os.path.realpath(copy_root)
            target = os.path.normpath(os.path.join(copy_root, sub))
            if (os.path.isdir(target) and inside(real_root, self.repo_root)
                    and inside(os.path.realpath(target), real_root) and _has_terraform_files(target)):
                candidates.append((os.path.getmtime(target), target, copy_root))
        if not candidates:
            return None, None, f"remote source {shown!r} not fetched; run terragrunt init"
        # Several copies (older versions of the source): the newest is the one Terragrunt last ran.
        candidates.sort(key=lambda c: (-c[0], c[1]))
        return candidates[0][1], candidates[0][2], None


def find_terragrunt_roots(paths: list[str], repo_root: str, limits: Optional[Limits] = None
                          ) -> tuple[list[TerragruntRoot], list[LoadError]]:
    """The units among `paths` (terragrunt.hcl files found in the scan), in the order given. Files other units
    include (an old-style root terragrunt.hcl) and copies inside .terragrunt-cache are not units."""
    loader = _Loader(repo_root, limits or Limits())
    loader.relative = not any(os.path.isabs(p) for p in paths)
    with _recursion_room(loader.limits.max_nesting):
        units, seen = [], set()
        for path in paths:
            real = os.path.realpath(path)
            if real not in seen and CACHE_DIR not in os.path.normpath(path).split(os.sep):
                seen.add(real)
                units.append(path)
        included: set[str] = set()
        for path in units:
            included |= _guarded(loader, path, loader.included_paths) or set()
        roots = []
        for path in units:
            if os.path.realpath(path) not in included:
                root = _guarded(loader, path, loader.unit)
                if root is not None:
                    roots.append(root)
    return roots, loader.errors


def _guarded(loader: _Loader, path: str, step):
    try:
        return step(path)
    except RecursionError:
        loader.error(path, None, "limit", "nested too deeply to evaluate; file skipped")
    except Exception as exc:  # noqa: BLE001 - one unit's failure is that unit's error, not the scan's
        loader.error(path, None, "parse-error", f"cannot evaluate: {exc.__class__.__name__}")
    return None
