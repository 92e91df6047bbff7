"""What a loader hands back: its resources, root modules and diagnostics, instead of appending to lists its caller
owns. `loaders.load` gathers the results into the ScanModel."""

from __future__ import annotations

from dataclasses import dataclass, field

from agentlint.model import LoadError, Resource, Suppression


@dataclass
class LoadResult:
    resources: list[Resource] = field(default_factory=list)
    stacks: list[str] = field(default_factory=list)  # root modules, as shown
    errors: list[LoadError] = field(default_factory=list)  # inputs that could not be read: the run exits 2
    notices: list[LoadError] = field(default_factory=list)  # what was skipped or not followed, for the report
    suppressions: list[Suppression] = field(default_factory=list)
    files_read: int = 0
    summary: dict[str, int] = field(default_factory=dict)  # loader counts for the report summary
