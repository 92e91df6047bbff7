"""`agentlint drift` and the `--fail-on-drift` gate of `scan --diff-base` (README, "Scope drift").

Kept beside cli.py (which registers the command and calls the helpers below) so that cli.py stays small.
Exit codes, as for `scan`: 0; 1 when an agent's scope grew at or above `--fail-on-drift` (or `fail-on-drift` in the
configuration); 2 for a usage or configuration error, an unreadable input on either side, or git failing.
"""

from __future__ import annotations

import os
import sys

import click

from agentlint.cli import _input_options, _load_config, _plan_options, _variables, with_options

DRIFT_LEVELS = ("any", "sensitive", "permissions-management", "admin")
DRIFT_FORMATS = ("text", "json", "markdown")


def fail_on_drift_option(fn):
    return click.option("--fail-on-drift", "fail_on_drift", type=click.Choice(DRIFT_LEVELS, case_sensitive=False),
                        help="With --diff-base: exit 1 when an agent's scope grew at this level or above (any, "
                             "sensitive, permissions-management, admin), whatever --fail-on says.")(fn)


def scan_drift(diff_base, paths, config, no_cache: bool, root, variables, plan_options, graph=None, report=None):
    """`scan --diff-base REF`: the scope drift of the scanned paths since REF (None without --diff-base). `graph`
    and `report`: the working tree's, already made by the scan from the same inputs (the report with every finding,
    before the change filter)."""
    if not diff_base:
        return None
    from agentlint.changes import ChangeError
    from agentlint.drift.sources import code_drift

    named = [p for p in paths if p != "-"]
    try:
        return code_drift(diff_base, named, config, use_cache=not no_cache, root=root, variables=variables,
                          plan_options=plan_options, after_graph=graph,
                          after_report=report) if named else None
    except ChangeError as exc:
        click.echo(f"agentlint: {exc}", err=True)
        sys.exit(2)


def gate(code: int, drift, threshold) -> int:
    """The exit code with the drift gate applied: 2 stays 2 (an input not read, on either side), else 1 when some
    agent grew at or above the threshold, else the code as it was."""
    if drift is not None and drift["errors"]:
        return 2
    if code == 2 or drift is None or not threshold:
        return code
    from agentlint.drift.compare import reaches

    return 1 if reaches(drift, threshold.lower()) else code


def check_gate_option(fail_on_drift, diff_base) -> None:
    if fail_on_drift and not diff_base:
        click.echo("agentlint: --fail-on-drift needs --diff-base REF (the revision to compare with)", err=True)
        sys.exit(2)


def render(fmt: str, drift: dict) -> str:
    from agentlint.outputs import drift_text

    if fmt == "markdown":
        from agentlint.outputs.drift_markdown import to_markdown

        return to_markdown(drift)
    return {"text": drift_text.to_text, "json": drift_text.to_json}[fmt](drift)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--base", metavar="REF", help="Code: the git revision to compare the working tree with (read with "
              "git only: no checkout, hooks or filters). Without it, PATH is a plan JSON: its prior state is "
              "compared with its planned values.")
@click.option("--format", "fmt", type=click.Choice(DRIFT_FORMATS, case_sensitive=False), default="text",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file.")
@fail_on_drift_option
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Configuration file (as for `scan`).")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A .tfvars file applied to every root module (repeatable).")
@click.option("--exclude", "excludes", multiple=True, metavar="PATTERN", help="Do not read these paths.")
@click.option("--respect-gitignore", is_flag=True, help="Skip files the repository's .gitignore files ignore.")
@click.option("--no-cache", is_flag=True, envvar="AGENTLINT_NO_CACHE", help="Parse every file again.")
@_input_options
def drift(paths, base, fmt, output, fail_on_drift, config_path, var_files, excludes, respect_gitignore, no_cache,
          root, var_args):
    """What each agent gained and lost: the working tree against git REF (--base), or a plan's prior state against
    its planned values."""
    from agentlint.changes import ChangeError
    from agentlint.cli_output import deliver
    from agentlint.drift.sources import code_drift, plan_drift
    from agentlint.values import scrub

    config, _ = _load_config(config_path)
    config = with_options(config, {}, var_files, (), (), respect_gitignore, excludes)
    variables = _variables(var_args)
    try:
        if base:
            result = code_drift(base, list(paths), config, use_cache=not no_cache, root=root, variables=variables,
                                plan_options=_plan_options(False, None, ()))
        else:
            if len(paths) != 1 or not os.path.isfile(paths[0]):
                click.echo("agentlint: drift without --base compares one plan JSON file (its prior state and "
                           "planned values); for code, name the revision with --base REF", err=True)
                sys.exit(2)
            result = plan_drift(paths[0], config, use_cache=not no_cache, variables=variables)
    except ChangeError as exc:
        click.echo(f"agentlint: {exc}", err=True)
        sys.exit(2)
    body = scrub(render(fmt.lower(), result))
    deliver(body, output, result["errors"])
    sys.exit(gate(0, result, fail_on_drift or config.fail_on_drift))
