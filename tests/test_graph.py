"""The identity graph: which workload runs as which identity, through what."""

from __future__ import annotations

from agentlint.config import Config
from agentlint.engine import build_graph
from agentlint.graph.refs import MISSING, parse_reference, value_at
from agentlint.graph.schema import Rel
from agentlint.values import Ref, Unknown

CASE = "fixtures/graph/aws-workloads"


def edges(graph):
    def short(node):
        return node.split("::", 1)[1]

    return {(short(e.source), e.rel.value, short(e.target)) for e in graph.edges()}


def test_workload_identity_edges():
    g = build_graph([CASE], Config())
    e = edges(g)
    assert ("aws_instance.browser_agent", "runs_as", "aws_iam_instance_profile.ec2") in e
    assert ("aws_iam_instance_profile.ec2", "profile_role", "aws_iam_role.ec2") in e
    assert ("aws_launch_template.workers", "runs_as", "aws_iam_instance_profile.ec2") in e  # by literal name
    assert ("kubernetes_service_account_v1.agent", "assumes", "aws_iam_role.irsa") in e
    assert ("kubernetes_deployment_v1.agent", "runs_as", "kubernetes_service_account_v1.agent") in e
    assert ("kubernetes_service_account_v1.planner", "assumes", "aws_iam_role.pod_identity") in e
    assert ("aws_codebuild_project.eval", "runs_as", "aws_iam_role.build") in e
    assert ("aws_iam_role.irsa", "trusts", "aws_iam_role.build") in e
    # The task role is the workload's identity (external here); the execution role is not.
    assert ("aws_ecs_task_definition.worker", "runs_as",
            "external:arn:aws:iam::111122223333:role/external-task-role") in e
    assert not any(u == "aws_ecs_task_definition.worker" and v == "aws_iam_role.ec2" for u, _, v in e)


def test_agents_and_their_identities():
    g = build_graph([CASE], Config())
    agents = {a.address: [ev.kind for ev in a.evidence] for a in g.agents.values()}
    assert agents == {"kubernetes_deployment_v1.agent": ["image"], "aws_codebuild_project.eval": ["env-var"]}
    irsa = next(n.id for n in g.nodes() if n.id.endswith("::aws_iam_role.irsa"))
    [path] = g.agent_paths(irsa)
    assert [g.address_of(h) for h in path.hops] == [
        "kubernetes_deployment_v1.agent", "kubernetes_service_account_v1.agent", "aws_iam_role.irsa"]


def test_configured_agent_tags():
    g = build_graph([CASE], Config.model_validate({"agents": {"tags": {}, "include": ["aws_instance.*"]}}))
    assert "aws_instance.browser_agent" in {a.address for a in g.agents.values()}
    ec2 = next(n.id for n in g.nodes() if n.id.endswith("::aws_iam_role.ec2"))
    assert [g.address_of(p.agent) for p in g.agent_paths(ec2)] == ["aws_instance.browser_agent"]


def test_tag_rules_from_configuration(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "f" {\n  role = "x"\n  tags = { team = "ml-agents" }\n}\n'
        'resource "aws_lambda_function" "g" {\n  role = "y"\n  tags = { team = "web" }\n}\n')
    g = build_graph([str(tmp_path)], Config.model_validate({"agents": {"tags": {"team": "ml-agents"}}}))
    assert [a.address for a in g.agents.values()] == ["aws_lambda_function.f"]
    assert g.agents[next(iter(g.agents))].evidence[0].kind == "tag"


# -- references into blocks and objects, and data sources ------------------------------------------------------



def _ref(text, address):
    return parse_reference(Unknown(text, (Ref(address, ""),)))


