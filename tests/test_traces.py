"""The path of each finding (its `trace`): what the Markdown diagrams, SARIF related locations and the text report's
`path:` line draw. Every finding of a rule ranked by the agents it reaches carries one, except where the rule's
finding can stand on a lone resource (the allow-list below, with the reason); tests/test_rules.py checks every
fixture case against this list, and a test here keeps the list exact."""

from __future__ import annotations

import pytest

from agentlint.rule.contract import Ranking
from agentlint.rule.registry import all_rules
from conftest import FIXTURES, rel
from helpers import run

# Rules ranked by agents whose finding may have no path at all: the resource stands alone in the scanned code.
NO_PATH = {
    "AL103": "a Kubernetes Role or ClusterRole with wildcards that no agent's service account is bound to",
    "AL104": "an Azure custom role definition, judged before anything is assigned it",
    "AL205": "a Kubernetes Role with escalation verbs that no agent's service account is bound to",
    "AL211": "a cluster whose identity control is off, with no agent workload in its root module",
    "AL305": "a secret in a credential provider or configuration that no agent uses",
    "AL310": "a token Secret of a service account that no agent runs as",
    "AL313": "a GKE cluster or node pool running as the default service account, with no agent on it",
    "AL320": "a host (or launch template) configured with credentials in its boot script, not an agent",
    "AL322": "a GKE cluster issuing static credentials, with no agent workload in its root module",
    "AL403": "a ClusterRole that reads every Secret and that no binding names (judged on its own, one level lower)",
    "AL608": "a grant to a whole workload identity pool: every identity of the pool, none of them an agent",
}
RULES = {r.id: r for r in all_rules()}


def trace_gaps(findings) -> list[str]:
    """Findings of agent-ranked rules without a path that the allow-list does not explain, and findings that reach
    agents without starting their path at one."""
    gaps = []
    for f in findings:
        if RULES[f.rule_id].ranking is not Ranking.AGENTS:
            continue
        # An agent that is its own identity (an IAM user agent) starts its path as the identity.
        if f.agents and (not f.trace or (f.trace[0].role != "agent" and f.trace[0].address not in f.agents)):
            gaps.append(f"{f.rule_id} {f.address}: reaches {f.agents} but its path starts at "
                        f"{f.trace[0].role if f.trace else 'nothing'}")
        elif not f.trace and f.rule_id not in NO_PATH:
            gaps.append(f"{f.rule_id} {f.address}: no path")
    return gaps


def _trace(case: str, rule: str) -> list[list[tuple]]:
    report = run(case, rules={rule: {"enabled": True}}, select=[rule])
    return [[(s.role, s.address, s.note) for s in f.trace] for f in report.findings if f.rule_id == rule]


def test_kubernetes_binding_and_role_are_steps():
    assert _trace("fixtures/AL204/bad/cluster-admin", "AL204") == [
        [("agent", "kubernetes_deployment_v1.triage", None),
         ("identity", "kubernetes_service_account_v1.triage", None),
         ("binding", "kubernetes_cluster_role_binding_v1.triage", None),
         ("k8s_role", "ClusterRole cluster-admin (built in)", "the whole cluster")],
        [("agent", "kubernetes_pod_v1.summariser", None), ("identity", "agents/default", None),
         ("binding", "kubernetes_role_binding_v1.default_edit", None),
         ("k8s_role", "ClusterRole edit (built in)", "namespace agents")]]


def test_google_and_azure_members_and_roles_are_steps():
    assert _trace("fixtures/AL207/bad/project-token-creator", "AL207")[0] == [
        ("agent", "google_vertex_ai_reasoning_engine.orchestrator", None),
        ("identity", "google_service_account.agent", None),
        ("binding", "google_project_iam_member.token_creator", None),
        ("role", "roles/iam.serviceAccountTokenCreator", "on project acme-agents")]
    assert _trace("fixtures/AL206/bad/agent-editor", "AL206")[0][2:] == [
        ("binding", "google_project_iam_member.agent_editor", None), ("role", "roles/editor", "on project acme-agents")]
    assert _trace("fixtures/AL208/bad/agent-contributor", "AL208")[1] == [
        ("agent", "azurerm_linux_function_app.ops", None), ("identity", "azurerm_user_assigned_identity.ops", None),
        ("binding", "azurerm_role_assignment.ops_owner", None),
        ("role", "owner", "on subscription 00000000-0000-0000-0000-000000000000")]


def test_the_access_key_is_the_last_step():
    assert _trace("fixtures/AL301/bad/agent-key", "AL301") == [
        [("agent", "aws_apprunner_service.bot", None), ("identity", "aws_iam_user.bot", None),
         ("credential", "aws_iam_access_key.bot", None)],
        [("identity", "aws_iam_user.backup", None), ("credential", "aws_iam_access_key.backup", None)]]
    # An agent that carries the key itself: the key is on its path once.
    assert [t for t in _trace("fixtures/AL302/bad/key-in-env", "AL301")[0] if t[1] == "aws_iam_access_key.agent"] == [
        ("credential", "aws_iam_access_key.agent", None)]


def test_the_diagram_draws_binding_and_role():
    from agentlint.outputs.agent_diagram import Diagram

    report = run("fixtures/AL204/bad/cluster-admin", select=["AL204"])
    finding = report.findings[0]
    diagram = Diagram(finding.agents[0])
    diagram.add(finding)
    lines = "\n".join(diagram.render())
    assert '"ClusterRole cluster-admin (built in)"' in lines
    assert '|"bound to"|' in lines and '|"grants"|' in lines
    assert '"kubernetes_cluster_role_binding_v1.triage<br/>⚠ AL204 critical"]:::finding' in lines


@pytest.mark.slow
def test_every_fixture_finding_has_its_path_or_an_allowed_reason():
    """The list, per agent-ranked rule, of how many fixture findings carry a path; the allow-list is exact: a rule
    on it has a fixture finding without one."""
    cases = sorted(p for p in FIXTURES.glob("AL*/*/*") if p.is_dir() and p.parent.name in ("bad", "good"))
    with_path: dict[str, int] = {}
    without: dict[str, int] = {}
    gaps = []
    for case in cases:
        findings = run(rel(case), rules={case.parent.parent.name: {"enabled": True}}).findings
        gaps += trace_gaps(findings)
        for f in findings:
            if RULES[f.rule_id].ranking is Ranking.AGENTS:
                bucket = with_path if f.trace else without
                bucket[f.rule_id] = bucket.get(f.rule_id, 0) + 1
    assert gaps == []
    assert set(without) == set(NO_PATH), "NO_PATH must list exactly the rules with a finding without a path"
    ranked = {r for r, rule in RULES.items() if rule.ranking is Ranking.AGENTS}
    assert set(with_path) | set(without) <= ranked and len(with_path) >= 25
