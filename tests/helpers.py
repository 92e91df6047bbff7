from __future__ import annotations

from agentlint.config import Config
from agentlint.engine import scan
from agentlint.model import Report


def run(*paths: str, **config) -> Report:
    return scan(list(paths), Config(**config))