def test_reference_paths_keep_indexes_and_read_through_one_and_jsondecode():
    assert _ref("kubernetes_service_account_v1.a.metadata[0].name", "kubernetes_service_account_v1.a").steps == (
        "metadata", 0, "name")
    assert _ref("kubernetes_service_account.a.metadata.0.namespace", "kubernetes_service_account.a").steps == (
        "metadata", 0, "namespace")
    assert _ref("one(google_service_account.a[*].email)", "google_service_account.a").steps == ("email",)
    assert _ref("jsondecode(azapi_resource.p.output).identity.principalId", "azapi_resource.p").attr == (
        "output", "identity", "principalId")
    assert _ref("${data.aws_iam_policy.admin.arn}", "data.aws_iam_policy.admin").steps == ("arn",)
    # Instance keys select instances, not values; module addresses keep their prefix.
    found = _ref('aws_iam_role.r["a"].name', "module.m.aws_iam_role.r")
    assert found.ref.address == "module.m.aws_iam_role.r" and found.steps == ("name",)
    assert _ref("x.y[*].z", "x.y").steps == ("z",)  # a splat over instances


def test_a_reference_inside_a_larger_expression_is_not_a_reference():
    assert _ref('"${aws_iam_role.r.name}-suffix"', "aws_iam_role.r") is None
    assert _ref("lower(aws_iam_role.r.name)", "aws_iam_role.r") is None
    assert _ref("aws_iam_role.r.name", "aws_iam_role.other") is None
    two = Unknown("aws_iam_role.a.name == aws_iam_role.b.name", (Ref("aws_iam_role.a"), Ref("aws_iam_role.b")))
    assert parse_reference(two) is None
    assert parse_reference("literal") is None


def test_value_at_never_guesses_between_blocks():
    values = {"metadata": [{"name": "a", "namespace": "ns"}], "subject": [{"name": "x"}, {"name": "y"}],
              "output": '{"identity": {"principalId": "p"}}'}
    assert value_at(values, ("metadata", 0, "name")) == "a"
    assert value_at(values, ("metadata", "namespace")) == "ns"  # one block: the index may be left out
    assert value_at(values, ("subject", 1, "name")) == "y"
    assert value_at(values, ("subject", "name")) is MISSING  # two blocks, no index: not a guess
    assert value_at(values, ("subject", 5, "name")) is MISSING
    assert value_at(values, ("output", "identity", "principalId")) == "p"
    assert value_at(values, ("metadata", 0, "uid")) is MISSING
    assert value_at({"name": Unknown("var.x")}, ("name", "x")) is MISSING


