"""Which rules a configuration runs, and the configuration's rule selectors and options checked: read before any
scan (a usage error must come first) and by renderers, without the engine or its graph library."""

from __future__ import annotations

from agentlint.config import Config
from agentlint.rule.contract import Rule
from agentlint.rule.registry import all_rules


def rule_matches(rule: type[Rule], selectors: list[str]) -> bool:
    return any(rule.id.startswith(s.upper()) or rule.name == s.lower() for s in selectors)


def rule_config(rule: type[Rule], config: Config):
    return config.rules.get(rule.id) or config.rules.get(rule.name)


def unknown_selectors(config: Config) -> list[str]:
    """`select` / `ignore` entries that name no rule: a typo must not switch every rule off."""
    return [f"unknown rule selector {s!r} in {where} (ids, id prefixes such as AL2, or names; `agentlint rules` "
            "lists them)" for where, selectors in (("select", config.select), ("ignore", config.ignore))
            for s in selectors if not any(rule_matches(r, [s]) for r in all_rules())]


def check_rule_keys(config: Config) -> list[str]:
    """Problems in `[rules]`: unknown rule names and invalid options (a typo must not silently do nothing)."""
    from pydantic import ValidationError

    by_key = {r.id: r for r in all_rules()} | {r.name: r for r in all_rules()}
    problems = unknown_selectors(config)
    for key, settings in config.rules.items():
        rule = by_key.get(key)
        if rule is None:
            problems.append(f"unknown rule {key!r} in [rules]")
            continue
        try:
            rule.Options.model_validate(settings.options)
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"])
                what = "unknown option" if err["type"] == "extra_forbidden" else err["msg"]
                problems.append(f"[rules.{key}.options] {where}: {what}")
    return problems


def selected_rules(config: Config) -> list[type[Rule]]:
    rules = all_rules()
    if config.select:
        rules = [r for r in rules if rule_matches(r, config.select)]
    rules = [r for r in rules if not rule_matches(r, config.ignore)]
    rules = [r for r in rules if (rule_config(r, config) is None or rule_config(r, config).enabled is not False)]
    # Opt-in rules (judging an account-wide setting the scanned code rarely owns) run only when asked for by name,
    # id or prefix in `select`, or with `[rules.<id>] enabled = true`.
    return [r for r in rules if r.enabled_by_default or (config.select and rule_matches(r, config.select))
            or (rule_config(r, config) is not None and rule_config(r, config).enabled is True)]
