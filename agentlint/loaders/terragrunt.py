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
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

from agentlint.loaders.hcl_eval import Scope, contains_unknown, evaluate
from agentlint.loaders.parsed import Block, HCLSyntaxError, NestingLimit
from agentlint.loaders.repository import inside
from agentlint.loaders.textfile import TextFileError, read_text
from agentlint.model import Limits, LoadError
from agentlint.values import Unknown, redact

CACHE_DIR = ".terragrunt-cache"
DEFAULT_CONFIG = "terragrunt.hcl"
TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
MAX_INCLUDE_DEPTH = 10
MAX_READ_DEPTH = 20
MAX_PARENT_FOLDERS = 100

# Terragrunt functions answered here from the file system layout (see _Env._call).
_PATH_FUNCTIONS = {
    "get_terragrunt_dir", "get_original_terragrunt_dir", "get_parent_terragrunt_dir", "path_relative_to_include",
    "path_relative_from_include", "find_in_parent_folders", "read_terragrunt_config", "get_path_from_repo_root",
    "get_path_to_repo_root", "get_repo_root", "mark_as_read", "read_tfvars_file",
    # Terraform path functions the shared evaluator does not know, common in Terragrunt include paths.
    "dirname", "basename", "abspath", "fileexists",
}
# Terragrunt functions that run programs, read the environment or secrets, or call a cloud API: never evaluated.
_OPAQUE_FUNCTIONS = {
    "run_cmd", "get_env", "sops_decrypt_file", "get_aws_account_id", "get_aws_account_alias",
    "get_aws_caller_identity_arn", "get_aws_caller_identity_user_id", "get_terraform_command",
    "get_terraform_cli_args", "get_terraform_commands_that_need_vars", "get_terraform_commands_that_need_input",
    "get_terraform_commands_that_need_locking", "get_terraform_commands_that_need_parallelism",
    "get_platform", "get_working_dir", "get_terragrunt_source_cli_flag", "get_default_retryable_errors",
    "constraint_check", "timecmp", "timestamp", "uuid", "templatefile", "fileset",
}
# Roots Terragrunt resolves at run time (dependency outputs, feature flags, stack values).
_RUNTIME_ROOTS = ("dependency", "dependencies", "feature", "values", "unit", "stack")


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


# -- parsing -------------------------------------------------------------------------------------------------


@dataclass
class _Config:
    """One parsed Terragrunt file, expressions unevaluated."""

    path: str
    locals_ast: dict[str, tuple] = field(default_factory=dict)
    inputs_ast: Optional[tuple] = None
    source_ast: Optional[tuple] = None
    source_line: Optional[int] = None
    terraform_line: Optional[int] = None
    includes: list[Block] = field(default_factory=list)


def _parse_unpruned(text: str, path: str, max_nesting: int):
    """hcl_ast.parse_hcl without its pruning: Terragrunt's `terraform` and `include` blocks carry what we need."""
    from lark import Tree
    from lark.exceptions import LarkError
    from hcl2.api import parses_to_tree

    from agentlint.loaders import hcl_ast

    try:
        tree = parses_to_tree(text)
    except LarkError as exc:
        line = getattr(exc, "line", None)
        raise HCLSyntaxError(hcl_ast._syntax_message(exc), line if isinstance(line, int) and line > 0 else None) from None
    converter = hcl_ast._Converter(text, max_nesting)
    body = tree.children[0]
    attrs: dict[str, tuple] = {}
    attr_lines: dict[str, int] = {}
    with _recursion_room(max_nesting):
        for c in body.children:
            if isinstance(c, Tree) and c.data == "attribute":
                name = hcl_ast._tokens_text(c.children[0]).strip().strip('"')
                attrs[name] = converter.expr(c.children[-1])
                attr_lines[name] = c.meta.line
        blocks = converter.body_blocks(body)
    return attrs, attr_lines, blocks


class _recursion_room:
    """Each nesting level costs a few Python frames (parse, rewrite, evaluate)."""

    def __init__(self, max_nesting: int):
        self.needed = max_nesting * 8 + 500

    def __enter__(self):
        self.previous = sys.getrecursionlimit()
        if self.needed > self.previous:
            sys.setrecursionlimit(self.needed)

    def __exit__(self, *exc):
        if self.needed > self.previous:
            sys.setrecursionlimit(self.previous)


