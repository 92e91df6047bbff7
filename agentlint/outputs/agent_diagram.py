"""One agent's paths to its findings as a Mermaid flowchart, drawn from the findings' `trace` steps.

Each node is drawn once: a step is keyed by its address (a policy statement by its address and label, so an inline
policy and its statements are two nodes, never a loop). A step hangs from the nearest earlier step of a higher
level (agent > tool > workload > identity > group > attachment > policy > statement), so a trace that lists two
policies, or two statements of one policy, draws a fork rather than a chain through a statement. Edge labels come
from the roles at both ends. The agent is drawn as a stadium; the node that carries a finding (the finding's
address, or its statement when it is located at one, added after the path when the trace stops short of it) shows
the rule id and severity.

Every label is text from the scanned tree: characters beyond a plain set become Mermaid entity codes (`#35;`), so
no address can end a label, a line, the diagram or the Markdown code block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from agentlint.model import Finding, TraceStep
from agentlint.values import printable

_LEVEL = {"agent": 0, "tool": 1, "workload": 2, "profile": 2, "principal": 2, "identity": 3, "group": 4,
          "attachment": 5, "binding": 5, "credential": 5, "policy": 6, "k8s_role": 6, "role": 6, "statement": 7}
_PLAIN = re.compile(r"[A-Za-z0-9 ._\-/:@()\[\]'=,+*]")
MAX_LABEL = 90
# A finding's own node, added when the trace stops before it: IAM bindings and members, Kubernetes bindings.
_BINDING = re.compile(r"binding|iam_member|iam_policy\b|role_assignment|kubernetes_manifest")
_KEY = re.compile(r"access_key|_key\b")


def _finding_edge(address: str) -> str:
    """The label of the edge to a finding's node that the trace stops short of."""
    kind = address.split("[")[0]
    if _BINDING.search(kind):
        return "bound to"
    if _KEY.search(kind):
        return "has key"
    return "uses"


def label_text(text: str) -> str:
    """Text inside a quoted Mermaid label: anything but a plain set of characters as an entity code."""
    text = printable(text).replace("\n", " ")
    if len(text) > MAX_LABEL:
        text = text[:MAX_LABEL - 1] + "…"
    return "".join(ch if _PLAIN.fullmatch(ch) else f"#{ord(ch)};" for ch in text)


def _edge_label(parent: str, child: str, step: TraceStep) -> str:
    if child == "group":
        return "member of"
    if child == "attachment":
        return "attached"
    if child == "policy":
        return "attaches" if parent == "attachment" else "attached"
    if child == "statement":
        return "trust policy" if "assume_role_policy" in step.address else "grants"
    if child in ("k8s_role", "role") and parent == "binding":
        return "grants"
    if child in ("k8s_role", "binding") or (parent == "workload" and child == "identity"):
        return "bound to"
    if child == "credential":
        return "has key"
    if parent == "profile" and child == "identity":
        return "holds"
    if child in ("identity", "workload", "principal", "profile"):
        return "runs as"
    return "uses"


@dataclass
class _Node:
    key: tuple
    label: str
    agent: bool = False
    marks: list[str] = field(default_factory=list)


