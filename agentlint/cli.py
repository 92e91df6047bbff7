"""The `agentlint` command. Imports of the scanner happen inside the commands, so `--help` and `rules` start fast.

Exit codes (every command, every format): 0 nothing at or above the failure threshold; 1 findings at or above it;
2 usage or configuration error, or an input that could not be read (the report still lists what was found).
"""

from __future__ import annotations

import os
import sys
from typing import Optional

import click

# pydantic scans every installed distribution's entry points for plugins when its first model class is built (80 ms
# with a hundred packages, at every start); the command line uses none. Before agentlint's records are imported.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from agentlint import DISTRIBUTION, __version__  # noqa: E402

from agentlint.cli_output import FAIL_ON, FORMATS, SEVERITIES, rules_dir_option  # noqa: F401 - SEVERITIES: API


class _Group(click.Group):
    def main(self, *args, **kwargs):
        # click exits 2 for usage errors already; make sure nothing else escapes as a traceback.
        import gc
        import os

        # One short process whose objects nearly all live until it exits: the cyclic collector would walk them
        # again and again (during imports, and once more when the scan re-enabled it) and free next to nothing.
        gc.disable()
        try:
            return super().main(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo("agentlint: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:  # never a traceback for the user; AGENTLINT_DEBUG=1 shows it
            if os.environ.get("AGENTLINT_DEBUG"):
                raise
            click.echo(f"agentlint: internal error: {exc.__class__.__name__}: {exc}\n"
                       "Please report it with the input that caused it (run with AGENTLINT_DEBUG=1 for details).",
                       err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="agentlint",
                      message=f"%(prog)s, version %(version)s (distribution {DISTRIBUTION})")
def main() -> None:
    """Find convenience provisioning around AI-agent identities in Terraform/OpenTofu code and plans."""
    from agentlint.hcl2_check import check_hcl2

    check_hcl2()


def with_options(config, updates: dict, var_files, select, ignore, respect_gitignore: bool, excludes):
    """The configuration with the options `scan` and `inventory` share (command line over file), selectors checked."""
    if var_files:
        updates["var_files"] = list(config.var_files) + list(var_files)
    if select:
        updates["select"] = _selectors(select)
    if ignore:
        updates["ignore"] = list(config.ignore) + _selectors(ignore)
    if respect_gitignore:
        updates["respect_gitignore"] = True
    config = config.model_copy(update=updates).with_cli_exclude(excludes)
    _check_selectors(config)
    return config


def _load_config(config_path: Optional[str]):
    from agentlint.config import ConfigError, load_config
    from agentlint.rule.selection import check_rule_keys

    try:
        config, source = load_config(config_path)
    except ConfigError as exc:
        click.echo(f"agentlint: configuration error: {exc}", err=True)
        sys.exit(2)
    problems = check_rule_keys(config)
    if problems:
        click.echo(f"agentlint: configuration error: {source}: {'; '.join(problems)}", err=True)
        sys.exit(2)
    return config, source


def _selectors(values) -> list[str]:
    """`--select AL201,AL501` is two selectors, as `--select AL201 --select AL501`."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _check_selectors(config) -> None:
    """A selector that names no rule is a usage error: `--select NOPE` must not turn every rule off silently."""
    from agentlint.rule.selection import unknown_selectors

    problems = unknown_selectors(config)
    if problems:
        click.echo(f"agentlint: {'; '.join(problems)}", err=True)
        sys.exit(2)


def _input_options(fn):
    """--root and --var: where the repository is, and variable values, as for every command that reads code."""
    fn = click.option("--var", "var_args", multiple=True, metavar="NAME=VALUE",
                      help="A value for a root module variable, as `terraform plan -var` (repeatable; wins over "
                           "tfvars files and TF_VAR_* environment variables, which are read too).")(fn)
    fn = click.option("--root", type=click.Path(exists=True, file_okay=False),
                      help="The repository root: local module sources are followed anywhere inside it (default: the "
                           "enclosing git work tree, else the folder named).")(fn)
    return fn


def _variables(var_args) -> dict:
    """TF_VAR_* from the environment, then --var: Terraform's order of precedence. Values from the environment are
    never printed (CI passes secrets that way)."""
    from agentlint.values import hide

    values = {}
    for key, raw in sorted(os.environ.items()):
        if key.startswith("TF_VAR_") and len(key) > 7:
            values[key[7:]] = _variable_value(raw)
            hide(values[key[7:]])
    for item in var_args:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            click.echo(f"agentlint: --var {item!r}: expected NAME=VALUE", err=True)
            sys.exit(2)
        values[name.strip()] = _variable_value(raw)
    return values


def _variable_value(raw: str):
    """As Terraform reads -var and TF_VAR_*: a string, unless it is written as an HCL list or object."""
    text = raw.strip()
    if text.startswith(("[", "{")):
        try:
            from agentlint.loaders.hcl_ast import parse_expression
            from agentlint.loaders.hcl_eval import Scope, evaluate

            return evaluate(parse_expression(text), Scope("", ".", ".", {}, {}))
        except Exception:  # noqa: BLE001 - not an expression: Terraform would take the string as it is
            return raw
    return raw


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS, case_sensitive=False), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report in --format to a file; the human-readable report still goes to the terminal.")
@click.option("--report", "reports", multiple=True, metavar="FORMAT=FILE",
              help="Also write the report in FORMAT to FILE (repeatable: `--report sarif=a.sarif --report "
                   "gitlab=cq.json`), beside what --format and -o write; one scan for every output.")
@click.option("--fail-on", type=click.Choice(FAIL_ON, case_sensitive=False), help="Exit 1 on findings of this "
              "severity or higher (default from configuration, else medium); `none`: findings never fail the run "
              "(an unreadable input still exits 2).")
@click.option("-q", "--quiet", is_flag=True, help="Text: only the findings, errors and the summary (no agent "
              "inventory, notices or progress).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Configuration file (.agentlint.toml or pyproject.toml; default: the nearest one from the current "
                   "folder up to the repository root).")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A .tfvars file applied to every root module (repeatable).")
@click.option("--select", multiple=True, help="Only these rules (ids, id prefixes or names; repeatable).")
@click.option("--ignore", multiple=True, help="Skip these rules (ids, id prefixes or names; repeatable).")
@click.option("--color/--no-color", default=None, help="Colour text output (default: when a terminal; NO_COLOR and "
              "FORCE_COLOR are honoured).")
@click.option("--exclude", "excludes", multiple=True, metavar="PATTERN",
              help="Do not scan these paths (gitignore pattern, relative to the repository root; repeatable).")
@click.option("--no-ignore", is_flag=True, help="Disregard `# agentlint:ignore[...]` comments: report everything.")
@click.option("--respect-gitignore", is_flag=True,
              help="Skip files and folders the repository's .gitignore files ignore (off by default: Terraform reads "
                   "gitignored tfvars and .terraform/ modules). Files named on the command line are still read.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Report only findings that are not in this baseline file (see `agentlint baseline`).")
@click.option("--changed-only", is_flag=True,
              help="Plans: report only findings on resources (or agent paths) the plan creates or changes.")
@click.option("--diff-base", metavar="REF",
              help="Code: report only findings on blocks (or agent paths) that differ from git REF.")
@click.option("--fail-on-drift", type=click.Choice(["any", "sensitive", "permissions-management", "admin"],
              case_sensitive=False), help="With --diff-base: exit 1 when an agent's scope grew at this level or above.")
@click.option("--no-cache", is_flag=True, envvar="AGENTLINT_NO_CACHE",
              help="Use no cache: parse every file again and never reuse a stored scan result (also "
                   "AGENTLINT_NO_CACHE=1).")
@click.option("--terraform-show", is_flag=True,
              help="Binary plans (`plan -out`): run `terraform show -json PLANFILE` in the plan's folder to read them. "
                   "This starts the provider plugins installed in that folder (.terraform/), which a pull request "
                   "controls: use it only on plans made from trusted code. Without it, a binary plan is an error "
                   "naming the command to run.")
@click.option("--terraform-bin", metavar="PATH",
              help="The terraform or tofu executable for --terraform-show (default: terraform, else tofu, on PATH).")
@click.option("--source", "sources", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Plans: the folder of the code a plan was made from (its root module), so plan findings point at "
                   "the file and line of the resource block (repeatable; the plan's own folder is always tried).")
@click.option("--agents", "show_agents", is_flag=True, help="Text: list the agents found, after the findings.")
@_input_options
@rules_dir_option
def scan(paths, fmt, output, reports, fail_on, quiet, config_path, var_files, select, ignore, color, excludes,
         no_ignore, respect_gitignore, baseline_path, changed_only, diff_base, fail_on_drift, no_cache, terraform_show,
         terraform_bin, sources, show_agents, root, var_args):
    """Scan Terraform/OpenTofu folders, files and plan JSON files (`-`: a plan JSON on standard input)."""
    from agentlint import cli_output
    from agentlint.cli_drift import check_gate_option, gate, scan_drift
    from agentlint.model import Severity
    from agentlint.result_cache import cached_scan
    from agentlint.values import scrub

    fmt = fmt.lower()
    extra_reports = cli_output.parse_reports(reports)
    config, _ = _load_config(config_path)
    updates = {}
    fail_on = fail_on.lower() if fail_on else None
    if fail_on:
        updates["fail_on"] = "none" if fail_on == "none" else Severity(fail_on)
    config = with_options(config, updates, var_files, select, ignore, respect_gitignore, excludes)
    check_gate_option(fail_on_drift, diff_base)
    baseline = _read_baseline(baseline_path)
    stdin = "-" in paths
    if changed_only and not stdin and not any(_is_plan(p) for p in paths):
        click.echo("agentlint: --changed-only needs a plan JSON file among the inputs; for code use --diff-base REF",
                   err=True)
        sys.exit(2)
    plan_options = _plan_options(terraform_show, terraform_bin, sources, stdin)
    variables = _variables(var_args)

    whole = {}  # with --diff-base, the scope drift reads the working tree's graph and whole report this scan makes

    def run():  # the engine (graph builder, loaders, rules) is imported only when the scan really runs
        from agentlint.changes import ChangeError
        from agentlint.engine import build_graph, keep_changed, scan as run_scan

        named, progress = [p for p in paths if p != "-"], None if quiet else cli_output.progress()
        try:
            graph = build_graph(named, config, use_cache=not no_cache, progress=progress, root=root,
                                variables=variables, plan_options=plan_options)
            report = run_scan(named, config, no_ignore=no_ignore, use_cache=not no_cache, root=root,
                              variables=variables, plan_options=plan_options, graph=graph)
            if diff_base:  # the drift judges every finding, suppressions applied (as a scan does by default)
                whole.update(graph=graph, report=None if no_ignore else report)
            return keep_changed(report, graph.model, changed_only, diff_base)
        except ChangeError as exc:
            click.echo(f"agentlint: {exc}", err=True)
            sys.exit(2)

    # Nothing changed since the same scan: its stored report (agentlint/result_cache.py says when).
    report = cached_scan(list(paths), root, config, {"no_ignore": no_ignore, "variables": variables}, run,
                         enabled=not (no_cache or diff_base or changed_only or stdin or sources or terraform_show))
    drift = scan_drift(diff_base, paths, config, no_cache, root, variables, plan_options, **whole)
    if baseline is not None:
        from agentlint.baseline import apply

        report = apply(report, baseline)
    colour = cli_output.use_colour(color)
    terminal = cli_output.quiet_report(report) if quiet else report
    for extra_fmt, path in ([(fmt, output)] if output else []) + extra_reports:
        cli_output.write_file(path, cli_output.render(extra_fmt, report, config, colour=False, agents=show_agents,
                                                      drift=drift))
    shown = "text" if output else fmt
    body = cli_output.render(shown, terminal if shown == "text" else report, config, colour=colour,
                             agents=show_agents, terminal=True, drift=drift)
    click.echo(scrub(body), nl=False, color=colour and shown == "text")
    sys.exit(gate(cli_output.exit_code(report, config.fail_on_name), drift, fail_on_drift or config.fail_on_drift))


def _plan_options(terraform_show: bool, terraform_bin: Optional[str], sources, stdin: bool = False):
    """--terraform-show / --terraform-bin / --source (command line only: a configuration file cannot turn them on)."""
    from agentlint.loaders.plan_input import PlanOptions

    binary = None
    if terraform_bin and not terraform_show:
        click.echo("agentlint: --terraform-bin is used only with --terraform-show", err=True)
        sys.exit(2)
    if terraform_show:
        from agentlint.loaders.plan_binary import find_terraform

        binary = find_terraform(terraform_bin)
        if binary is None:
            wanted = repr(terraform_bin) if terraform_bin else "neither terraform nor tofu is on PATH"
            click.echo(f"agentlint: --terraform-show: {wanted}"
                       f"{' is not an executable' if terraform_bin else ''}; name one with --terraform-bin PATH",
                       err=True)
            sys.exit(2)
    return PlanOptions(terraform_show=terraform_show, terraform_bin=binary, sources=tuple(sources), stdin=stdin)


def _is_plan(path: str) -> bool:
    from agentlint.loaders.discover import looks_like_plan
    from agentlint.loaders.plan_binary import is_binary_plan

    if os.path.isdir(path):
        return any(looks_like_plan(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files
                   if f.endswith(".json") and not f.endswith((".tf.json", ".tofu.json")))
    return os.path.isfile(path) and (looks_like_plan(path) or is_binary_plan(path))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The baseline file to write (JSON).")
@click.option("--update", is_flag=True, help="Rewrite the existing baseline FILE without the entries that are no "
              "longer found (fixed); new findings are not added.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--var-file", "var_files", multiple=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
@_input_options
def baseline(paths, output, update, config_path, var_files, quiet, root, var_args):
    """Record today's findings so that `scan --baseline FILE` reports only new ones."""
    from agentlint.baseline import make, update as shrink
    from agentlint.cli_output import write_file
    from agentlint.engine import scan as run_scan

    config, _ = _load_config(config_path)
    if var_files:
        config = config.model_copy(update={"var_files": list(config.var_files) + list(var_files)})
    old = _read_baseline(output) if update else None
    report = run_scan(list(paths), config, root=root, variables=_variables(var_args))
    if report.errors:
        for e in report.errors:
            click.echo(f"agentlint: {e.path}{':' + str(e.line) if e.line else ''}: {e.kind}: {e.message}", err=True)
        click.echo("agentlint: baseline not written: some inputs could not be read", err=True)
        sys.exit(2)
    if old is not None:
        text, kept, dropped = shrink(old, report)
        write_file(output, text)
        if not quiet:
            click.echo(f"agentlint: baseline {output} updated: {kept} entr{'y' if kept == 1 else 'ies'} kept, "
                       f"{dropped} fixed entr{'y' if dropped == 1 else 'ies'} dropped")
        return
    write_file(output, make(report))
    if not quiet:
        click.echo(f"agentlint: baseline with {len(report.findings)} finding(s) written to {output}")


@main.group()
def cache():
    """The parse cache ($AGENTLINT_CACHE_DIR, else $XDG_CACHE_HOME/agentlint, else ~/.cache/agentlint)."""


@cache.command("clean")
def cache_clean():
    """Remove agentlint's cache entries (parsed files, the action catalogue's index); the next scan rebuilds them."""
    from agentlint.loaders.cache import cache_dir, clean

    files, size = clean()
    click.echo(f"agentlint: removed {files} cache file{'' if files == 1 else 's'} ({size:,} bytes) from {cache_dir()}")


def _read_baseline(path: Optional[str]):
    if not path:
        return None
    from agentlint.baseline import BaselineError, read

    try:
        return read(path)
    except BaselineError as exc:
        click.echo(f"agentlint: baseline error: {exc}", err=True)
        sys.exit(2)


@main.command("rules")
@rules_dir_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(fmt):
    """List the rules."""
    import json

    from agentlint.rule import all_rules, severity_label, severity_without_agent

    rules = all_rules()
    if fmt == "json":
        # severity_without_agent: what a finding on an identity no agent uses gets (the same for fixed rules).
        click.echo(json.dumps([{"id": r.id, "name": r.name, "title": r.title, "category": r.category,
                                "severity": r.severity.value, "confidence": r.confidence.value,
                                "ranking": r.ranking.value,
                                "severity_without_agent": severity_without_agent(r).value} for r in rules],
                              indent=2))
        return
    from agentlint.iam.catalogues import snapshot

    cat = snapshot()  # the dates users need to judge what a managed policy or predefined role was known to grant
    click.echo(f"IAM catalogues: AWS managed policies, Google Cloud predefined roles and Azure built-in roles as of "
               f"{cat['date']} ({cat['source'].split(' ')[0]} {cat['commit']})")
    width = max(len(r.name) for r in rules)
    for r in rules:  # severity: "with an agent / without" for ranked rules
        click.echo(f"{r.id}  {r.name:<{width}}  {severity_label(r):<17} {r.category:<22} {r.title}")


@main.command()
@click.argument("rule")
def explain(rule):
    """Print a rule's documentation (by id or name)."""
    from agentlint.outputs.rule_docs import render
    from agentlint.rule import all_rules

    for r in all_rules():
        if rule.upper() == r.id or rule.lower() == r.name:
            click.echo(render(r), nl=False)
            return
    click.echo(f"agentlint: no rule {rule!r}; `agentlint rules` lists them", err=True)
    sys.exit(2)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["json", "mermaid", "dot"]), default="json", show_default=True)
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False))
@_input_options
def graph(paths, fmt, config_path, root, var_args):
    """Print the identity graph (workloads, identities, policies, credentials)."""
    from agentlint.engine import build_graph
    from agentlint.graph import export

    config, _ = _load_config(config_path)
    from agentlint.values import scrub

    g = build_graph(list(paths), config, use_cache=True, root=root, variables=_variables(var_args))
    render = {"json": export.to_json, "mermaid": export.to_mermaid, "dot": export.to_dot}[fmt]
    click.echo(scrub(render(g)), nl=False)
    for e in g.model.errors:
        click.echo(f"agentlint: {e.path}{':' + str(e.line) if e.line else ''}: {e.kind}: {e.message}", err=True)
    sys.exit(2 if g.model.errors else 0)


@main.command("checkov-checks")
def checkov_checks():
    """Print the folder of agentlint's Checkov checks, for `checkov --external-checks-dir`."""
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "integrations", "checkov")
    click.echo(folder)


@main.command()
@click.option("--schema", is_flag=True, help="Print the JSON schema of the configuration.")
def config(schema):
    """Show the configuration in effect (or its JSON schema)."""
    import json

    from agentlint.config import json_schema

    if schema:
        click.echo(json.dumps(json_schema(), indent=2))
        return
    cfg, source = _load_config(None)
    click.echo(f"# from {source or '(defaults)'}")
    click.echo(json.dumps(cfg.model_dump(mode="json", by_alias=True), indent=2))
from agentlint.cli_inventory import inventory as _inventory  # noqa: E402 - registered last: it reads cli's helpers
from agentlint.cli_drift import drift as _drift  # noqa: E402
main.add_command(_inventory)
main.add_command(_drift)