# -- sources -------------------------------------------------------------------------------------------------

_GETTER = re.compile(r"^[A-Za-z0-9]+::")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_USERINFO = re.compile(r"(://)[^/@\s]+@")


def shown_source(source: str) -> str:
    """A source for messages: user names and tokens in URLs are not shown."""
    return redact(_USERINFO.sub(r"\1***@", source))


def is_local_source(source: str) -> bool:
    if source.startswith(("./", "../", "/", "file://")) or source in (".", ".."):
        return True
    if _GETTER.match(source) or _SCHEME.match(source):
        return False
    first = source.split("/", 1)[0]
    # github.com/org/repo, bitbucket.org/..., git@github.com:org/repo.git, s3-eu-west-1.amazonaws.com/...
    return "." not in first and "@" not in first and ":" not in first


def split_source(source: str) -> tuple[str, str]:
    """(what is copied, subfolder): `git::https://h/r.git//modules/x?ref=v1` -> (`git::https://h/r.git?ref=v1`,
    `modules/x`); `../../modules//agent` -> (`../../modules`, `agent`)."""
    rest = _GETTER.sub("", source)
    getter = source[:len(source) - len(rest)]
    scheme = _SCHEME.match(rest)
    start = scheme.end() if scheme else 0
    query = ""
    if "?" in rest[start:]:
        cut = rest.index("?", start)
        rest, query = rest[:cut], rest[cut:]
    cut = rest.find("//", start)
    if cut < 0:
        return getter + rest + query, ""
    return getter + rest[:cut] + query, rest[cut + 2:].strip("/")


def _terraform_files(folder: str) -> list[str]:
    """The Terraform files of a folder (hidden files are not copied by Terragrunt, nor read here)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [os.path.join(folder, name) for name in names
            if name.endswith(TERRAFORM_SUFFIXES) and not name.startswith(".")
            and os.path.isfile(os.path.join(folder, name))]


def _has_terraform_files(folder: str) -> bool:
    return bool(_terraform_files(folder))


# -- evaluation ----------------------------------------------------------------------------------------------


class _LazyLocals(Mapping):
    """A config's locals, rewritten (Terragrunt functions answered) when first read."""

    def __init__(self, raw: dict[str, tuple], env: "_Env"):
        self._raw = raw
        self._env = env
        self._done: dict[str, tuple] = {}

    def __getitem__(self, name: str) -> tuple:
        if name not in self._done:
            self._done[name] = self._env.rewrite(self._raw[name])
        return self._done[name]

    def __contains__(self, name: object) -> bool:
        return name in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


@dataclass
class _Included:
    name: str
    path: str
    line: int
    strategy: str  # shallow | deep | no_merge
    evaluated: Optional["_Evaluated"]


@dataclass
class _Evaluated:
    """A config evaluated for one unit."""

    path: str
    locals: dict[str, Any]
    inputs: Any  # dict, or Unknown
    source: Any  # str, Unknown, or None when the file has no terraform source
    source_line: Optional[int]
    includes: list[_Included]
    own_inputs: Any = None  # the file's own `inputs`, before the merge