class Diagram:
    """Nodes and edges of one agent's diagram; `add(finding)` draws that finding's path."""

    def __init__(self, agent: str):
        self.agent = agent
        self.nodes: dict[tuple, _Node] = {}
        self.edges: dict[tuple[tuple, tuple], tuple[str, bool]] = {}  # (from, to) -> (label, dashed)
        self.root = self._node(("agent", agent), label_text(agent), agent=True)

    def _node(self, key: tuple, label: str, agent: bool = False) -> tuple:
        if key not in self.nodes:
            self.nodes[key] = _Node(key, label, agent)
        return key

    def _edge(self, a: tuple, b: tuple, label: str, dashed: bool = False, override: bool = False) -> None:
        if a == b:
            return
        if (b, a) in self.edges and not override:
            return  # never both directions between two nodes
        if override or (a, b) not in self.edges:
            self.edges[(a, b)] = (label, dashed)

    def _path(self, f: Finding) -> tuple[list[TraceStep], bool]:
        """The steps from this agent on, and whether the trace reached it (else the link to the identity is
        dashed: the finding names the agent, its trace went through another one)."""
        steps = list(f.trace)
        for i, step in enumerate(steps):
            if step.address == self.agent and step.role != "reference":  # an IAM user agent is its own identity
                first = step.model_copy(update={"role": "agent"}) if step.role == "tool" else step
                return [first] + steps[i + 1:], True
        start = next((i for i, s in enumerate(steps) if s.role == "identity"), None)
        rest = steps[start:] if start is not None else [s for s in steps if s.role not in ("agent", "tool")]
        return [TraceStep(role="agent", address=self.agent)] + rest, False

    def add(self, f: Finding) -> None:
        steps, reached = self._path(f)
        placed: list[tuple[str, tuple, TraceStep]] = []  # (role, key, step)
        carrier: Optional[tuple] = None
        for step in steps:
            if step.role == "reference":  # a resource that holds the identity's access key
                identity = next((k for r, k, _ in reversed(placed) if r == "identity"), None)
                ref = self.root if step.address == self.agent else self._node(("node", step.address),
                                                                              label_text(step.address))
                if identity is not None:
                    self._edge(ref, identity, "holds key of", override=True)
                continue
            if step.address == self.agent:
                key = self.root
            elif step.role == "statement":
                key = ("statement", step.address, step.note)
            else:
                key = ("node", step.address)
            if step.role == "agent" and key != self.root and placed:
                # Multi-agent chain: an agent the previous step lets it drive (a grant or a collaborator).
                self._node(key, label_text(step.address))
                self._edge(placed[-1][1], key, "invokes")
                placed.append((step.role, key, step))
                continue
            level = _LEVEL.get(step.role, 8)
            parent = next(((r, k, s) for r, k, s in reversed(placed) if _LEVEL.get(r, 8) < level), None)
            if key not in self.nodes:
                text = step.address
                if step.role == "statement":
                    same = parent is not None and parent[2].address == step.address
                    text = (step.note or "statement") if same else f"{step.address} {step.note or ''}".strip()
                self._node(key, label_text(text))
            if parent is not None:
                if step.role == "tool":  # drawn from the tool to the agent that calls it
                    self._edge(key, parent[1], "tool of")
                else:
                    dashed = not reached and parent[1] == self.root
                    self._edge(parent[1], key, "reaches" if dashed else _edge_label(parent[0], step.role, step),
                               dashed)
            placed.append((step.role, key, step))
            if carrier is None and step.role != "statement" and step.address == f.address:
                carrier = key
        if carrier is None:  # a finding located at its policy statement: the statement's node carries it
            carrier = next((k for r, k, s in reversed(placed) if r == "statement" and s.address == f.address), None)
        endpoint = next((s for s in f.trace if s.role == "endpoint"), None)
        if endpoint is not None and carrier is None:
            # An unauthenticated endpoint calls the function the trace reaches just before the identity.
            called = next((f.trace[i - 1] for i, s in enumerate(f.trace) if s.role == "identity" and i > 1), None)
            target = self.root if called is None or called.address == self.agent else ("node", called.address)
            if target in self.nodes:
                carrier = self._node(("node", endpoint.address), label_text(endpoint.address))
                self._edge(carrier, target, "invokes", override=True)
        if carrier is None:
            carrier = ("node", f.address)
            if carrier not in self.nodes:
                self._node(carrier, label_text(f.address))
            last = next((k for r, k, _ in reversed(placed) if r != "statement"), self.root)
            self._edge(last, carrier, _finding_edge(f.address))
        mark = f"{f.rule_id} {f.severity.value}"
        if mark not in self.nodes[carrier].marks:
            self.nodes[carrier].marks.append(mark)

    def render(self) -> list[str]:
        ids = {key: f"n{i}" for i, key in enumerate(self.nodes)}
        lines = ["```mermaid", "flowchart LR"]
        for key, node in self.nodes.items():
            text = node.label + "".join(f"<br/>⚠ {m}" for m in node.marks)
            shape = f'(["{text}"])' if node.agent else f'["{text}"]'
            lines.append(f"  {ids[key]}{shape}" + (":::finding" if node.marks else ""))
        for (a, b), (label, dashed) in self.edges.items():
            lines.append(f'  {ids[a]} {"-.->" if dashed else "-->"}|"{label}"| {ids[b]}')
        lines.append("  classDef finding fill:#fde2e1,stroke:#c62828,stroke-width:2px")
        lines.append("```")
        return lines