def _graph(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return build_graph([str(tmp_path)], Config())


def _short_edges(g, rel):
    return {(g.address_of(e.source), g.address_of(e.target)) for e in g.relations(Rel(rel))}


SA_IN_NAMESPACE = '''
resource "kubernetes_namespace_v1" "ns" {
  metadata { name = "agents" }
}
resource "kubernetes_service_account_v1" "sa" {
  metadata {
    name      = "bot"
    namespace = kubernetes_namespace_v1.ns.metadata[0].name
  }
}
'''


def test_resolve_follows_references_to_references(tmp_path):
    g = _graph(tmp_path, {"main.tf": SA_IN_NAMESPACE})
    stack = next(iter(g.model.stacks))
    ns = Unknown("kubernetes_service_account_v1.sa.metadata[0].namespace", (Ref("kubernetes_service_account_v1.sa"),))
    assert g.resolve(stack, ns) == "agents"
    computed = Unknown("kubernetes_service_account_v1.sa.metadata[0].uid", (Ref("kubernetes_service_account_v1.sa"),))
    assert g.resolve(stack, computed) is computed  # not written in the code: stays unknown
    assert g.k8s_service_account(stack, "agents", "bot") is not None


def test_binding_in_a_local_module_names_the_service_account_by_reference(tmp_path):
    g = _graph(tmp_path, {
        "main.tf": 'module "k8s" {\n  source = "./k8s"\n}\n',
        "k8s/main.tf": SA_IN_NAMESPACE + '''
resource "kubernetes_role_binding_v1" "b" {
  metadata {
    name      = "bot-admin"
    namespace = kubernetes_namespace_v1.ns.metadata[0].name
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "admin"
  }
  subject {
    kind = "ServiceAccount"
    name = kubernetes_service_account_v1.sa.metadata[0].name
  }
}
'''})
    assert _short_edges(g, "k8s_binding") == {("module.k8s.kubernetes_service_account_v1.sa",
                                                "ClusterRole admin (built in)")}
    [binding] = g.relations(Rel.K8S_BINDING)
    assert binding.scope == "namespace agents"


def test_unreadable_service_account_names_meet_by_expression_and_are_never_dropped(tmp_path):
    g = _graph(tmp_path, {"main.tf": '''
variable "sa" {
  type = string
}
resource "kubernetes_pod_v1" "p" {
  metadata {
    name      = "p"
    namespace = "agents"
  }
  spec {
    service_account_name = var.sa
    container {
      name  = "c"
      image = "busybox"
    }
  }
}
resource "kubernetes_role_binding_v1" "b" {
  metadata {
    name      = "b"
    namespace = "agents"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "edit"
  }
  subject {
    kind = "ServiceAccount"
    name = var.sa
  }
}
'''})
    assert _short_edges(g, "runs_as") == {("kubernetes_pod_v1.p", "agents/var.sa")}
    assert _short_edges(g, "k8s_binding") == {("agents/var.sa", "ClusterRole edit (built in)")}


def test_data_identities_are_one_node_for_references_and_names(tmp_path):
    g = _graph(tmp_path, {"main.tf": '''
data "google_service_account" "shared" {
  account_id = "projects/acme/serviceAccounts/shared@acme.iam.gserviceaccount.com"
}
resource "google_cloud_run_v2_service" "s" {
  name     = "s"
  location = "europe-west1"
  template {
    service_account = data.google_service_account.shared.email
  }
}
resource "google_project_iam_member" "by_name" {
  project = "acme"
  role    = "roles/viewer"
  member  = "serviceAccount:shared@acme.iam.gserviceaccount.com"
}
data "azurerm_user_assigned_identity" "uai" {
  name                = "agent"
  resource_group_name = "identities"
}
resource "azurerm_role_assignment" "r" {
  scope                = "/subscriptions/0"
  role_definition_name = "Reader"
  principal_id         = data.azurerm_user_assigned_identity.uai.principal_id
}
data "aws_iam_role" "shared" {
  name = "shared-role"
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = data.aws_iam_role.shared.arn
}
resource "aws_iam_role_policy_attachment" "by_name" {
  role       = "shared-role"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
'''})
    assert _short_edges(g, "runs_as") == {("google_cloud_run_v2_service.s", "data.google_service_account.shared"),
                                          ("aws_lambda_function.f", "shared-role")}
    assert _short_edges(g, "gcp_binding") == {("data.google_service_account.shared", "roles/viewer")}
    assert _short_edges(g, "azure_assignment") == {("data.azurerm_user_assigned_identity.uai", "reader")}
    assert _short_edges(g, "policy") == {("shared-role", "arn:aws:iam::aws:policy/ReadOnlyAccess")}


def test_data_aws_iam_policy_is_a_managed_policy_only_when_it_can_be_placed(tmp_path):
    g = _graph(tmp_path, {"main.tf": '''
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = "{}"
}
data "aws_iam_policy" "admin" {
  name = "AdministratorAccess"
}
data "aws_iam_policy" "by_arn" {
  arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}
data "aws_iam_policy" "custom_path" {
  name        = "AdministratorAccess"
  path_prefix = "/teams/"
}
data "aws_iam_policy" "unknown_name" {
  name = "TeamBoundary"
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = data.aws_iam_policy.admin.arn
}
resource "aws_iam_role_policy_attachment" "b" {
  role       = aws_iam_role.r.name
  policy_arn = data.aws_iam_policy.by_arn.id
}
resource "aws_iam_role_policy_attachment" "c" {
  role       = aws_iam_role.r.name
  policy_arn = data.aws_iam_policy.custom_path.arn
}
resource "aws_iam_role_policy_attachment" "d" {
  role       = aws_iam_role.r.name
  policy_arn = data.aws_iam_policy.unknown_name.arn
}
'''})
    role = next(n.id for n in g.nodes() if n.id.endswith("::aws_iam_role.r"))
    policies = {g.address_of(gr.policy): g.document(gr.policy).known for gr in g.grants(role)}
    assert policies == {"arn:aws:iam::aws:policy/AdministratorAccess": True,
                        "arn:aws:iam::aws:policy/PowerUserAccess": True,
                        "AdministratorAccess": False, "TeamBoundary": False}


def test_targets_follow_a_reference_through_another_resources_attribute(tmp_path):
    g = _graph(tmp_path, {"main.tf": '''
resource "aws_iam_role" "r" {
  name               = "browser-agent"
  assume_role_policy = "{}"
}
resource "aws_iam_instance_profile" "p" {
  name = "browser-agent"
  role = aws_iam_role.r.name
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_instance_profile.p.role
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_role_policy_attachment" "b" {
  role       = aws_iam_instance_profile.p.arn
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
'''})
    assert _short_edges(g, "policy") == {
        ("aws_iam_role.r", "arn:aws:iam::aws:policy/AdministratorAccess"),
        # computed by the provider: not read, stays unknown
        ("aws_iam_instance_profile.p.arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")}


def test_identities_named_through_another_resources_attribute(tmp_path):
    g = _graph(tmp_path, {"main.tf": '''
resource "google_service_account" "agent" {
  account_id = "agent"
}
resource "google_cloud_run_v2_service" "a" {
  name     = "a"
  location = "europe-west1"
  template {
    service_account = google_service_account.agent.email
  }
}
resource "google_cloud_run_v2_job" "b" {
  name     = "b"
  location = "europe-west1"
  template {
    template {
      service_account = google_cloud_run_v2_service.a.template[0].service_account
    }
  }
}
resource "azurerm_user_assigned_identity" "uai" {
  name                = "agent"
  resource_group_name = "agents"
  location            = "westeurope"
}
resource "azurerm_role_assignment" "r" {
  scope                = "/subscriptions/0"
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.uai.principal_id
}
'''})
    assert _short_edges(g, "runs_as") == {("google_cloud_run_v2_service.a", "google_service_account.agent"),
                                          ("google_cloud_run_v2_job.b", "google_service_account.agent")}
    assert _short_edges(g, "azure_assignment") == {("azurerm_user_assigned_identity.uai", "reader")}


def test_user_assigned_identity_named_by_resource_id(tmp_path):
    g = _graph(tmp_path, {"main.tf": '''
data "azurerm_user_assigned_identity" "shared" {
  name                = "support-agent"
  resource_group_name = "identities"
}
resource "azurerm_container_app" "a" {
  name = "a"
  identity {
    type         = "UserAssigned"
    identity_ids = ["/subscriptions/0/resourceGroups/identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/support-agent"]
  }
}
resource "azurerm_container_app" "b" {
  name = "b"
  identity {
    type         = "UserAssigned"
    identity_ids = ["/subscriptions/0/resourceGroups/identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/other"]
  }
}
'''})
    assert _short_edges(g, "runs_as") == {
        ("azurerm_container_app.a", "data.azurerm_user_assigned_identity.shared"),
        ("azurerm_container_app.b", "/subscriptions/0/resourceGroups/identities/providers/Microsoft.ManagedIdentity/"
                                    "userAssignedIdentities/other")}


def test_a_gcp_workload_whose_service_account_cannot_be_read_runs_as_an_unknown_one(tmp_path):
    g = _graph(tmp_path, {"main.tf": '''
variable "sa" {
  type = string
}
resource "google_cloud_run_v2_service" "a" {
  name     = "a"
  location = "europe-west1"
  template {
    service_account = var.sa
  }
}
'''})
    assert _short_edges(g, "runs_as") == {("google_cloud_run_v2_service.a", "var.sa")}


def test_a_reference_passed_into_a_module_is_read_in_the_calling_module(tmp_path):
    g = _graph(tmp_path, {
        "main.tf": SA_IN_NAMESPACE + '''
module "rbac" {
  source    = "./rbac"
  sa_name   = kubernetes_service_account_v1.sa.metadata[0].name
  namespace = kubernetes_service_account_v1.sa.metadata[0].namespace
}
''',
        "rbac/main.tf": '''
variable "sa_name" {
  type = string
}
variable "namespace" {
  type = string
}
resource "kubernetes_cluster_role_binding_v1" "b" {
  metadata {
    name = "bot-admin"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind      = "ServiceAccount"
    name      = var.sa_name
    namespace = var.namespace
  }
}
'''})
    assert _short_edges(g, "k8s_binding") == {("kubernetes_service_account_v1.sa", "ClusterRole cluster-admin (built in)")}


def test_records_are_typed_and_frozen():
    import dataclasses

    import pytest

    from agentlint.graph.schema import Edge, Node, NodeKind

    g = build_graph([CASE], Config())
    irsa = next(n for n in g.nodes(NodeKind.PRINCIPAL) if n.address == "aws_iam_role.irsa")
    assert isinstance(irsa, Node) and irsa.rtype == "aws_iam_role" and irsa.resource.address == "aws_iam_role.irsa"
    [assumes] = [e for e in g.edges_in(irsa.id, Rel.ASSUMES)]
    assert isinstance(assumes, Edge) and g.address_of(assumes.source) == "kubernetes_service_account_v1.agent"
    assert assumes.attr == "metadata.annotations[eks.amazonaws.com/role-arn]"
    assert g.edges_out(assumes.source, Rel.ASSUMES) == [assumes]
    with pytest.raises(dataclasses.FrozenInstanceError):
        irsa.address = "x"
    assert all(isinstance(n.kind, NodeKind) for n in g.nodes()) and all(isinstance(e.rel, Rel) for e in g.edges())


def test_each_resource_type_is_wired_by_one_provider():
    from agentlint.graph import aws, azure, gcp, kubernetes
    from agentlint.graph.build import HANDLERS, PRINCIPAL_TYPES

    assert not set(aws.HANDLERS) & set(kubernetes.HANDLERS)
    assert HANDLERS["aws_lambda_function"] is aws.workload
    assert HANDLERS["kubernetes_deployment_v1"] is kubernetes.wire_pod
    assert set(PRINCIPAL_TYPES) == {"aws_iam_role", "aws_iam_user", "aws_iam_group", "aws_ssoadmin_permission_set",
                                    "google_service_account", "azurerm_user_assigned_identity"}
    assert gcp.PRINCIPAL_TYPES == ("google_service_account",) and azure.PRINCIPAL_TYPES == (
        "azurerm_user_assigned_identity",)


def test_console_login_of_an_unknown_user_adds_no_node(tmp_path):
    """A login profile is resolved while building (not by a rule), and only to users the graph already has."""
    g = _graph(tmp_path, {"main.tf": '''
resource "aws_iam_user" "bot" {
  name = "bot"
}
resource "aws_iam_user_login_profile" "bot" {
  user = aws_iam_user.bot.name
}
resource "aws_iam_user_login_profile" "elsewhere" {
  user = "someone-else"
}
'''})
    assert [(res.address, g.address_of(user)) for res, user in g.console_logins()] == [
        ("aws_iam_user_login_profile.bot", "aws_iam_user.bot")]
    assert not any("someone-else" in n.id for n in g.nodes())


def test_agentcore_gateway_lambda_target_is_a_tool_of_the_gateway():
    g = build_graph(["fixtures/AL801/bad/api-gateway"], Config())
    e = edges(g)
    assert ("aws_bedrockagentcore_gateway.tools", "tool", "aws_lambda_function.search") in e
    [tool] = [a for a in g.agents.values() if a.address == "aws_lambda_function.search"]
    assert [ev.kind for ev in tool.evidence] == ["tool-of"]
