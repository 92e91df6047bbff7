from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"

_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
# For a finding on a line no comment can sit above (a statement inside a heredoc): `# expect line 22: AL201`.
_EXPECT_AT = re.compile(r"#\s*expect line (\d+):\s*([A-Z0-9, ]+)")


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch):
    """Paths in findings are as given; run every test from the repository root so they are stable."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("AGENTLINT_DEBUG", raising=False)


def rel(path: Path) -> str:
    return os.path.relpath(path, ROOT)


def expected_findings(case: Path) -> Counter:
    """`# expect: AL101, AL401` on the line above a finding's first line (`# expect line N: AL101` names the line);
    every file of the case folder.

    `# known-gap: AL314 (why)` marks a finding the rule's documentation promises and agentlint does not give yet;
    it is not expected (the case asserts today's findings) and tests/test_known_gaps.py holds it as a strict xfail.
    """
    found: Counter = Counter()
    for tf in sorted(case.rglob("*.tf")):
        for number, line in enumerate(tf.read_text().splitlines(), start=1):
            m = _EXPECT.search(line)
            at = _EXPECT_AT.search(line)
            if m or at:
                for rule in (m or at).group(1 if m else 2).replace(" ", "").split(","):
                    if rule:
                        found[(rel(tf), number + 1 if m else int(at.group(1)), rule)] += 1
    return found


def fast_sample(cases: list[Path]) -> list:
    """For sweeps of a property over every fixture case (cache warm = cold, invocation forms, SARIF validity): the
    first case of each `fixtures/ALxxx/{bad,good,plan}` folder runs in the fast run (`pytest -m "not slow"`), the
    others are marked slow and run in `.ci/run`. The property does not depend on the rule, every rule's code is still
    reached, and tests/test_rules.py checks every case's findings in both runs."""
    seen: set[tuple[str, str]] = set()
    out: list = []
    for case in cases:
        group = (case.parent.parent.name, case.parent.name)
        if not group[0].startswith("AL") or group not in seen:
            seen.add(group)
            out.append(case)
        else:
            out.append(pytest.param(case, marks=pytest.mark.slow))
    return out


def corpus_dir(*parts: str) -> Path:
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (the shared corpus sits beside the repository only in CI and dev)")
    return path


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """The CLI caches parses in the user's cache folder; tests use their own."""
    folder = tmp_path_factory.mktemp("agentlint-cache")
    previous = os.environ.get("AGENTLINT_CACHE_DIR")
    os.environ["AGENTLINT_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("AGENTLINT_CACHE_DIR", None)
    else:
        os.environ["AGENTLINT_CACHE_DIR"] = previous
