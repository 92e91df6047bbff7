"""`agentlint inventory PATH...`: every agent, what it acts as, holds and can reach (README, "agentlint inventory").

Kept beside cli.py (which registers it) so that cli.py stays small; it reads the same inputs and configuration as
`scan`. Exit codes: 0, or 2 when an input could not be read or the configuration is wrong (the inventory still lists
what was found); findings never fail an inventory.
"""

from __future__ import annotations

import sys

import click

from agentlint.cli import _input_options, _load_config, _plan_options, _variables, with_options

INVENTORY_FORMATS = ("text", "json", "csv", "markdown", "html")


def render(fmt: str, inv: dict) -> str:
    from agentlint.outputs import inventory_text

    if fmt == "html":
        from agentlint.outputs.inventory_html import to_html

        return to_html(inv)
    return {"text": inventory_text.to_text, "json": inventory_text.to_json, "csv": inventory_text.to_csv,
            "markdown": inventory_text.to_markdown}[fmt](inv)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(INVENTORY_FORMATS, case_sensitive=False), default="text",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Configuration file (as for `scan`).")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A .tfvars file applied to every root module (repeatable).")
@click.option("--select", multiple=True, help="Only these rules count in `findings` (as for `scan`).")
@click.option("--ignore", multiple=True, help="These rules do not count in `findings` (as for `scan`).")
@click.option("--exclude", "excludes", multiple=True, metavar="PATTERN", help="Do not read these paths.")
@click.option("--respect-gitignore", is_flag=True, help="Skip files the repository's .gitignore files ignore.")
@click.option("--no-cache", is_flag=True, envvar="AGENTLINT_NO_CACHE", help="Parse every file again.")
@click.option("--source", "sources", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Plans: the folder of the code a plan was made from (repeatable).")
@_input_options
def inventory(paths, fmt, output, config_path, var_files, select, ignore, excludes, respect_gitignore, no_cache,
              sources, root, var_args):
    """List every agent: its identities, credentials, effective permissions, trust, findings and blast radius."""
    from agentlint.cli_output import deliver
    from agentlint.inventory.build import inventory as build
    from agentlint.values import scrub

    config, _ = _load_config(config_path)
    config = with_options(config, {}, var_files, select, ignore, respect_gitignore, excludes)
    inv = build([p for p in paths if p != "-"], config, use_cache=not no_cache, root=root,
                variables=_variables(var_args), plan_options=_plan_options(False, None, sources, "-" in paths))
    body = scrub(render(fmt.lower(), inv))
    deliver(body, output, inv["errors"])
    sys.exit(2 if inv["errors"] else 0)
