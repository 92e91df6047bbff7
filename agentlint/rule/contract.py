"""The rule contract: what a rule declares (metadata as class attributes, documentation as the docstring) and the
one method it implements.

A rule is one module in the `rules/` folder (installed as `agentlint.rules`) holding one `Rule` subclass: its
metadata as class attributes, its documentation as the docstring (sections: What it does / Why is this bad? /
Example / Fix), its logic in `check()`. The registry finds rule modules itself, so adding a rule is adding a file
(plus its fixtures).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, ClassVar, Iterable, Optional

from pydantic import BaseModel, ConfigDict, Field

from agentlint.model import Confidence, Finding, Severity

if TYPE_CHECKING:
    from agentlint.rule.context import RuleContext

DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix")


class Ranking(str, Enum):
    """How a rule's findings get their severity."""

    AGENTS = "agents"  # the declared severity when an agent acts as the identity, one level lower otherwise
    FIXED = "fixed"  # the declared severity (rules whose findings never name an agent, or always do)


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CentralLoggingOptions(BaseModel):
    """The options of the missing-audit rules: `central-logging = true` says the logging is configured outside the
    scanned code (per account, project or subscription), so its absence here is not a finding."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    central_logging: bool = Field(False, alias="central-logging")


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]  # kebab-case slug
    title: ClassVar[str]  # one line, used as the short description everywhere
    category: ClassVar[str]
    severity: ClassVar[Severity]  # with Ranking.AGENTS: when an agent acts as the identity; one level lower otherwise
    # Whether the severity depends on agents (see Ranking). Rules that judge code (the suppressions phase) are fixed.
    ranking: ClassVar["Ranking"]
    confidence: ClassVar[Confidence] = Confidence.HIGH
    fix: ClassVar[str]
    # "graph": asks the identity graph; "suppressions": judges the suppression comments after the graph rules ran.
    phase: ClassVar[str] = "graph"
    # Settings a user may give in `[rules.<id>.options]`, validated before the scan.
    Options: ClassVar[type[BaseModel]] = NoOptions
    # Rules whose findings only repeat this rule's: when this rule runs and reports a subject (an identity, a policy
    # no identity holds, a Kubernetes role), the engine drops their findings about the same subject
    # (agentlint.supersedes). Each rule on its own still reports everything it sees.
    supersedes: ClassVar[tuple[str, ...]] = ()
    # False for opt-in rules: they run only when `select` names them or `[rules.<id>] enabled = true`.
    enabled_by_default: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "ranking" not in cls.__dict__ and not any("ranking" in vars(base) for base in cls.__mro__[1:-1]):
            cls.ranking = Ranking.FIXED if cls.phase == "suppressions" else Ranking.AGENTS

    def __init__(self, options: Optional[BaseModel] = None):
        self.options = options if options is not None else self.Options()

    def check(self, ctx: "RuleContext") -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def doc(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")


def severity_without_agent(rule: type[Rule]) -> Severity:
    """The severity of a finding on an identity no agent uses (the declared one for fixed rules)."""
    return rule.severity.lowered() if rule.ranking is Ranking.AGENTS else rule.severity


def severity_label(rule: type[Rule]) -> str:
    """What a user gets: `high / medium` (with an agent / without) for ranked rules, `medium` for fixed ones."""
    if rule.ranking is Ranking.AGENTS:
        return f"{rule.severity.value} / {severity_without_agent(rule).value}"
    return rule.severity.value
