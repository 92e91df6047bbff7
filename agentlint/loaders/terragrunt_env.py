"""Evaluating a Terragrunt file's expressions: Terragrunt's functions (path functions from the file system
layout, `read_terragrunt_config`, includes) over hcl_eval, and the merge of included inputs. Functions that run a
program, read the environment or call a cloud API stay Unknown."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Optional

from agentlint.loaders.hcl_eval import Scope, evaluate
from agentlint.loaders.terragrunt_parse import _Config
from agentlint.loaders.terragrunt_sources import DEFAULT_CONFIG
from agentlint.values import Unknown

if TYPE_CHECKING:
    from agentlint.loaders.terragrunt import _Loader


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
