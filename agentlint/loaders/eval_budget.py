"""The evaluation budget of a module instance (see `Budget`): how much evaluating hostile HCL may cost before its
values become unknown and a `limit` error says so."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Optional

# Iterations of `for` expressions and template `for` directives, and function calls, per module instance: nested
# loops multiply (1,000 x 1,000 is a million), and each one costs a bound scope.
MAX_ITERATIONS = 200_000
MAX_EVAL_SECONDS = 5.0  # per evaluation; hostile input must end within seconds, real code takes milliseconds


class Budget:
    """The evaluation budget of one module instance: loop iterations, and wall time per evaluation (a resource's
    attributes, or an instance's count / for_each / module inputs). Past either, values are unknown, and the first
    reason is kept so the loader can report a `limit` error at the resource instead of a silent unknown."""

    max_iterations = MAX_ITERATIONS
    max_seconds = MAX_EVAL_SECONDS

    def __init__(self):
        self.used = 0
        self.deadline = time.monotonic() + self.max_seconds
        self.exceeded: Optional[str] = None  # the latest reason
        self.hits = 0

    def restart_clock(self) -> None:
        self.deadline = time.monotonic() + self.max_seconds

    def hit(self, reason: str) -> None:
        self.hits += 1
        self.exceeded = reason

    def spend(self, iterations: int) -> bool:
        self.used += iterations
        if self.used > self.max_iterations:
            self.hit(f"more than {self.max_iterations} loop iterations in one module instance (limit max-iterations)")
            return False
        if time.monotonic() > (_CLOCK.deadline if getattr(_CLOCK, "depth", 0) else self.deadline):
            self.hit(f"evaluation took longer than {self.max_seconds:g} s (limit max-eval-seconds)")
            return False
        return True


# The wall-clock limit belongs to one outermost evaluation (a resource's attributes, one block's count / for_each,
# one module call's inputs), whichever module instances it reads: an instance's own clock, started when it was
# created, would run out for evaluations made long after (a big repository's scan takes more than max-eval-seconds,
# and a loaded CI machine stretches it), turning real values into unknowns and dropping their findings.
_CLOCK = threading.local()


@contextmanager
def evaluation():
    """One evaluation: the outermost one starts the clock that every budget it touches is checked against."""
    depth = getattr(_CLOCK, "depth", 0)
    if depth == 0:
        _CLOCK.deadline = time.monotonic() + Budget.max_seconds
    _CLOCK.depth = depth + 1
    try:
        yield
    finally:
        _CLOCK.depth = depth


def size_budget(message: str) -> str:
    """The setting a function's TooBig message falls under, as the limit error names it."""
    if "collection" in message or "elements" in message:
        return "limit max-elements"
    if "width" in message or "regular expression" in message or "regex" in message:
        return "a built-in budget"
    return "limit max-string"


def configure_budgets(max_iterations: int, max_seconds: float, max_string: int = 1_000_000,
                      max_elements: int = 100_000) -> None:
    """The [limits] settings for every evaluation afterwards (one scan at a time per process)."""
    from agentlint.loaders.fn_values import SIZES

    Budget.max_iterations = max_iterations
    Budget.max_seconds = max_seconds
    SIZES.string = max_string
    SIZES.elements = max_elements
