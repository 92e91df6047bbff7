"""Baselines: accept today's findings on an existing codebase and report only new ones.

A baseline file lists fingerprints (rule, root module relative to the scanned folder, address, what was found;
never line numbers), so findings keep matching when code moves. Scan with the same paths the baseline was made with.
"""

from __future__ import annotations

import json
from typing import Optional

from pydantic import BaseModel, ValidationError

from agentlint import __version__
from agentlint.gate import finding_counts
from agentlint.model import Finding, Report


class BaselineEntry(BaseModel):
    fingerprint: str
    rule_id: str
    address: str
    path: str
    message: str


class Baseline(BaseModel):
    schema_version: int = 1
    tool: dict[str, str]
    findings: list[BaselineEntry]


class BaselineError(Exception):
    pass


def make(report: Report) -> str:
    entries = [BaselineEntry(fingerprint=f.fingerprint, rule_id=f.rule_id, address=f.address, path=f.path,
                             message=f.message) for f in report.findings]
    entries.sort(key=lambda e: (e.path, e.rule_id, e.address, e.fingerprint))
    doc = Baseline(tool={"name": "agentlint", "version": __version__}, findings=entries)
    return doc.model_dump_json(indent=2) + "\n"


def update(baseline: Baseline, report: Report) -> tuple[str, int, int]:
    """`agentlint baseline --update`: the baseline without the entries whose finding is gone (fixed). Entries still
    found are kept as they were written, and new findings are not added: a baseline only ever shrinks this way.
    Returns the new file's text, the entries kept and the entries dropped."""
    present = _present(report)
    kept = [e for e in baseline.findings if e.fingerprint in present]
    doc = Baseline(tool={"name": "agentlint", "version": __version__}, findings=kept)
    return doc.model_dump_json(indent=2) + "\n", len(kept), len(baseline.findings) - len(kept)


def _present(report: Report) -> set[str]:
    """Every fingerprint today's findings answer to, in today's recipe and the earlier ones."""
    return {f.fingerprint for f in report.findings} | {fp for f in report.findings for fp in f.legacy_fingerprints}


def read(path: str) -> Baseline:
    from agentlint.loaders.textfile import TextFileError, read_text

    try:
        return Baseline.model_validate(json.loads(read_text(path, 200_000_000)))
    except TextFileError as exc:  # also a device or FIFO (`--baseline /dev/zero` must not hang)
        raise BaselineError(f"{path}: cannot read ({exc})") from None
    except RecursionError:
        raise BaselineError(f"{path}: nested too deeply to be a baseline") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except ValidationError as exc:
        raise BaselineError(f"{path}: not an agentlint baseline ({exc.error_count()} problems, e.g. "
                            f"{'.'.join(map(str, exc.errors()[0]['loc']))}: {exc.errors()[0]['msg']})") from None


def apply(report: Report, baseline: Optional[Baseline]) -> Report:
    """Drop findings the baseline accepted; count them, and the accepted ones that are gone (fixed)."""
    if baseline is None:
        return report
    known = {e.fingerprint for e in baseline.findings}
    # Baselines written before repository roots, or before statement findings moved to the statement, hold an
    # older recipe: they keep matching.
    kept: list[Finding] = [f for f in report.findings
                           if f.fingerprint not in known and known.isdisjoint(f.legacy_fingerprints)]
    present = _present(report)
    summary = dict(report.summary)
    summary["baselined"] = len(report.findings) - len(kept)
    summary["baseline_fixed"] = len(known - present)
    summary.update(finding_counts(kept))
    return report.model_copy(update={"findings": kept, "summary": summary})
