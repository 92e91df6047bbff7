"""The identity graph: workloads -> identities -> policies, plus credentials and trust, in one networkx graph.

Node ids are `<stack>::<address>`: a stack is one root module or one plan file, and edges never cross stacks.
Node attributes: `kind` (workload | principal | policy | credential | external), `address`, `rtype`, and
`resource` (the Resource, or None for synthetic nodes such as AWS managed policies and inline policy blocks).
Edge attribute `rel` says what the edge means; `via` is the resource that creates the edge (an attachment, a
membership, an instance profile) so findings can point at the line where the risk was wired in.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Optional

import networkx as nx

from agentlint.graph.agents import config_evidence, evidence_for
from agentlint.graph.query import GraphQuery, external_sa_node
from agentlint.graph import azure, gcp, k8s
from agentlint.graph.refs import MISSING, Reference, parse_reference, value_at
from agentlint.graph.aws import (ATTACHMENT_TYPES, INLINE_POLICY_TYPES, IRSA_ANNOTATION, K8S_POD_SPEC,
                                 K8S_SERVICE_ACCOUNT_TYPES, PRINCIPAL_TYPES, TARGET_TYPES, WORKLOAD_IDENTITY)
from agentlint.iam.managed import lookup_managed, managed_policy_name
from agentlint.iam.policy import PolicyDocument, from_policy_document_data, parse_policy_value
from agentlint.model import Agent, Evidence, LoadError, Resource, ScanModel
from agentlint.values import Unknown, blocks, display, first_block, follow_blocks, redact, refs_in

# The arguments a `statement` block of `data "aws_iam_policy_document"` has.
POLICY_DOCUMENT_STATEMENT_ARGS = {"sid", "effect", "actions", "not_actions", "resources", "not_resources", "principals",
                                  "not_principals", "condition"}



@dataclass
class AgentOptions:
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)


class IdentityGraph(GraphQuery):
    """Builds the graph from the scan model, then freezes it: rules only ask (graph.query)."""

    def __init__(self, model: ScanModel, agent_options: Optional[AgentOptions] = None):
        self._g = nx.MultiDiGraph()
        self.model = model
        self.options = agent_options or AgentOptions()
        self.by_ref: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        self.by_address: dict[tuple[str, str], Resource] = {}
        self.by_name: dict[tuple[str, str, str], Resource] = {}
        self.agents: dict[str, Agent] = {}
        self._docs: dict[str, PolicyDocument] = {}
        self._service_account_index: Optional[dict[tuple, list[Resource]]] = None
        literal_types = {t for types in TARGET_TYPES.values() for t in types}
        for res in model.resources:
            self.by_ref[(res.stack, res.ref_address)].append(res)
            self.by_address[(res.stack, res.address)] = res
            if res.type in literal_types:  # only these are ever looked up by a literal name or ARN
                for key in ("name", "arn"):
                    val = res.values.get(key)
                    if isinstance(val, str):
                        self.by_name.setdefault((res.stack, res.type, val), res)
        self._build()
        self._freeze()

    # -- node helpers ----------------------------------------------------------------------------------------

    def _add(self, res: Resource, kind: str) -> str:
        node = self.nid(res)
        if node not in self._g:
            self._g.add_node(node, kind=kind, address=res.address, rtype=res.type, resource=res, stack=res.stack)
        return node

    @staticmethod
    def _external_id(stack: str, label: str) -> str:
        return f"{stack}::external:{redact(label)}"

    def _external(self, stack: str, kind: str, label: str, rtype: str = "external") -> str:
        label = redact(label)  # a literal in an identity attribute is shown in paths and graph output
        node = f"{stack}::external:{label}"
        if node not in self._g:
            self._g.add_node(node, kind="external", target_kind=kind, address=label, rtype=rtype, resource=None,
                            stack=stack)
        return node

    def reference(self, stack: str, value: Any) -> Optional[tuple[Resource, Reference]]:
        """The resource a value is exactly a reference to, with the attribute path inside it, when the scanned code
        defines that resource (or data source)."""
        found = parse_reference(value)
        if found is None:
            return None
        res = self.lookup(stack, found.ref.address)
        return (res, found) if res is not None else None

    def resolve(self, stack: str, value: Any) -> Any:
        """The value a reference names, read from the referenced resource's evaluated values at the attribute path
        (`kubernetes_service_account_v1.agent.metadata[0].name` -> the name written there), following references
        that lead to references. A value that is not a plain reference, or whose target attribute is not written in
        the code (computed by the provider, or unknown itself), is returned unchanged: it stays unknown."""
        for _ in range(8):
            found = self.reference(stack, value)
            if found is None:
                return value
            res, ref = found
            target = value_at(res.values, ref.steps)
            if target is MISSING or target is None:
                return value
            value = target
            if not isinstance(value, Unknown):
                return value
        return value

    def _address_of(self, node: str) -> str:  # while building, before the records exist
        return self._g.nodes[node]["address"]

    def _resource_of(self, node: str) -> Optional[Resource]:
        return self._g.nodes[node].get("resource")

    # -- target resolution -----------------------------------------------------------------------------------

    def targets(self, stack: str, value: Any, kind: str, _depth: int = 0,
                known_only: bool = False) -> list[tuple[str, bool]]:
        """Nodes a value points at, as (node, resolved). Literals match by name/ARN; references by address, or
        through the attribute of another resource they name (`aws_iam_instance_profile.p.role`). With
        `known_only`, only nodes the graph already has: nothing is added."""
        types = TARGET_TYPES[kind]
        out: list[tuple[Optional[str], bool]] = []

        def add(res: Resource) -> Optional[str]:
            if known_only:
                return self.nid(res) if self.nid(res) in self._g else None
            return self._add(res, _kind_for(res.type))

        def external(label: str, rtype: str = "external") -> Optional[str]:
            if known_only:
                node = self._external_id(stack, label)
                return node if node in self._g else None
            return self._external(stack, kind, label, rtype)

        for item in value if isinstance(value, list) else [value]:
            if item is None or item == "":
                continue
            if isinstance(item, Unknown):
                matched = False
                for ref in item.refs:
                    res = self.lookup(stack, ref.address)
                    if res is not None and res.type in types and res.mode == "managed":
                        out.append((add(res), True))
                        matched = True
                    elif res is not None and res.mode == "data" and res.type in types:
                        out.append((external(_literal_name(res) or res.address, res.type), False))
                        matched = True
                if matched:
                    continue
                resolved = self.resolve(stack, item)
                if resolved is not item and isinstance(resolved, (str, Unknown)) and _depth < 4:
                    out.extend(self.targets(stack, resolved, kind, _depth + 1, known_only))
                else:
                    out.append((external(display(item), "unresolved"), False))
            elif isinstance(item, str):
                res = self._by_literal(stack, types, item)
                if res is not None and res.mode == "data":
                    # A data source names an identity defined elsewhere: one node for it, by reference or by name.
                    out.append((external(_literal_name(res) or item, res.type), False))
                elif res is not None:
                    out.append((add(res), True))
                else:
                    out.append((external(item), False))
        return [(node, resolved) for node, resolved in out if node is not None]

    def _by_literal(self, stack: str, types: tuple[str, ...], text: str) -> Optional[Resource]:
        candidates = [text]
        if text.startswith("arn:"):
            candidates.append(text.rsplit("/", 1)[-1])
        for t in types:
            for c in candidates:
                res = self.by_name.get((stack, t, c))
                if res is not None:
                    return res
        return None

    # -- building --------------------------------------------------------------------------------------------

    def _build(self) -> None:
        resources = self.model.resources
        for res in resources:
            if res.mode != "managed":
                continue
            if res.type in PRINCIPAL_TYPES:
                self._add(res, "principal")
        for res in resources:
            if res.mode != "managed":
                continue
            t = res.type
            if t in WORKLOAD_IDENTITY:
                self._workload(res)
            elif t in K8S_SERVICE_ACCOUNT_TYPES:
                self._service_account(res)
            elif t in K8S_POD_SPEC:
                self._pod(res)
            elif t == "kubernetes_manifest":
                self._manifest_workload(res)
            elif t == "aws_iam_instance_profile":
                self._instance_profile(res)
            elif t in INLINE_POLICY_TYPES:
                self._inline_policy(res)
            elif t in ATTACHMENT_TYPES:
                self._attachment(res)
            elif t == "aws_iam_group_membership":
                self._membership(res, res.values.get("users"), res.values.get("group"))
            elif t == "aws_iam_user_group_membership":
                self._membership(res, res.values.get("user"), res.values.get("groups"))
            elif t in ("aws_iam_access_key", "aws_iam_service_specific_credential"):
                self._credential(res)
            elif t == "aws_bedrockagent_agent_action_group":
                self._action_group(res)
        for res in resources:
            if res.mode == "managed" and res.type == "aws_iam_role":
                self._role_own_policies(res)
                self._trust(res)
            if res.mode == "managed" and res.type in ("aws_iam_role", "aws_iam_user"):
                self._boundary(res)
        self._credential_users()
        self._k8s_rbac(resources)
        self._gcp(resources)
        self._azure(resources)
        self._standalone_policies(resources)
        self._policy_document_arguments(resources)
        self._console_logins = [(res, user) for res in resources
                                if res.mode == "managed" and res.type == "aws_iam_user_login_profile"
                                for user, _ in self.targets(res.stack, res.values.get("user"), "user",
                                                            known_only=True)]
        self._detect_agents()

    def _workload(self, res: Resource) -> None:
        node = self._add(res, "workload")
        for path, kind in WORKLOAD_IDENTITY[res.type]:
            value = _value_at(res.values, path)
            if value is None:
                continue
            for target, _ in self.targets(res.stack, value, kind):
                self._g.add_edge(node, target, rel="runs_as", attr=".".join(p.removeprefix("json:") for p in path),
                                via=None)
        if res.type == "aws_eks_pod_identity_association":
            self._pod_identity(res, node)

    def _pod_identity(self, res: Resource, node: str) -> None:
        """EKS Pod Identity: the association names the service account by namespace and name."""
        for sa in self._service_accounts(res.stack, res.values.get("service_account"), res.values.get("namespace")):
            for target, _ in self.targets(res.stack, res.values.get("role_arn"), "role"):
                self._g.add_edge(sa, target, rel="assumes", attr="aws_eks_pod_identity_association", via=res)

    def _trust(self, role: Resource) -> None:
        """Trust edges: principals in the scanned code that the role's trust policy names (AWS principals)."""
        node = self._add(role, "principal")
        doc = parse_policy_value(role.values.get("assume_role_policy"), lambda a: self.lookup(role.stack, a))
        self._g.nodes[node]["trust"] = doc
        for st in doc.statements:
            if not st.is_allow:
                continue
            for ptype, ids in (st.principals or {}).items():
                if ptype != "AWS":
                    continue
                for ident in ids:
                    kind = "user" if isinstance(ident, str) and ":user/" in ident else "role"
                    for source, resolved in self.targets(role.stack, ident, kind):
                        if resolved and source != node:
                            self._g.add_edge(source, node, rel="trusts", attr="assume_role_policy", via=None)

    def _instance_profile(self, res: Resource) -> None:
        node = self._add(res, "principal")
        self._g.nodes[node]["kind"] = "profile"
        for target, _ in self.targets(res.stack, res.values.get("role"), "role"):
            self._g.add_edge(node, target, rel="profile_role", attr="role", via=res)

    def _service_account(self, res: Resource) -> None:
        node = self._add(res, "workload")
        annotations = first_block(res.values.get("metadata")).get("annotations")
        if isinstance(annotations, dict) and IRSA_ANNOTATION in annotations:
            for target, _ in self.targets(res.stack, annotations[IRSA_ANNOTATION], "role"):
                self._g.add_edge(node, target, rel="assumes", attr=f"metadata.annotations[{IRSA_ANNOTATION}]", via=None)

    def _pod(self, res: Resource) -> None:
        node = self._add(res, "workload")
        spec = follow_blocks(res.values, K8S_POD_SPEC[res.type])
        sa_name = spec.get("service_account_name") or spec.get("service_account")
        _, namespace = self._k8s_meta(res.stack, res.values)
        # A pod without one runs as its namespace's `default` service account, which RBAC can bind like any.
        accounts = self._service_accounts(res.stack, sa_name if sa_name not in (None, "") else "default", namespace)
        for sa in accounts:
            self._g.add_edge(node, sa, rel="runs_as", attr="service_account_name", via=None)

    def _manifest_workload(self, res: Resource) -> None:
        """A pod-running or agent `kubernetes_manifest`, read through the provider resource of the same kind."""
        found = k8s.manifest_workload(res.values, K8S_POD_SPEC)
        if found is None:
            return
        rtype, values = found
        shadow = dataclasses.replace(res, type=rtype, vals=values, evaluate=None)
        if rtype in K8S_POD_SPEC:
            self._pod(shadow)
        else:
            self._g.add_node(self.nid(shadow), kind="workload", address=shadow.address, rtype=rtype, resource=shadow,
                            stack=shadow.stack)

    def _k8s_sa(self, stack: str, namespace: str, name: str) -> str:
        """The node of a service account: its resource when the code defines it, else one node per namespace/name
        (so that pods and bindings that name it meet)."""
        found = self._sa_index().get((stack, namespace, name), [])
        if found:
            return self._add(found[0], "workload")
        node = external_sa_node(stack, namespace, name)
        if node not in self._g:
            self._g.add_node(node, kind="workload", address=f"{namespace}/{name}",
                            rtype="kubernetes_service_account", resource=None, stack=stack, external=True)
        return node

    def _k8s_rbac(self, resources: list[Resource]) -> None:
        """Roles and ClusterRoles become nodes with their rules; bindings link service accounts to them."""
        roles: dict[tuple, str] = {}
        objects = [(res, obj) for res in resources if res.mode == "managed" and res.type in k8s.RBAC_SOURCE_TYPES
                   for obj in [k8s.rbac_object(res.type, res.values)] if obj is not None]
        for res, (kind, values) in objects:
            if kind not in ("Role", "ClusterRole"):
                continue
            node = self._add(res, "k8s_role")
            name, namespace = self._k8s_meta(res.stack, values)
            self._g.nodes[node].update(k8s_kind=kind, k8s_name=name, namespace=namespace, rules=k8s.rules_of(values))
            roles[(res.stack, kind, None if kind == "ClusterRole" else namespace, name)] = node
            roles[(res.stack, "ref", res.ref_address)] = node
        for res, (kind, values) in objects:
            if kind not in ("RoleBinding", "ClusterRoleBinding"):
                continue
            _, namespace = self._k8s_meta(res.stack, values)
            role = self._k8s_role(res.stack, first_block(values.get("role_ref")), namespace, roles)
            if role is None:
                continue
            scope = "cluster" if kind == "ClusterRoleBinding" else f"namespace {namespace}"
            for subject in blocks(values.get("subject")):
                if self.resolve(res.stack, subject.get("kind")) != "ServiceAccount" or subject.get("name") in (None, ""):
                    continue
                sa_ns = self._k8s_namespace(res.stack, subject.get("namespace"), namespace)
                for sa in self._service_accounts(res.stack, subject.get("name"), sa_ns):
                    self._g.add_edge(sa, role, rel="k8s_binding", via=res, scope=scope)

    def _azure(self, resources: list[Resource]) -> None:
        """Azure workloads -> managed identities (system- and user-assigned), and role assignments as edges from
        each identity to a role node (built-in by name or ID, or a custom role definition)."""
        for res in resources:
            if res.mode != "managed" or res.type not in azure.IDENTITY_WORKLOADS:
                continue
            block = azure.identity_block(res.type, res.values)
            if not block and res.type == "azapi_resource":
                continue
            node = self._add(res, "workload")
            types = azure.identity_types(block)
            if "systemassigned" in types:
                self._g.add_edge(node, self._azure_system_identity(res), rel="runs_as", attr="identity", via=None)
            if "userassigned" in types:
                for target in self._azure_identities(res.stack, block.get("identity_ids")):
                    self._g.add_edge(node, target, rel="runs_as", attr="identity.identity_ids", via=None)
        for res in resources:  # AKS workload identity: the KSA acts as the managed identity whose client ID it names
            if res.mode == "managed" and res.type in K8S_SERVICE_ACCOUNT_TYPES:
                value = self._annotation(res, azure.AKS_ANNOTATION)
                for target in self._azure_identities(res.stack, value) if value is not None else []:
                    self._g.add_edge(self._add(res, "workload"), target, rel="assumes",
                                    attr=f"metadata.annotations[{azure.AKS_ANNOTATION}]", via=None)
        for res in resources:
            if res.mode == "managed" and res.type == "azurerm_role_definition":
                node = self._add(res, "azure_role")
                self._g.nodes[node]["permissions"] = first_block(res.values.get("permissions"))
        for res in resources:
            if res.mode != "managed" or res.type != "azurerm_role_assignment":
                continue
            role = self._azure_role(res)
            if role is None:
                continue
            for principal in self._azure_principal(res.stack, res.values.get("principal_id")):
                self._g.add_edge(principal, role, rel="azure_assignment", via=res,
                                scope=self._azure_scope(res.stack, res.values.get("scope")),
                                conditioned=bool(res.values.get("condition")))

    @staticmethod
    def _annotation(res: Resource, key: str) -> Any:
        annotations = first_block(res.values.get("metadata")).get("annotations")
        return annotations.get(key) if isinstance(annotations, dict) else None

    def _azure_system_identity(self, res: Resource) -> str:
        node = f"{self.nid(res)}#system-identity"
        if node not in self._g:
            self._g.add_node(node, kind="principal", address=f"{res.address} (system-assigned identity)",
                            rtype="azure_system_identity", resource=None, stack=res.stack, owner=res)
        return node

    def _azure_identities(self, stack: str, value: Any) -> list[str]:
        """User-assigned identities a value names: `azurerm_user_assigned_identity` resources, or data sources of
        one defined elsewhere (a node of their own that workloads and role assignments meet at)."""
        out = []
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item:
                # A resource ID (`.../userAssignedIdentities/<name>`) or a client ID: the identity of that name in
                # the scanned code (resource or data source), else one node for the literal.
                name = item.rstrip("/").rsplit("/", 1)[-1]
                found = [r for r in self.model.resources if r.stack == stack
                         and r.type == "azurerm_user_assigned_identity" and "/userassignedidentities/" in item.lower()
                         and self.resolve(stack, r.values.get("name")) == name]
                out.append(self._add(found[0], "principal") if found
                           else self._external(stack, "azure_principal", item, "azurerm_user_assigned_identity"))
                continue
            for ref in refs_in(item):
                res = self.lookup(stack, ref.address)
                if res is not None and res.type == "azurerm_user_assigned_identity":
                    out.append(self._add(res, "principal"))
        return out

    def _azure_principal(self, stack: str, value: Any, _depth: int = 0) -> list[str]:
        """`azurerm_user_assigned_identity.x.principal_id` (resource or data source), the system-assigned identity
        of a workload (`<workload>.identity[0].principal_id`; azapi: `output.identity.principalId`, or
        `jsondecode(<azapi>.output).identity.principalId` with azapi v1), or an ID."""
        if isinstance(value, Unknown):
            found = self.reference(stack, value)
            if found is not None:
                res, ref = found
                if res.type == "azurerm_user_assigned_identity" and ref.attr == ("principal_id",):
                    return [self._add(res, "principal")]
                if res.mode == "managed" and res.type in azure.IDENTITY_WORKLOADS and \
                        ref.attr in azure.SYSTEM_IDENTITY_PRINCIPAL:
                    return [self._azure_system_identity(res)]
            out = []
            for ref in value.refs:
                res = self.lookup(stack, ref.address)
                if res is None:
                    continue
                if res.type == "azurerm_user_assigned_identity":
                    out.append(self._add(res, "principal"))
                elif res.mode == "managed" and res.type in azure.IDENTITY_WORKLOADS and (
                        ref.attr.startswith("identity") or ref.attr.startswith("output.identity")):
                    out.append(self._azure_system_identity(res))
            if out:
                return out
            resolved = self.resolve(stack, value)
            if resolved is not value and isinstance(resolved, (str, Unknown)) and _depth < 4:
                return self._azure_principal(stack, resolved, _depth + 1)
            return [self._external(stack, "azure_principal", display(value), "unresolved")]
        if isinstance(value, str) and value:
            return [self._external(stack, "azure_principal", value, "azure_principal")]
        return []

    def _azure_role(self, res: Resource) -> Optional[str]:
        for ref in refs_in(res.values.get("role_definition_id")):
            target = self.lookup(res.stack, ref.address)
            if target is not None and target.type == "azurerm_role_definition" and self.nid(target) in self._g:
                return self.nid(target)
        name = azure.role_name(res.values)
        if name is None:
            return None
        node = f"{res.stack}::azure-role:{name}"
        if node not in self._g:
            self._g.add_node(node, kind="azure_role", address=name, rtype="azure_builtin_role", resource=None,
                            stack=res.stack, builtin=name)
        return node

    def _azure_scope(self, stack: str, value: Any) -> str:
        """'resource group azurerm_resource_group.agents', 'subscription ...', or the phrase for a literal scope."""
        if isinstance(value, Unknown):
            for ref in value.refs:
                target = self.lookup(stack, ref.address)
                kind = azure.SCOPE_TYPES.get(target.type, "resource") if target is not None else "resource"
                return f"{kind} {ref.address}"
        return azure.scope_phrase(value)

    def _gcp(self, resources: list[Resource]) -> None:
        """Google Cloud workloads -> service accounts, and IAM grants (role, members, scope) as edges from each member
        to a role node."""
        accounts: dict[tuple, str] = {}
        for res in resources:
            if res.mode == "managed" and res.type == "google_service_account":
                account_id = res.values.get("account_id")
                if isinstance(account_id, str):
                    accounts[(res.stack, account_id)] = self._add(res, "principal")
        for res in resources:
            # `data "google_service_account"`: an account defined elsewhere, named by ID, email or resource path; one
            # node for it that workloads and grants meet at, by reference or by email.
            if res.mode == "data" and res.type == "google_service_account":
                account_id = self.resolve(res.stack, res.values.get("account_id"))
                if isinstance(account_id, str) and account_id:
                    key = (res.stack, account_id.rsplit("/", 1)[-1].split("@", 1)[0])
                    accounts.setdefault(key, self._add(res, "principal"))
        for res in resources:
            if res.mode != "managed":
                continue
            if res.type in K8S_SERVICE_ACCOUNT_TYPES:  # GKE Workload Identity: the KSA acts as the annotated GSA
                value = self._annotation(res, gcp.GKE_ANNOTATION)
                if value is not None:
                    target = self._gcp_account(res.stack, value, None, accounts)
                    if target is not None:
                        self._g.add_edge(self._add(res, "workload"), target, rel="assumes",
                                        attr=f"metadata.annotations[{gcp.GKE_ANNOTATION}]", via=None)
            elif res.type in gcp.WORKLOAD_SA:
                path, attr, default = gcp.WORKLOAD_SA[res.type]
                node = self._add(res, "workload")
                if res.type in gcp.IDENTITY_BLOCK_REQUIRED and not blocks(res.values.get(path[0])):
                    continue  # an instance without a service_account block has no identity
                if res.type == "google_vertex_ai_reasoning_engine" and \
                        follow_blocks(res.values, ("spec",)).get("identity_type") == "AGENT_IDENTITY":
                    continue  # the agent is its own principal (Google-managed agent identity)
                value = follow_blocks(res.values, path).get(attr) if path else res.values.get(attr)
                sa = self._gcp_account(res.stack, value, default, accounts)
                if sa is not None:
                    self._g.add_edge(node, sa, rel="runs_as", attr=".".join(path + (attr,)), via=None)
            elif res.type in gcp.IAM_GRANTS:
                scope_kind, attr = gcp.IAM_GRANTS[res.type]
                self._gcp_grant(res, accounts, scope_kind, res.values.get("role"), res.values.get(attr))
            elif res.type in gcp.IAM_POLICIES:
                pairs = gcp.policy_bindings(res.values.get("policy_data"), lambda a, s=res.stack: self.lookup(s, a))
                for role, members in pairs:
                    self._gcp_grant(res, accounts, gcp.IAM_POLICIES[res.type], role, members)

    def _gcp_grant(self, res: Resource, accounts: dict, scope_kind: str, role: Any, members: Any) -> None:
        if not isinstance(role, str):
            return
        scope_value = res.values.get(gcp.SCOPE_ATTR[scope_kind])
        target = self._gcp_account(res.stack, scope_value, None, accounts) if scope_kind == "service_account" else None
        scope = f"service account {self._address_of(target)}" if target else f"{scope_kind} {display(scope_value, 60)}"
        role_node = f"{res.stack}::gcp-role:{role}"
        if role_node not in self._g:
            self._g.add_node(role_node, kind="gcp_role", address=role, rtype="gcp_role", resource=None, stack=res.stack)
        for member in members if isinstance(members, list) else [members]:
            node = self._gcp_member(res.stack, member, accounts)
            if node is not None:
                self._g.add_edge(node, role_node, rel="gcp_binding", via=res, role=role, scope=scope,
                                scope_kind=scope_kind, target=target, member=display(member, 120))

    def _gcp_member(self, stack: str, member: Any, accounts: dict) -> Optional[str]:
        if isinstance(member, Unknown):
            node = self._gcp_account(stack, member, None, accounts)
            return node if node is not None else self._external(stack, "gcp_member", display(member), "gcp_member")
        if not isinstance(member, str) or not member:
            return None
        kind, rest = gcp.member_kind(member)
        if kind == "serviceAccount":
            return self._gcp_account(stack, rest, None, accounts)
        return self._external(stack, "gcp_member", member, "gcp_member")

    def _gcp_account(self, stack: str, value: Any, default: Optional[str], accounts: dict,
                     _depth: int = 0) -> Optional[str]:
        """The node of the service account a value names (reference, email, or nothing and a default); a reference
        to another resource's attribute is read through it (`google_cloud_run_v2_service.x.template[0].service_account`)."""
        if isinstance(value, Unknown):
            for ref in value.refs:
                res = self.lookup(stack, ref.address)
                if res is not None and res.type == "google_service_account":
                    return self._add(res, "principal")
            resolved = self.resolve(stack, value)
            if resolved is not value and isinstance(resolved, (str, Unknown)) and _depth < 4:
                return self._gcp_account(stack, resolved, None, accounts, _depth + 1)
            return self._external(stack, "service_account", display(value), "unresolved")
        if isinstance(value, str) and value:
            email = value.removeprefix("serviceAccount:").removeprefix("projects/-/serviceAccounts/")
            if gcp.DEFAULT_EMAIL.match(email):
                return self._gcp_default(stack, "appspot" if email.endswith("appspot.gserviceaccount.com") else "compute")
            node = accounts.get((stack, email.split("@", 1)[0]))
            return node if node is not None else self._external(stack, "service_account", email, "google_service_account")
        if value is None and default is not None:
            return self._gcp_default(stack, default)
        return None

    def _gcp_default(self, stack: str, which: str) -> str:
        node = f"{stack}::gcp-default-sa:{which}"
        if node not in self._g:
            self._g.add_node(node, kind="principal", address=gcp.DEFAULT_ACCOUNTS[which], rtype="gcp_default_sa",
                            resource=None, stack=stack, default=which)
        return node

    def _k8s_role(self, stack: str, ref: dict, namespace: str, roles: dict) -> Optional[str]:
        kind, name = ref.get("kind"), ref.get("name")
        for r in refs_in(name):
            node = roles.get((stack, "ref", r.base))
            if node is not None:
                return node
        if not isinstance(name, str):
            return None
        node = roles.get((stack, kind, None if kind == "ClusterRole" else namespace, name))
        if node is not None:
            return node
        if kind == "ClusterRole" and name in k8s.BUILTIN_ROLES:
            node = f"{stack}::k8s-builtin:{name}"
            if node not in self._g:
                summary, rules = k8s.BUILTIN_ROLES[name]
                self._g.add_node(node, kind="k8s_role", address=f"ClusterRole {name} (built in)", rtype="builtin",
                                resource=None, stack=stack, k8s_kind="ClusterRole", k8s_name=name, namespace=None,
                                rules=rules, summary=summary)
            return node
        return None

    def _service_accounts(self, stack: str, name: Any, namespace: Any) -> list[str]:
        """The service account nodes a name names in a namespace: a reference to a service account resource (its
        `metadata[0].name`), a name written in the code or read from another resource, or, when the name cannot
        be read, one node for the expression (pods and bindings written with the same expression meet there; it is
        never dropped, so a binding of an unreadable name is still judged)."""
        found = self.reference(stack, name)
        if found is not None and found[0].type in K8S_SERVICE_ACCOUNT_TYPES and found[1].attr == ("metadata", "name"):
            return [self._add(found[0], "workload")]
        resolved = self.resolve(stack, name)
        if isinstance(resolved, str):
            return [self._k8s_sa(stack, self._k8s_namespace(stack, namespace, "default"), resolved)] if resolved else []
        out = []
        for ref in refs_in(name):
            r = self.lookup(stack, ref.address)
            if r is not None and r.type in K8S_SERVICE_ACCOUNT_TYPES:
                out.append(self._add(r, "workload"))
        if out or not isinstance(resolved, Unknown):
            return out
        return [self._k8s_sa(stack, self._k8s_namespace(stack, namespace, "default"), display(resolved))]

    def _k8s_namespace(self, stack: str, value: Any, default: str) -> str:
        """A namespace as written or read through references; unset is `default`; an unreadable one is named by its
        expression, so that it never matches (or becomes) `default`."""
        value = self.resolve(stack, value)
        if value is None or value == "":
            return default
        return value if isinstance(value, str) else display(value)

    def _k8s_meta(self, stack: str, values: dict) -> tuple[Optional[str], str]:
        """(name, namespace) of a Kubernetes object's `metadata`, read through references to other resources."""
        meta = first_block(values.get("metadata"))
        name = self.resolve(stack, meta.get("name"))
        return (name if isinstance(name, str) else None), self._k8s_namespace(stack, meta.get("namespace"), "default")

    def _sa_index(self) -> dict[tuple, list[Resource]]:
        """Kubernetes service accounts by (stack, namespace, name), built once."""
        if self._service_account_index is None:
            index: dict[tuple, list[Resource]] = defaultdict(list)
            for res in self.model.resources:
                if res.type in K8S_SERVICE_ACCOUNT_TYPES:
                    name, namespace = self._k8s_meta(res.stack, res.values)
                    index[(res.stack, namespace, name)].append(res)
            self._service_account_index = index
        return self._service_account_index

    def _action_group(self, res: Resource) -> None:
        executor = first_block(res.values.get("action_group_executor"))
        agents = self.targets(res.stack, res.values.get("agent_id"), "agent")
        for agent, resolved in agents:
            if not resolved:
                continue
            for fn, ok in self.targets(res.stack, executor.get("lambda"), "lambda"):
                if ok:
                    self._g.add_edge(agent, fn, rel="tool", attr="action_group_executor.lambda", via=res)

    def _policy_node(self, stack: str, value: Any) -> Optional[str]:
        """A node for a policy named by ARN (AWS managed or customer managed) or by reference."""
        value = self._data_policy_arn(stack, value)
        name = managed_policy_name(value)
        if name is not None:
            node = f"{stack}::aws-managed:{name}"
            if node not in self._g:
                managed = lookup_managed(name)
                doc = managed.document() if managed else PolicyDocument.unknown(
                    f"AWS managed policy {name} is not in agentlint's table of managed policies")
                self._g.add_node(node, kind="policy", address=f"arn:aws:iam::aws:policy/{name}", rtype="aws_managed_policy",
                                resource=None, stack=stack, managed=managed, document=doc)
            return node
        for target, resolved in self.targets(stack, value, "policy"):
            if resolved:
                self._g.nodes[target]["kind"] = "policy"
                self._g.nodes[target].setdefault("document", None)
                return target
            self._g.nodes[target]["kind"] = "policy"
            self._g.nodes[target]["document"] = PolicyDocument.unknown(
                f"policy {self._address_of(target)} is not defined in the scanned code")
            return target
        return None

    def _data_policy_arn(self, stack: str, value: Any) -> Any:
        """`data "aws_iam_policy"` looks a policy up by `arn` or by `name`: its ARN is the one written, or, for a name
        that agentlint's table knows as an AWS managed policy (and no other path), that policy's ARN. Any other
        value is returned unchanged (a policy found by a name agentlint cannot place stays unverifiable)."""
        found = self.reference(stack, value)
        if found is None or found[0].mode != "data" or found[0].type != "aws_iam_policy" or \
                found[1].attr not in (("arn",), ("id",)):
            return value
        arn = self.resolve(stack, found[0].values.get("arn"))
        if isinstance(arn, str) and arn:
            return arn
        name = self.resolve(stack, found[0].values.get("name"))
        prefix = found[0].values.get("path_prefix")
        managed = lookup_managed(name) if isinstance(name, str) else None
        if managed is not None and prefix in (None, "", "/") and arn is None:
            return f"arn:aws:iam::aws:policy/{managed.name}"
        return value

    def _inline_policy(self, res: Resource) -> None:
        attr, kind = INLINE_POLICY_TYPES[res.type]
        node = self._add(res, "policy")
        if res.type == "aws_ssoadmin_permission_set_inline_policy":
            self._g.nodes[node]["policy_value"] = res.values.get("inline_policy")
        for principal, _ in self.targets(res.stack, res.values.get(attr), kind):
            self._g.add_edge(principal, node, rel="policy", via=None)

    def _attachment(self, res: Resource) -> None:
        for principal_attr, kind, policy_attr in ATTACHMENT_TYPES[res.type]:
            principals = self.targets(res.stack, res.values.get(principal_attr), kind)
            if not principals:
                continue
            policies = res.values.get(policy_attr)
            for value in policies if isinstance(policies, list) else [policies]:
                policy = self._policy_node(res.stack, value)
                if policy is None:
                    continue
                for principal, _ in principals:
                    self._g.add_edge(principal, policy, rel="policy", via=res, via_attr=None, via_line=res.start_line)

    def _role_own_policies(self, role: Resource) -> None:
        node = self._add(role, "principal")
        for i, block in enumerate(blocks(role.values.get("inline_policy"))):
            if block.get("policy") in (None, ""):
                continue
            pname = block.get("name") if isinstance(block.get("name"), str) else str(i)
            pnode = f"{node}.inline_policy[{pname}]"
            self._g.add_node(pnode, kind="policy", address=f"{role.address}.inline_policy[{pname!r}]",
                            rtype="inline_policy", resource=None, stack=role.stack, policy_value=block.get("policy"),
                            owner=role, line=block.get("__line__") or role.line_of("inline_policy"))
            self._g.add_edge(node, pnode, rel="policy", via=role, via_attr="inline_policy",
                            via_line=block.get("__line__") or role.line_of("inline_policy"))
        arns = role.values.get("managed_policy_arns")
        for value in arns if isinstance(arns, list) else []:
            policy = self._policy_node(role.stack, value)
            if policy is not None:
                self._g.add_edge(node, policy, rel="policy", via=role, via_attr="managed_policy_arns",
                                via_line=role.line_of("managed_policy_arns"))

    def _standalone_policies(self, resources: list[Resource]) -> None:
        """Customer managed policies nothing attaches, and policy documents (HCL) nothing uses, become policy nodes
        of their own: a policy is judged before it is attached. A document with a Principal is a trust or resource
        policy, not an identity policy, and is left out."""
        docs = []
        for res in resources:
            if res.mode == "managed" and res.type == "aws_iam_policy":
                self._add(res, "policy")
            elif res.mode == "data" and res.type == "aws_iam_policy_document" and res.source == "hcl":
                docs.append(res)
        if not docs:
            return
        stacks = {d.stack for d in docs}
        used = {(r.stack, ref.base) for r in resources if r.stack in stacks for ref in refs_in(r.values)}
        for doc in docs:
            if (doc.stack, doc.ref_address) in used:
                continue
            parsed = from_policy_document_data(doc, lambda addr, stack=doc.stack: self.lookup(stack, addr))
            if not any(st.principals or st.not_principals for st in parsed.statements):
                self._g.add_node(self.nid(doc), kind="policy", address=doc.address, rtype=doc.type, resource=doc,
                                stack=doc.stack, document=parsed)
            elif any(st.principals and any(str(a).lower().startswith("sts:assumerole") for a in st.action_strings())
                     for st in parsed.statements):
                # A trust policy no role uses yet (or one a module outside the scan will use): judged on its own.
                self._g.add_node(self.nid(doc), kind="trust_document", address=doc.address, rtype=doc.type,
                                resource=doc, stack=doc.stack, trust=parsed)

    def _policy_document_arguments(self, resources: list[Resource]) -> None:
        """A statement argument `aws_iam_policy_document` does not have (`action`, `resource`) is a notice: Terraform
        rejects the file, and agentlint would otherwise read a statement that grants nothing without saying why."""
        for res in resources:
            if res.mode != "data" or res.type != "aws_iam_policy_document" or res.source != "hcl":
                continue
            for block in blocks(res.values.get("statement")):
                unknown = sorted(k for k in block if isinstance(k, str) and not k.startswith("__")
                                 and k not in POLICY_DOCUMENT_STATEMENT_ARGS)
                if unknown:
                    hint = "; ".join(f"{k!r} (did you mean {k + 's'!r}?)" if k + "s" in POLICY_DOCUMENT_STATEMENT_ARGS
                                     else repr(k) for k in unknown)
                    self.model.notices.append(LoadError(
                        path=res.path, line=block.get("__line__") or res.start_line, kind="unknown-argument",
                        message=f"{res.address}: a statement has arguments aws_iam_policy_document does not have: "
                                f"{hint}; Terraform rejects them and agentlint ignores them"))

    def _boundary(self, principal: Resource) -> None:
        value = principal.values.get("permissions_boundary")
        if value in (None, ""):
            return
        policy = self._policy_node(principal.stack, value)
        if policy is not None:
            self._g.add_edge(self.nid(principal), policy, rel="boundary", via=principal, via_attr="permissions_boundary",
                            via_line=principal.line_of("permissions_boundary"))

    def _membership(self, res: Resource, users: Any, groups: Any) -> None:
        for user, _ in self.targets(res.stack, users, "user"):
            for group, _ in self.targets(res.stack, groups, "group"):
                self._g.add_edge(user, group, rel="member_of", via=res)

    def _credential(self, res: Resource) -> None:
        node = self._add(res, "credential")
        user_attr = "user" if res.type == "aws_iam_access_key" else "user_name"
        for user, _ in self.targets(res.stack, res.values.get(user_attr), "user"):
            self._g.add_edge(user, node, rel="credential", via=None)

    def _credential_users(self) -> None:
        """A workload that carries an access key (in env vars, container definitions...) acts as the key's user."""
        credentials = {}
        for node, data in self._g.nodes(data=True):
            if data.get("kind") == "credential" and data.get("resource") is not None:
                credentials[(data["stack"], data["resource"].ref_address)] = node
        if not credentials:
            return
        for node, data in list(self._g.nodes(data=True)):
            res = data.get("resource")
            if data.get("kind") != "workload" or res is None:
                continue
            for ref in refs_in(res.values):
                cred = credentials.get((res.stack, ref.base))
                if cred is None:
                    continue
                self._g.add_edge(node, cred, rel="uses_credential", attr=str(ref), via=None)
                for user, _, edata in self._g.in_edges(cred, data=True):
                    if edata.get("rel") == "credential":
                        self._g.add_edge(node, user, rel="runs_as", attr=str(ref), via=self._resource_of(cred))

    def _detect_agents(self) -> None:
        opts = self.options
        tag_rules = {k.lower(): str(v).lower() for k, v in opts.tags.items()}
        for node, data in list(self._g.nodes(data=True)):
            res = data.get("resource")
            if res is None or data.get("kind") not in ("workload", "principal"):
                continue
            evidence = evidence_for(res, tag_rules) if data["kind"] == "workload" or res.type == "aws_iam_user" else []
            if data["kind"] == "principal" and res.type != "aws_iam_user":
                evidence = [e for e in evidence if e.kind == "tag"]
            cfg, excluded = config_evidence(res.address, opts.include, opts.exclude)
            if cfg is not None:
                evidence.insert(0, cfg)
            if excluded:
                continue
            if evidence:
                self.agents[node] = Agent(address=res.address, type=res.type, path=res.path,
                                          start_line=res.start_line, stack=res.stack, evidence=evidence)
        # Tools an agent invokes act for the agent.
        for node in list(self.agents):
            for _, tool, edata in self._g.out_edges(node, data=True):
                if edata.get("rel") != "tool":
                    continue
                res = self._resource_of(tool)
                if res is None:
                    continue
                ev = Evidence(kind="tool-of", detail=f"invoked as a tool by {self._address_of(node)}")
                if tool in self.agents:
                    self.agents[tool].evidence.append(ev)
                elif not config_evidence(res.address, [], opts.exclude)[1]:
                    self.agents[tool] = Agent(address=res.address, type=res.type, path=res.path,
                                              start_line=res.start_line, stack=res.stack, evidence=[ev])

def _kind_for(rtype: str) -> str:
    if rtype in PRINCIPAL_TYPES:
        return "principal"
    if rtype == "aws_iam_instance_profile":
        return "profile"
    if rtype == "aws_iam_policy":
        return "policy"
    return "workload"


def _literal_name(res: Resource) -> Optional[str]:
    for key in ("name", "arn", "role_name", "user_name"):
        val = res.values.get(key)
        if isinstance(val, str):
            return val
    return None


def _value_at(values: dict, path: tuple[str, ...]) -> Any:
    cur: Any = values
    for step in path:
        if step.startswith("json:"):
            raw = cur.get(step[5:]) if isinstance(cur, dict) else None
            if isinstance(raw, str):
                try:
                    cur = json.loads(raw)
                except json.JSONDecodeError:
                    return None
            elif isinstance(raw, Unknown):
                return raw
            else:
                cur = raw
            continue
        if isinstance(cur, list):
            cur = first_block(cur)
        if not isinstance(cur, dict):
            return cur if isinstance(cur, Unknown) else None
        cur = cur.get(step)
        if isinstance(cur, list) and cur and isinstance(cur[0], dict) and step != path[-1]:
            cur = cur[0]
    return cur
