"""Configuration: `[tool.agentlint]` in pyproject.toml or a `.agentlint.toml`, validated, unknown keys rejected.

Discovery: `--config FILE`, else the nearest folder, from the current one up to the repository root (the enclosing
git work tree; only the current folder outside one), holding `.agentlint.toml` or a `pyproject.toml` with a
`[tool.agentlint]` table (`.agentlint.toml` first in a folder). `var-files` in a discovered file are relative to
its folder. Command-line options win over the file.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from agentlint.model import Limits, Severity



class ConfigError(Exception):
    pass


class AgentsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    include: list[str] = Field(default_factory=list, description="Address patterns (fnmatch) that are agents.")
    exclude: list[str] = Field(default_factory=list, description="Address patterns that are never agents.")
    tags: dict[str, str] = Field(default_factory=dict,
                                 description="Extra tag/label keys that mark an agent, with the value required ('*' for any).")


class RuleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    enabled: Optional[bool] = Field(None, description="false turns the rule off (same as listing it in ignore).")
    severity: Optional[Severity] = Field(None, description="Severity for this rule's findings on agent identities "
                                                           "(findings on other identities stay one level lower).")
    options: dict[str, Any] = Field(default_factory=dict, description="The rule's own settings (see `agentlint "
                                                                      "explain <id>`).")


class LimitsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    max_config_bytes: int = Field(Limits.max_config_bytes, alias="max-config-bytes", gt=0,
                                  description="Largest .tf/.tofu/.tf.json/.tfvars file read; larger ones are reported.")
    max_plan_bytes: int = Field(Limits.max_plan_bytes, alias="max-plan-bytes", gt=0,
                                description="Largest plan JSON file read; larger ones are reported.")
    max_nesting: int = Field(Limits.max_nesting, alias="max-nesting", gt=0, le=1_000,
                             description="Deepest nesting of HCL expressions/blocks and JSON values read.")

    max_instances: int = Field(Limits.max_instances, alias="max-instances", gt=0, le=1_000_000,
                               description="Most instances read per resource or module call (count / for_each), and "
                                           "module instances per root module; more are reported as a limit notice.")

    max_iterations: int = Field(Limits.max_iterations, alias="max-iterations", gt=0, le=100_000_000,
                                description="Most loop iterations and function calls evaluated per module instance; "
                                            "past it values are unknown and a `limit` error names the resource.")
    max_eval_seconds: float = Field(Limits.max_eval_seconds, alias="max-eval-seconds", gt=0, le=600,
                                    description="Longest wall time of one evaluation (a resource's attributes, a "
                                                "module instance's inputs); past it, as for max-iterations.")

    max_string: int = Field(Limits.max_string, alias="max-string", gt=0, le=100_000_000,
                            description="Longest string one expression may build; past it the value is unknown and a "
                                        "`limit` error names the resource.")
    max_elements: int = Field(Limits.max_elements, alias="max-elements", gt=0, le=10_000_000,
                              description="Largest collection one expression may build; past it, as for max-string.")

    def limits(self) -> Limits:
        return Limits(max_config_bytes=self.max_config_bytes, max_plan_bytes=self.max_plan_bytes,
                      max_nesting=self.max_nesting, max_instances=self.max_instances,
                      max_iterations=self.max_iterations, max_eval_seconds=self.max_eval_seconds,
                      max_string=self.max_string, max_elements=self.max_elements)


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    fail_on: Union[Severity, Literal["none"]] = Field(
        Severity.MEDIUM, alias="fail-on",
        description="Exit 1 when a finding has this severity or higher; none: findings never fail the run (an input "
                    "that cannot be read still exits 2).")
    select: list[str] = Field(default_factory=list, description="Rule ids, id prefixes or names to run (default: all).")
    ignore: list[str] = Field(default_factory=list, description="Rule ids, id prefixes or names not to run.")
    exclude: list[str] = Field(default_factory=list, description=(
        "Paths not to scan: gitignore patterns, relative to the folder of this configuration file."))
    respect_gitignore: bool = Field(False, alias="respect-gitignore",
                                    description="Skip what the repository's .gitignore files ignore (off by default: "
                                                "Terraform reads gitignored tfvars and .terraform/ modules).")
    var_files: list[str] = Field(default_factory=list, alias="var-files",
                                 description="Variable files applied to every root module.")
    fail_on_drift: Optional[Literal["any", "sensitive", "permissions-management", "admin"]] = Field(
        None, alias="fail-on-drift", description="`scan --diff-base` and `drift`: exit 1 when an agent's scope grows "
                                                 "at this level or above (README, Scope drift).")
    agents: AgentsConfig = Field(default_factory=AgentsConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    rules: dict[str, RuleConfig] = Field(default_factory=dict, description="Per-rule settings, by id or name.")
    # Where `exclude` patterns are anchored: the configuration file's folder (None: the repository root).
    _exclude_base: Optional[str] = PrivateAttr(default=None)
    _cli_exclude: list[str] = PrivateAttr(default_factory=list)

    def with_cli_exclude(self, patterns) -> "Config":
        """A copy with `--exclude` patterns added (relative to the repository root)."""
        copy = self.model_copy()
        copy._cli_exclude = list(self._cli_exclude) + list(patterns)
        return copy

    def exclude_rules(self) -> list[tuple[Optional[str], str]]:
        """(folder the pattern is relative to, or None for the repository root; pattern) for the loaders."""
        return [(self._exclude_base, p) for p in self.exclude] + [(None, p) for p in self._cli_exclude]

    @field_validator("fail_on", mode="before")
    @classmethod
    def _any_case(cls, value):
        """`fail-on = "HIGH"` as the command line takes it (values are case-insensitive)."""
        return value.lower() if isinstance(value, str) else value

    @property
    def fail_on_name(self) -> str:
        """The threshold as reports and the exit code take it: a severity, or `none`."""
        return getattr(self.fail_on, "value", self.fail_on)


def load_config(path: Optional[str] = None, cwd: Optional[str] = None) -> tuple[Config, Optional[str]]:
    cwd = cwd or os.getcwd()
    if path:
        return _from_file(path, table=None if not path.endswith("pyproject.toml") else ("tool", "agentlint")), path
    for folder in _up_to_repository_root(cwd):
        found = _config_in(folder)
        if found is not None:
            config, source = found
            return _relative_to(config, folder, cwd), source
    return Config(), None


def _up_to_repository_root(cwd: str) -> list[str]:
    """The current folder and its parents, up to and including the repository root."""
    from agentlint.loaders.repository import find_repository_root

    folder = os.path.abspath(cwd)
    root = find_repository_root(folder)
    folders = [folder]
    while folder != root and folder.startswith(root.rstrip(os.sep) + os.sep):
        folder = os.path.dirname(folder)
        folders.append(folder)
    return folders


def _config_in(folder: str) -> Optional[tuple[Config, str]]:
    dotfile = os.path.join(folder, ".agentlint.toml")
    if os.path.isfile(dotfile):
        return _from_file(dotfile, table=None), dotfile
    pyproject = os.path.join(folder, "pyproject.toml")
    if os.path.isfile(pyproject):
        data = _read_toml(pyproject)
        if "agentlint" in data.get("tool", {}):
            return _validate(data["tool"]["agentlint"], pyproject), pyproject
    return None


def _relative_to(config: Config, folder: str, cwd: str) -> Config:
    """Variable files named by a file found in a parent folder are where that file says: relative to its folder."""
    if os.path.abspath(folder) == os.path.abspath(cwd) or not config.var_files:
        return config
    moved = [v if os.path.isabs(v) else os.path.relpath(os.path.join(folder, v), cwd) for v in config.var_files]
    return config.model_copy(update={"var_files": moved})


def _read_toml(path: str) -> dict:
    from agentlint.loaders.textfile import TextFileError, read_text

    try:
        return _toml().loads(read_text(path, 5_000_000))
    except TextFileError as exc:  # also a device or FIFO: a configuration file must not hang the run
        raise ConfigError(f"{path}: cannot read ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply") from None
    except _toml().TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _from_file(path: str, table: Optional[tuple[str, ...]]) -> Config:
    data: Any = _read_toml(path)
    for key in table or ():
        data = data.get(key, {})
    return _validate(data, path)


def _validate(data: Any, path: str) -> Config:
    try:
        config = Config.model_validate(data)
        config._exclude_base = os.path.dirname(os.path.abspath(path))
        return config
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "(top level)"
            if err["type"] == "extra_forbidden":
                problems.append(f"unknown key {where!r}")
            else:
                problems.append(f"{where}: {err['msg']}")
        raise ConfigError(f"{path}: " + "; ".join(problems)) from None


def json_schema() -> dict:
    return Config.model_json_schema(by_alias=True)


def _toml():
    """The TOML reader, imported when a configuration file is read (most scans have none)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    return tomllib