class _Env:
    """What the expressions of one file see: its locals, the includes, and the Terragrunt path functions.

    `terragrunt_dir` is the unit's folder (the file's own folder for files read by read_terragrunt_config);
    `include_dir` the folder of the file being evaluated as an include, or None for the unit itself."""

    def __init__(self, loader: "_Loader", config: _Config, terragrunt_dir: str, original_dir: str,
                 include_dir: Optional[str], chain: tuple[str, ...]):
        self.loader = loader
        self.config = config
        self.terragrunt_dir = terragrunt_dir
        self.original_dir = original_dir
        self.include_dir = include_dir
        self.chain = chain
        self.include_dirs: dict[str, str] = {}  # include label -> folder of the included file (the unit's includes)
        self.scope = Scope("", terragrunt_dir, loader.repo_root, {}, {})
        self.scope.bindings = {root: Unknown(root) for root in _RUNTIME_ROOTS}

    def use_locals(self) -> None:
        self.scope.locals_ast = _LazyLocals(self.config.locals_ast, self)

    def eval(self, node: Optional[tuple]) -> Any:
        if node is None:
            return None
        return evaluate(self.rewrite(node), self.scope)

    # The existing evaluator knows Terraform's functions, not Terragrunt's: answer those here, in the expression
    # tree, before it is evaluated. Arguments are evaluated in this file's scope.
    def rewrite(self, node: tuple) -> tuple:
        kind = node[0]
        if kind == "C":
            name = node[1]
            if name in _PATH_FUNCTIONS or name in _OPAQUE_FUNCTIONS:
                value = self._call(name, node[2], node[3]) if name in _PATH_FUNCTIONS else Unknown(node[3])
                return ("X", node[3], []) if isinstance(value, Unknown) else ("L", value)
            return ("C", name, [self.rewrite(a) for a in node[2]], node[3])
        if kind == "T":
            return ("T", [p if isinstance(p, str) else self.rewrite(p) for p in node[1]])
        if kind == "R":
            steps = [("i", self.rewrite(s[1])) if s[0] == "i" else s for s in node[2]]
            return ("R", node[1], steps, node[3])
        if kind == "O":
            return ("O", [(self.rewrite(k), self.rewrite(v)) for k, v in node[1]])
        if kind == "U":
            return ("U", [self.rewrite(n) for n in node[1]])
        if kind == "Q":
            return ("Q", self.rewrite(node[1]), self.rewrite(node[2]), self.rewrite(node[3]), node[4])
        if kind == "B":
            return ("B", node[1], self.rewrite(node[2]), self.rewrite(node[3]), node[4])
        if kind == "N":
            return ("N", node[1], self.rewrite(node[2]), node[3])
        if kind == "S":  # steps on an expression's result: `jsondecode(read_tfvars_file("x")).size`
            steps = [("i", self.rewrite(s[1])) if s[0] == "i" else s for s in node[2]]
            return ("S", self.rewrite(node[1]), steps, node[3])
        if kind == "X":
            return self._call_with_steps(node)
        return node

    def _call_with_steps(self, node: tuple) -> tuple:
        """`read_terragrunt_config(find_in_parent_folders("region.hcl")).locals.region`: the parser keeps an
        attribute of a call's result as opaque text; read the call and the attribute steps back from it."""
        m = _CALL_STEPS.match(node[1])
        if m is None:
            return node
        from lark.exceptions import LarkError

        from agentlint.loaders.hcl_ast import parse_expression

        try:
            call = parse_expression(m.group(1))
        except (LarkError, StopIteration, RecursionError, ValueError):
            return node
        if call[0] != "C":
            return node
        steps = []
        for name, index, key in _STEP.findall(m.group(2)):
            steps.append(("a", name) if name else ("i", ("L", int(index) if index else key)))
        value = evaluate(self.rewrite(call), self.scope)
        for kind, step in steps:
            if isinstance(value, dict) and kind == "a" and step in value:
                value = value[step]
            elif kind == "i" and isinstance(value, dict) and isinstance(step[1], str) and step[1] in value:
                value = value[step[1]]
            elif (kind == "i" and isinstance(value, list) and isinstance(step[1], int)
                  and -len(value) <= step[1] < len(value)):
                value = value[step[1]]
            else:
                return node
        return node if isinstance(value, Unknown) else ("L", value)

    def _args(self, arg_nodes: list) -> list:
        return [evaluate(self.rewrite(a), self.scope) for a in arg_nodes]

    def _named_include_dir(self, args: list) -> Any:
        if self.include_dir is not None:
            return self.include_dir
        if args:
            if not isinstance(args[0], str):
                return Unknown("include name")
            return self.include_dirs.get(args[0], Unknown(args[0]))
        if len(self.include_dirs) > 1:
            return Unknown("include name")  # several includes: the function needs the include's name
        return next(iter(self.include_dirs.values()), None)

    def _call(self, name: str, arg_nodes: list, text: str) -> Any:
        args = self._args(arg_nodes)
        if any(isinstance(a, Unknown) for a in args):
            return Unknown(text)
        root = self.loader.repo_root
        if name == "get_terragrunt_dir":
            return self.terragrunt_dir
        if name == "get_original_terragrunt_dir":
            return self.original_dir
        if name == "get_repo_root":
            return root
        if name == "get_path_from_repo_root":
            return _slash(os.path.relpath(self.terragrunt_dir, root))
        if name == "get_path_to_repo_root":
            return _slash(os.path.relpath(root, self.terragrunt_dir))
        if name in ("get_parent_terragrunt_dir", "path_relative_to_include", "path_relative_from_include"):
            parent = self._named_include_dir(args)
            if isinstance(parent, Unknown):
                return Unknown(text)
            if name == "get_parent_terragrunt_dir":
                return parent if parent is not None else self.terragrunt_dir
            if parent is None:
                return "."
            if name == "path_relative_to_include":
                return _slash(os.path.relpath(self.terragrunt_dir, parent))
            return _slash(os.path.relpath(parent, self.terragrunt_dir))
        if name == "find_in_parent_folders":
            wanted = args[0] if args else DEFAULT_CONFIG
            if not isinstance(wanted, str) or not wanted:
                return Unknown(text)
            found = self.loader.find_in_parent_folders(self.terragrunt_dir, wanted)
            if found is not None:
                return found
            return args[1] if len(args) > 1 else Unknown(text)
        if name == "read_terragrunt_config":
            if not args or not isinstance(args[0], str):
                return Unknown(text)
            path = os.path.join(self.terragrunt_dir, args[0])
            if len(args) > 1 and not os.path.exists(path):
                return args[1]  # the default is for a file that does not exist
            value = self.loader.read_config(path, self.original_dir, self.chain + (self.config.path,))
            return Unknown(text) if isinstance(value, Unknown) else value
        if name in ("dirname", "basename", "abspath", "fileexists"):
            if len(args) != 1 or not isinstance(args[0], str):
                return Unknown(text)
            if name == "dirname":  # as Go's filepath.Dir, which Terraform uses
                return os.path.normpath(os.path.dirname(args[0]) or ".")
            if name == "basename":  # as Go's filepath.Base
                return os.path.basename(args[0].rstrip("/")) or ("/" if args[0].startswith("/") else ".")
            path = os.path.normpath(os.path.join(self.terragrunt_dir, args[0]))
            if name == "abspath":
                return path
            # fileexists is relative to the file's folder, like file(); nothing outside the repository is probed.
            return os.path.isfile(path) if self.loader.inside_repo(path) else Unknown(text)
        if name == "mark_as_read" and len(args) == 1:
            return args[0]  # only marks the file for `run --all --queue-include-units-reading`
        if name == "read_tfvars_file" and len(args) == 1 and isinstance(args[0], str):
            return self.loader.read_tfvars(os.path.join(self.terragrunt_dir, args[0]), text)
        return Unknown(text)


