"""The pull-request comment: grouped by root module, one agent per root and address, one diagram per agent drawn from
the findings' traces (labelled edges, the finding's node marked, no repeated node, no loop), an update marker, and
the size cap."""

from __future__ import annotations

import re

import pytest

from agentlint.config import Config
from agentlint.engine import scan
from agentlint.outputs import markdown
from agentlint.outputs.agent_diagram import label_text
from conftest import ROOT

MODULE = '''variable "policy_arn" {
  type = string
}

resource "aws_bedrockagent_agent" "support" {
  agent_name              = "support"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
}

resource "aws_iam_role" "agent" {
  name = "support-agent"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "bedrock.amazonaws.com" }
      Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "this" {
  role       = aws_iam_role.agent.name
  policy_arn = var.policy_arn
}
'''


def _env(policy: str) -> str:
    return f'module "agent" {{\n  source     = "../../modules/agent"\n  policy_arn = "arn:aws:iam::aws:policy/{policy}"\n}}\n'


@pytest.fixture
def two_envs(tmp_path, monkeypatch):
    """dev and prod call one module: the same agent address, a different policy in each."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for folder, text in (("modules/agent", MODULE), ("envs/dev", _env("PowerUserAccess")),
                         ("envs/prod", _env("AdministratorAccess"))):
        (root / folder).mkdir(parents=True)
        (root / folder / "main.tf").write_text(text)
    monkeypatch.chdir(root)
    return root


def _diagrams(text: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", text, re.S)


def _sections(text: str) -> dict[str, str]:
    """`### Root module ...` heading -> its text."""
    parts = re.split(r"^(### Root modules? .*)$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def test_a_dev_and_a_prod_agent_of_the_same_address_are_never_merged(two_envs, snapshot):
    text = markdown.render(scan(["."], Config()))
    sections = _sections(text)
    assert list(sections) == ["### Root module `envs/dev`", "### Root module `envs/prod`"]
    dev, prod = sections.values()
    agent = "#### Agent `module.agent.aws_bedrockagent_agent.support` (aws_bedrockagent_agent)"
    assert dev.count(agent) == 1 and prod.count(agent) == 1
    [dev_diagram] = _diagrams(dev)
    [prod_diagram] = _diagrams(prod)
    assert "PowerUserAccess" in dev_diagram and "AdministratorAccess" not in dev_diagram
    assert "AdministratorAccess" in prod_diagram and "PowerUserAccess" not in prod_diagram
    assert text == snapshot


def test_the_comment_starts_with_the_update_marker():
    text = markdown.render(scan(["fixtures/examples/bedrock-agent"], Config(), root=str(ROOT)))
    assert text.startswith("<!-- agentlint-report -->\n## agentlint: 4 findings\n")


def test_example_comment(snapshot):
    text = markdown.render(scan(["fixtures/examples/bedrock-agent"], Config(), root=str(ROOT)))
    [diagram] = _diagrams(text)
    # The action-group Lambda is drawn as the agent's tool, in the agent's diagram, not in a section of its own.
    assert text.count("### Agent ") == 1
    assert 'n4 -->|"tool of"| n0' in diagram
    assert text == snapshot


@pytest.fixture(scope="module")
def all_fixtures():
    import os

    old = os.getcwd()
    os.chdir(ROOT)
    try:
        return scan(["fixtures"], Config(), root=str(ROOT))
    finally:
        os.chdir(old)


_NODE = re.compile(r'^  (n\d+)(?:\(\["(.*)"\]\)|\["(.*)"\])(:::finding)?$')
_EDGE = re.compile(r'^  (n\d+) (-->|-\.->)\|"([a-z ]+)"\| (n\d+)$')


def test_every_diagram_draws_its_agent_once_without_loops(all_fixtures):
    text = markdown.render(all_fixtures, limit=10**9)
    headings = re.findall(r"^#### Agent `([^\n]*)` \([^\n]*\)\n\n```mermaid\n(.*?)```", text, re.S | re.M)
    assert len(headings) == len(_diagrams(text)) > 50
    for agent, diagram in headings:
        lines = diagram.splitlines()
        assert lines[0] == "flowchart LR"
        nodes, edges, marked = {}, [], []
        for line in lines[1:]:
            if line.startswith("  classDef"):
                continue
            if m := _NODE.match(line):
                label = m.group(2) or m.group(3)
                nodes[m.group(1)] = (label, m.group(2) is not None)
                if m.group(4):
                    marked.append(m.group(1))
            else:
                m = _EDGE.match(line)
                assert m, line
                edges.append((m.group(1), m.group(4), m.group(3)))
        # No node drawn twice (a statement labelled by its number alone hangs from its own policy: two policies'
        # statement #1 are two nodes).
        labels = [label.split("<br/>")[0] for label, _ in nodes.values()]
        labels = [label for label in labels if not label.startswith("statement ")]
        assert len(labels) == len(set(labels)), diagram
        assert all(a != b for a, b, _ in edges), diagram  # no self-loop
        pairs = {frozenset((a, b)) for a, b, _ in edges}
        assert len(pairs) == len(edges), diagram  # one edge at most between two nodes
        # The section's agent is the diagram's one agent node (the AL308 section once drew another agent).
        [(label, _)] = [v for v in nodes.values() if v[1]]
        assert label.split("<br/>")[0] == label_text(agent.replace("\\|", "|"))
        assert marked and all("<br/>⚠ AL" in nodes[n][0] for n in marked)
        assert all(edge in {"runs as", "tool of", "attached", "attaches", "member of", "bound to", "grants",
                            "trust policy", "holds", "holds key of", "has key", "reaches", "uses", "invokes"}
                   for _, _, edge in edges)


def _agent_diagram(text: str, agent: str) -> str:
    return re.search(r"^#### Agent `" + re.escape(agent) + r"` [^\n]*\n\n```mermaid\n(.*?)```", text, re.S | re.M).group(1)


def test_paths_that_used_to_loop_or_draw_the_wrong_agent(all_fixtures):
    text = markdown.render(all_fixtures, limit=10**9)
    # An inline policy block and its statement: two nodes, not one node with a loop.
    inline = _agent_diagram(text, "aws_bedrockagent_agent.billing")
    assert '["aws_iam_role.billing.inline_policy[\'admin\']"]' in inline and '["statement #35;1"]' in inline
    # AL308: the finance runtime shares its role with another agent; its own diagram starts at it, dashed, since
    # the finding's trace went through the other agent.
    finance = _agent_diagram(text, "aws_bedrockagentcore_agent_runtime.finance")
    assert finance.splitlines()[1:4] == [
        '  n0(["aws_bedrockagentcore_agent_runtime.finance"])',
        '  n1["aws_iam_role.bots<br/>⚠ AL308 medium"]:::finding',
        '  n0 -.->|"reaches"| n1']
    assert "support_bot" not in finance
    # Kubernetes: the service account is bound by the binding that carries the finding.
    triage = _agent_diagram(text, "kubernetes_deployment_v1.triage")
    assert '["kubernetes_cluster_role_binding_v1.triage<br/>⚠ AL204 critical"]:::finding' in triage
    assert ' -->|"bound to"| ' in triage
    # An access key held by the agent: one agent node, the edge says how it holds the user.
    bot = _agent_diagram(text, "aws_apprunner_service.bot")
    assert bot.count("aws_apprunner_service.bot") == 1 and '  n0 -->|"holds key of"| n1' in bot


def test_the_comment_stays_under_the_limit_and_says_what_it_left_out(all_fixtures):
    full = markdown.render(all_fixtures, limit=10**9)
    capped = markdown.render(all_fixtures)
    assert len(full) > markdown.LIMIT
    assert len(capped) <= markdown.LIMIT
    note = re.search(r"\*\*Not shown:\*\* (\d+) findings \(([^)]*)\), (\d+) sections, (\d+) diagrams, to keep this "
                     r"comment under GitHub's size limit", capped)
    assert note, capped[-500:]
    total = len(all_fixtures.findings)
    shown = {row for row in capped.splitlines() if re.match(r"^\| \S+ (critical|high|medium|low|info) \|", row)}
    every = {row for row in full.splitlines() if re.match(r"^\| \S+ (critical|high|medium|low|info) \|", row)}
    assert shown < every
    assert int(note.group(1)) == sum(1 for f in all_fixtures.findings
                                     if not any(markdown._rows([f])[0] == row for row in shown))
    assert int(note.group(1)) < total
    # The most severe first: no finding is shown while a more severe one is left out (with every fixture there are
    # more critical findings than one comment holds, so the cut falls inside the critical ones).
    hidden = [f.severity.rank for f in all_fixtures.findings if markdown._rows([f])[0] not in shown]
    visible = [f.severity.rank for f in all_fixtures.findings if markdown._rows([f])[0] in shown]
    assert hidden and visible and min(visible) >= max(hidden)  # ranks: critical highest
    assert sum(1 for f in all_fixtures.findings if f.severity.value == "critical" and markdown._rows([f])[0] in shown)
    assert int(note.group(4)) == len(_diagrams(full)) - len(_diagrams(capped))


def test_a_small_limit(all_fixtures):
    text = markdown.render(all_fixtures, limit=8_000)
    assert len(text) <= 8_000
    assert text.startswith("<!-- agentlint-report -->\n")
    assert "**Not shown:** " in text and "### How to fix" in text


def test_labels_from_the_scanned_tree_cannot_break_the_diagram():
    hostile = 'x"]) --> evil["y`\n```\n# heading <b>&amp; %%{init}%% |pipe| #35;'
    label = label_text(hostile)
    assert re.fullmatch(r"[A-Za-z0-9 ._\-/:@()\[\]'=,+*#;]*", label)
    assert '"' not in label and "`" not in label and "\n" not in label and "|" not in label
    assert label.startswith("x#34;]) --#62; evil[#34;y#96;")
