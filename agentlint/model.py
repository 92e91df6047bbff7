"""The scan model: what the loaders produce and the graph consumes, and what reports print.

Resources are plain dataclasses (many of them, built fast, never serialised as such). The models that cross the
tool's boundary (findings, agents, load errors, the report) are pydantic models: they are the JSON contract.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Optional

from pydantic import BaseModel, ConfigDict, Field

_INSTANCE_KEY = re.compile(r"\[[^\]]*\]")


# The key of the one instance that stands for a `count` / `for_each` agentlint cannot decide: `aws_iam_role.r[*]`.
UNKNOWN_KEY = "[*]"


def strip_instance_keys(address: str) -> str:
    """`module.a["x"].aws_iam_role.r[0]` -> `module.a.aws_iam_role.r` (how references name resources)."""
    return _INSTANCE_KEY.sub("", address)


@dataclass(frozen=True)
class Limits:
    """Input limits; a file over a limit is reported in `errors` (kind `limit`) and the scan goes on."""

    max_config_bytes: int = 5_000_000  # .tf / .tofu / .tf.json / .tfvars (the largest real .tf seen: 59 KB)
    max_plan_bytes: int = 500_000_000
    max_nesting: int = 100  # nesting depth of HCL expressions and blocks, and of JSON values
    max_instances: int = 10_000  # instances per resource or module call (count / for_each), and module instances per root
    max_iterations: int = 200_000  # loop iterations and function calls evaluated per module instance
    max_eval_seconds: float = 5.0  # wall time of one evaluation (a resource's attributes, an instance's inputs)
    max_string: int = 1_000_000  # characters of one evaluated string (templates, format, join, encodings)
    max_elements: int = 100_000  # elements of one evaluated collection (range, flatten, setproduct, for)


def json_depth_exceeds(value, limit: int) -> bool:
    """Iterative depth check, so hostile nesting is measured without recursion."""
    stack = [(value, 1)]
    while stack:
        cur, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(cur, dict):
            stack.extend((v, depth + 1) for v in cur.values())
        elif isinstance(cur, list):
            stack.extend((v, depth + 1) for v in cur)
    return False


@dataclass
class Resource:
    """One resource or data source, from HCL (with file and lines) or from a plan (with its address)."""

    address: str  # module-qualified, instance keys kept for plans: module.a.aws_iam_role.r[0]
    mode: str  # "managed" | "data"
    type: str
    name: str
    vals: Optional[dict[str, Any]]  # use .values; None until a lazily evaluated resource is first read
    path: str  # file (HCL) or plan file
    stack: str  # the root module directory or plan file this resource belongs to
    start_line: Optional[int] = None
    end_line: Optional[int] = None
    attr_lines: dict[str, int] = field(default_factory=dict)
    actions: Optional[list[str]] = None  # plan change actions
    source: str = "hcl"  # "hcl" | "plan"
    calls_via: tuple[str, ...] = ()  # files of the module calls that instantiate this resource's module (HCL)
    evaluate: Optional[Callable[[], dict[str, Any]]] = field(default=None, repr=False, compare=False)
    failure: Optional[str] = field(default=None, compare=False)  # why evaluating it failed (a bug of agentlint's)
    limit: Optional[str] = field(default=None, compare=False)  # an evaluation budget its attributes ran into

    @property
    def values(self) -> dict[str, Any]:
        """Attribute values. HCL resources are evaluated on first read: most resources in a repository (buckets,
        networks...) are never asked about, and evaluating them would cost most of a warm scan."""
        if self.vals is None:
            evaluate, self.evaluate = self.evaluate, None
            try:
                self.vals = evaluate() if evaluate is not None else {}
            except Exception as exc:  # a bug in the evaluator: this resource only; the engine reports it
                if os.environ.get("AGENTLINT_DEBUG"):
                    raise
                self.vals = {}
                self.failure = f"{exc.__class__.__name__}: {exc}"
        return self.vals

    @property
    def ref_address(self) -> str:
        return strip_instance_keys(self.address)

    @property
    def module(self) -> str:
        base = self.ref_address
        marker = ("data." if self.mode == "data" else "") + self.type + "." + self.name
        return base[: -len(marker)].rstrip(".") if base.endswith(marker) else ""

    def line_of(self, attr: str) -> Optional[int]:
        return self.attr_lines.get(attr, self.start_line)


class LoadError(BaseModel):
    """A file that could not be read, or a part of it that was skipped. Scanning goes on."""

    model_config = ConfigDict(frozen=True)

    path: str
    line: Optional[int] = None
    kind: str  # parse-error | not-a-plan | unreadable | unsupported | module-not-followed | unknown-argument (notice)
    message: str


@dataclass
class Suppression:
    """An `# agentlint:ignore[...] reason` comment and the top-level block it covers."""

    path: str
    line: int
    rules: list[str]
    reason: str
    block_address: Optional[str] = None  # module-local address of the covered block
    block_start: Optional[int] = None
    block_end: Optional[int] = None
    used: bool = False
    until: Optional[str] = None  # `until=` as written; agentlint/suppressions.py judges it

    def covers(self, path: str, line: Optional[int]) -> bool:
        return (path == self.path and line is not None and self.block_start is not None
                and self.block_start <= line <= (self.block_end or self.block_start))


@dataclass
class ScanModel:
    resources: list[Resource] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    notices: list[LoadError] = field(default_factory=list)
    stacks: list[str] = field(default_factory=list)
    files_scanned: int = 0
    scan_root: str = "."  # the repository root; fingerprints use paths relative to it
    legacy_root: str = "."  # common folder of the inputs: the root of fingerprints before 0.x (old baselines)
    selection: Any = None  # what the inputs named (loaders.repository.Selection); None: report everything
    roots: dict[str, str] = field(default_factory=dict)  # stack (as shown) -> path relative to its repository root
    repo_roots: dict[str, str] = field(default_factory=dict)  # stack (as shown) -> its repository root (absolute)
    summary_extra: dict[str, int] = field(default_factory=dict)  # loader counts for the report summary
    # module folder (absolute) -> the files its expressions read with file() / templatefile(), recorded as values are
    # evaluated: values are evaluated when a rule asks, so the record is complete once the rules have run.
    file_reads: dict[str, set[str]] = field(default_factory=dict)

    def calls_via(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """(stack, address) -> files of the module calls that instantiate that resource (only those that have any)."""
        return {(r.stack, r.address): r.calls_via for r in self.resources if r.calls_via}
    suppressions: list[Suppression] = field(default_factory=list)


class Severity(str, Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def lowered(self) -> "Severity":
        order = list(Severity)
        return order[min(order.index(self) + 1, len(order) - 1)]


_SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1, Severity.INFO: 0}


class Confidence(str, Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


CATEGORIES = (
    "wildcard-scope",
    "admin-access",
    "privilege-escalation",
    "data-exfiltration",
    "credential-exposure",
    "long-lived-credential",
    "missing-ttl",
    "risky-trust",
    "workload-identity",
    "rbac",
    "secret-in-config",
    "identity-hygiene",
    "missing-audit",
    "unauthenticated-endpoint",
)


class Evidence(BaseModel):
    kind: str  # resource-type | tag | env-var | model-id | image | command | tool-of | config
    detail: str
    confidence: Confidence = Confidence.HIGH  # how surely this alone makes the workload an agent


class Agent(BaseModel):
    address: str
    type: str
    path: str
    start_line: Optional[int] = None
    stack: str
    evidence: list[Evidence]


class TraceStep(BaseModel):
    """One hop of the agent -> identity -> policy -> statement path."""

    role: str  # agent | tool | identity | attachment | policy | statement | credential | ...
    address: str
    path: Optional[str] = None
    line: Optional[int] = None
    note: Optional[str] = None


class Finding(BaseModel):
    rule_id: str
    rule_name: str
    title: str
    category: str
    severity: Severity
    confidence: Confidence
    message: str
    path: str
    start_line: Optional[int] = None
    end_line: Optional[int] = None
    address: str
    agents: list[str] = Field(default_factory=list)
    identity: Optional[str] = None
    trace: list[TraceStep] = Field(default_factory=list)
    fix: str
    fingerprint: str
    roots: list[str] = Field(default_factory=list)  # root modules (relative to the repository) it was found in
    # Earlier recipes, so old baselines keep matching: before repository roots (0.1.x), and, for findings on a policy
    # statement, the fingerprints they had at the attachment (before statement locations).
    legacy_fingerprints: list[str] = Field(default_factory=list, exclude=True)
    # (path, line) where a statement finding used to be (the attachment): suppression comments there still apply.
    legacy_location: Optional[tuple[str, int]] = Field(default=None, exclude=True)
    plan: Optional[str] = None  # the plan file of a plan finding (its `path` is the code's when the code was found)
    repo_path: Optional[str] = None  # `path` relative to its repository root (set by outputs.locations)
    stack: str = Field(default="", exclude=True)
    key: str = Field(default="", exclude=True)


class SuppressionInfo(BaseModel):
    path: str
    line: int
    reason: str


class SuppressedFinding(BaseModel):
    finding: Finding
    suppression: SuppressionInfo


class Report(BaseModel):
    """The `--format json` document. Field names are a public contract."""

    schema_version: int = 1
    tool: dict[str, str]
    findings: list[Finding]
    agents: list[Agent]
    errors: list[LoadError]
    notices: list[LoadError] = Field(default_factory=list)
    suppressed: list[SuppressedFinding] = Field(default_factory=list)
    summary: dict[str, Any]
    # Renderers' context, not part of the JSON: the repository roots (absolute) and each stack's root module relative
    # to its repository (SARIF base URIs, repository-relative paths, the PR comment's grouping by root module).
    repo_roots: list[str] = Field(default_factory=list, exclude=True)
    stack_roots: dict[str, str] = Field(default_factory=dict, exclude=True)