_CALL_STEPS = re.compile(r'^\s*([A-Za-z_][\w]*\s*\(.*\))((?:\s*\.\s*[A-Za-z_][\w-]*|\s*\[\s*(?:\d+|"[^"\\]*")\s*\])+)\s*$',
                         re.DOTALL)
_STEP = re.compile(r'\.\s*([A-Za-z_][\w-]*)|\[\s*(?:(\d+)|"([^"\\]*)")\s*\]')


def _slash(path: str) -> str:
    return path.replace(os.sep, "/")


def _deep_merge(parent: Any, child: Any) -> Any:
    if isinstance(parent, dict) and isinstance(child, dict):
        out = dict(parent)
        for key, value in child.items():
            out[key] = _deep_merge(parent[key], value) if key in parent else value
        return out
    if isinstance(parent, list) and isinstance(child, list):
        return parent + child
    return child


def _merge_inputs(parent: Any, child: Any, strategy: str) -> Any:
    if strategy == "no_merge" or not isinstance(parent, dict):
        return child
    if child is None:
        return dict(parent)
    if not isinstance(child, dict):
        # An undecidable `inputs` could set any key: the included ones are what is known (the unit reports it).
        return dict(parent)
    if strategy == "deep":
        return _deep_merge(parent, child)
    return {**parent, **child}


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
