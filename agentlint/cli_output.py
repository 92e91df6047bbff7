"""Where `agentlint scan` writes its reports, and in which format: the terminal (`--format`), one file (`-o`) and
any number of `--report FORMAT=FILE`, all rendered from the one report of the run; colour, quiet and exit codes."""

from __future__ import annotations

import os
import sys
from typing import Optional

import click

FORMATS = ["text", "json", "sarif", "github", "junit", "markdown", "gitlab"]
SEVERITIES = ["critical", "high", "medium", "low", "info"]
FAIL_ON = SEVERITIES + ["none"]  # none: findings never fail the run; unreadable inputs still exit 2


def use_colour(flag: Optional[bool], stream=None) -> bool:
    """`--color` / `--no-color` first, then NO_COLOR (https://no-color.org: set and not empty turns colour off), then
    FORCE_COLOR (set and not empty turns it on, as CI logs that render ANSI want), else whether it is a terminal. The
    order is CPython's own (3.13 `_colorize`): NO_COLOR wins over FORCE_COLOR."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return (stream or sys.stdout).isatty()


def parse_reports(values) -> list[tuple[str, str]]:
    """`--report FORMAT=FILE` (repeatable) -> [(format, file)]; a bad one is a usage error (exit 2)."""
    reports = []
    for value in values:
        fmt, sep, path = value.partition("=")
        fmt = fmt.strip().lower()
        if not sep or not path:
            raise click.BadParameter(f"{value!r}: expected FORMAT=FILE, e.g. sarif=agentlint.sarif",
                                     param_hint="'--report'")
        if fmt not in FORMATS:
            raise click.BadParameter(f"{value!r}: unknown format {fmt!r} (one of {', '.join(FORMATS)})",
                                     param_hint="'--report'")
        reports.append((fmt, path))
    return reports


def quiet_report(report):
    """`-q`: the findings, the errors that make the run exit 2, and the summary; no agent inventory, no notices."""
    return report.model_copy(update={"agents": [], "notices": []})


def render(fmt: str, report, config, colour: bool, agents: bool = False, terminal: bool = False,
           drift: Optional[dict] = None) -> str:
    """`agents`: the text report lists the agents (--agents); `terminal`: wrap text to the terminal's width;
    `drift`: the scope drift of `scan --diff-base` (text and markdown show it)."""
    if fmt == "json":
        from agentlint.outputs.json_report import render

        return render(report)
    if fmt == "sarif":
        from agentlint.rule.selection import selected_rules
        from agentlint.outputs.sarif import render

        return render(report, selected_rules(config))
    if fmt == "junit":
        from agentlint.rule.selection import selected_rules
        from agentlint.outputs.junit import render

        return render(report, selected_rules(config))
    if fmt == "github":
        from agentlint.outputs.github import render

        return render(report)
    if fmt == "markdown":
        from agentlint.outputs.markdown import render

        return render(report, drift=drift)
    if fmt == "gitlab":
        from agentlint.outputs.gitlab import render

        return render(report)
    from agentlint.outputs.text import render, terminal_width

    return render(report, colour=colour, agents=agents, width=terminal_width() if terminal else None, drift=drift)


def write_file(path: str, text: str) -> None:
    from agentlint.values import scrub

    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(scrub(text))
    except OSError as exc:
        click.echo(f"agentlint: cannot write {path}: {exc.strerror}", err=True)
        sys.exit(2)


def deliver(body: str, output: Optional[str], errors: list[dict]) -> None:
    """A rendered inventory or drift report to the -o file or standard output, then each input error on standard
    error with its file and line (the report's JSON lists them too)."""
    if output:
        write_file(output, body)
    else:
        click.echo(body, nl=False)
    for e in errors:
        click.echo(f"agentlint: {e['path']}{':' + str(e['line']) if e.get('line') else ''}: {e['kind']}: "
                   f"{e['message']}", err=True)


def exit_code(report, fail_on: str) -> int:
    """0 / 1 / 2 as documented; `--fail-on none` never fails on findings, but an unreadable input is still 2."""
    from agentlint.gate import exit_code as gate
    from agentlint.model import Severity

    if fail_on == "none":
        return 2 if report.errors else 0
    return gate(report, Severity(fail_on))


def _load_rules_dirs(ctx, param, folders) -> None:
    from agentlint.rule.registry import CustomRuleError, DuplicateRuleError, add_rules_dir

    for folder in folders:
        try:
            add_rules_dir(folder)
        except (CustomRuleError, DuplicateRuleError, ValueError) as exc:
            click.echo(f"agentlint: {exc}", err=True)
            sys.exit(2)


def rules_dir_option(command):
    """`--rules-dir DIR` (repeatable): custom rules, loaded before anything else of the command runs. Only from the
    command line: a configuration file is part of the scanned tree, and its code must never run in the gate."""
    return click.option("--rules-dir", "rules_dirs", multiple=True, expose_value=False, is_eager=True,
                        type=click.Path(exists=True, file_okay=False), callback=_load_rules_dirs,
                        help="Also run the rules of the Python modules in this folder (repeatable; see "
                             "CONTRIBUTING.md for the rule contract).")(command)


def progress():
    """A progress line on stderr for long scans, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    from agentlint.outputs.progress import Progress

    return Progress(sys.stderr)
