"""AWS in the identity graph (the provider module): where workloads name the role or instance profile they run as
(see shared notes: identity-catalog.md, section 1.2), the IAM wiring (inline policies, attachments, managed policies
by ARN, groups, boundaries, trust, access keys, Bedrock action groups) and the policy documents no principal holds.

WORKLOAD_IDENTITY: each entry: resource type -> list of (attribute path, target kind). A path step is an attribute or nested-block
name; `json:` marks an attribute that holds a JSON string to decode first (ECS/Batch container definitions).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Optional

from agentlint.graph import aws_invocations, kubernetes
from agentlint.iam.managed import lookup_managed, managed_policy_name
from agentlint.iam.policy import PolicyDocument, from_policy_document_data, parse_policy_value
from agentlint.model import LoadError, Resource
from agentlint.values import Unknown, blocks, first_block, refs_in


if TYPE_CHECKING:
    from agentlint.graph.build import IdentityGraph

WORKLOAD_IDENTITY: dict[str, list[tuple[tuple[str, ...], str]]] = {
    "aws_lambda_function": [(("role",), "role")],
    # The task role is what the application (the agent) runs as; the execution role only pulls images and logs.
    "aws_ecs_task_definition": [(("task_role_arn",), "role")],
    "aws_bedrockagent_agent": [(("agent_resource_role_arn",), "role")],
    "awscc_bedrock_agent": [(("agent_resource_role_arn",), "role")],
    "aws_bedrockagent_knowledge_base": [(("role_arn",), "role")],
    "aws_bedrockagent_flow": [(("execution_role_arn",), "role")],
    "aws_bedrockagentcore_agent_runtime": [(("role_arn",), "role")],
    "awscc_bedrockagentcore_runtime": [(("role_arn",), "role")],
    "aws_bedrockagentcore_gateway": [(("role_arn",), "role")],
    "aws_bedrockagentcore_code_interpreter": [(("execution_role_arn",), "role")],
    "aws_bedrockagentcore_browser": [(("execution_role_arn",), "role")],
    "aws_bedrockagentcore_memory": [(("memory_execution_role_arn",), "role")],
    "aws_sagemaker_notebook_instance": [(("role_arn",), "role")],
    "aws_sagemaker_model": [(("execution_role_arn",), "role")],
    "aws_sagemaker_domain": [(("default_user_settings", "execution_role"), "role")],
    "aws_sagemaker_user_profile": [(("user_settings", "execution_role"), "role")],
    "aws_sagemaker_pipeline": [(("role_arn",), "role")],
    "aws_sfn_state_machine": [(("role_arn",), "role")],
    "aws_codebuild_project": [(("service_role",), "role")],
    "aws_apprunner_service": [(("instance_configuration", "instance_role_arn"), "role")],
    "aws_batch_job_definition": [(("json:container_properties", "jobRoleArn"), "role")],
    "aws_instance": [(("iam_instance_profile",), "instance_profile")],
    "aws_launch_template": [(("iam_instance_profile", "arn"), "instance_profile"),
                            (("iam_instance_profile", "name"), "instance_profile")],
    "aws_eks_pod_identity_association": [(("role_arn",), "role")],
}

# Target kind -> resource types that can be that target.
TARGET_TYPES: dict[str, tuple[str, ...]] = {
    "role": ("aws_iam_role",),
    "instance_profile": ("aws_iam_instance_profile",),
    "user": ("aws_iam_user",),
    "group": ("aws_iam_group",),
    "permission_set": ("aws_ssoadmin_permission_set",),
    "policy": ("aws_iam_policy",),
    "lambda": ("aws_lambda_function",),
    "agent": ("aws_bedrockagent_agent",),
    "gateway": ("aws_bedrockagentcore_gateway",),
}

# IAM Identity Center permission sets are identities people act as; they are here so that what they grant is judged
# like any role (an agent never runs as one: AL307 covers people and agents sharing).
PRINCIPAL_TYPES = ("aws_iam_role", "aws_iam_user", "aws_iam_group", "aws_ssoadmin_permission_set")

# Inline policies: resource type -> attribute naming the principal, principal kind.
INLINE_POLICY_TYPES = {
    "aws_iam_role_policy": ("role", "role"),
    "aws_iam_user_policy": ("user", "user"),
    "aws_iam_group_policy": ("group", "group"),
    "aws_ssoadmin_permission_set_inline_policy": ("permission_set_arn", "permission_set"),
}

# Attachments of a managed (or customer managed) policy: type -> (principal attribute, kind, policy attribute).
ATTACHMENT_TYPES = {
    "aws_iam_role_policy_attachment": [("role", "role", "policy_arn")],
    "aws_iam_user_policy_attachment": [("user", "user", "policy_arn")],
    "aws_iam_group_policy_attachment": [("group", "group", "policy_arn")],
    "aws_iam_policy_attachment": [("roles", "role", "policy_arn"), ("users", "user", "policy_arn"),
                                  ("groups", "group", "policy_arn")],
    "aws_iam_role_policy_attachments_exclusive": [("role_name", "role", "policy_arns")],
    "aws_iam_user_policy_attachments_exclusive": [("user_name", "user", "policy_arns")],
    "aws_iam_group_policy_attachments_exclusive": [("group_name", "group", "policy_arns")],
    "aws_ssoadmin_managed_policy_attachment": [("permission_set_arn", "permission_set", "managed_policy_arn")],
}


# The arguments a `statement` block of `data "aws_iam_policy_document"` has.
POLICY_DOCUMENT_STATEMENT_ARGS = {"sid", "effect", "actions", "not_actions", "resources", "not_resources", "principals",
                                  "not_principals", "condition"}


# -- wiring ----------------------------------------------------------------------------------------------

def workload(b: "IdentityGraph", res: Resource) -> None:
    node = b._add(res, "workload")
    for path, kind in WORKLOAD_IDENTITY[res.type]:
        value = value_at_path(res.values, path)
        if value is None:
            continue
        for target, _ in b.targets(res.stack, value, kind):
            b.store.add_edge(node, target, rel="runs_as", attr=".".join(p.removeprefix("json:") for p in path),
                            via=None)
    if res.type == "aws_eks_pod_identity_association":
        pod_identity(b, res, node)


def pod_identity(b: "IdentityGraph", res: Resource, node: str) -> None:
    """EKS Pod Identity: the association names the service account by namespace and name."""
    for sa in kubernetes.service_accounts(b, res.stack, res.values.get("service_account"), res.values.get("namespace")):
        for target, _ in b.targets(res.stack, res.values.get("role_arn"), "role"):
            b.store.add_edge(sa, target, rel="assumes", attr="aws_eks_pod_identity_association", via=res)


def trust(b: "IdentityGraph", role: Resource) -> None:
    """Trust edges: principals in the scanned code that the role's trust policy names (AWS principals)."""
    node = b._add(role, "principal")
    doc = parse_policy_value(role.values.get("assume_role_policy"), lambda a: b.lookup(role.stack, a))
    b.store.nodes[node]["trust"] = doc
    for st in doc.statements:
        if not st.is_allow:
            continue
        for ptype, ids in (st.principals or {}).items():
            if ptype != "AWS":
                continue
            for ident in ids:
                kind = "user" if isinstance(ident, str) and ":user/" in ident else "role"
                for source, resolved in b.targets(role.stack, ident, kind):
                    if resolved and source != node:
                        b.store.add_edge(source, node, rel="trusts", attr="assume_role_policy", via=None)


def instance_profile(b: "IdentityGraph", res: Resource) -> None:
    node = b._add(res, "principal")
    b.store.nodes[node]["kind"] = "profile"
    for target, _ in b.targets(res.stack, res.values.get("role"), "role"):
        b.store.add_edge(node, target, rel="profile_role", attr="role", via=res)


def action_group(b: "IdentityGraph", res: Resource) -> None:
    executor = first_block(res.values.get("action_group_executor"))
    agents = b.targets(res.stack, res.values.get("agent_id"), "agent")
    for agent, resolved in agents:
        if not resolved:
            continue
        for fn, ok in b.targets(res.stack, executor.get("lambda"), "lambda"):
            if ok:
                b.store.add_edge(agent, fn, rel="tool", attr="action_group_executor.lambda", via=res)


def gateway_target(b: "IdentityGraph", res: Resource) -> None:
    """An AgentCore gateway's Lambda target (`target_configuration.mcp.lambda.lambda_arn`) is a tool the gateway's
    agents invoke, like a Bedrock action group's executor."""
    lam = first_block(first_block(first_block(res.values.get("target_configuration")).get("mcp")).get("lambda"))
    for gateway, resolved in b.targets(res.stack, res.values.get("gateway_identifier"), "gateway"):
        if not resolved:
            continue
        for fn, ok in b.targets(res.stack, lam.get("lambda_arn"), "lambda"):
            if ok:
                b.store.add_edge(gateway, fn, rel="tool", attr="target_configuration.mcp.lambda.lambda_arn", via=res)


def policy_node(b: "IdentityGraph", stack: str, value: Any) -> Optional[str]:
    """A node for a policy named by ARN (AWS managed or customer managed) or by reference."""
    value = data_policy_arn(b, stack, value)
    name = managed_policy_name(value)
    if name is not None:
        node = f"{stack}::aws-managed:{name}"
        if node not in b.store:
            managed = lookup_managed(name)
            doc = managed.document() if managed else PolicyDocument.unknown(
                f"AWS managed policy {name} is not in agentlint's table of managed policies")
            # A deprecated policy still grants what it says while attached: judged as any other, and every message
            # that names it says it is deprecated.
            address = f"arn:aws:iam::aws:policy/{name}" + (" (deprecated)" if managed and managed.deprecated else "")
            b.store.add_node(node, kind="policy", address=address, rtype="aws_managed_policy",
                            resource=None, stack=stack, managed=managed, document=doc)
        return node
    for target, resolved in b.targets(stack, value, "policy"):
        if resolved:
            b.store.nodes[target]["kind"] = "policy"
            b.store.nodes[target].setdefault("document", None)
            return target
        b.store.nodes[target]["kind"] = "policy"
        b.store.nodes[target]["document"] = PolicyDocument.unknown(
            f"policy {b._address_of(target)} is not defined in the scanned code")
        return target
    return None


def data_policy_arn(b: "IdentityGraph", stack: str, value: Any) -> Any:
    """`data "aws_iam_policy"` looks a policy up by `arn` or by `name`: its ARN is the one written, or, for a name
    that agentlint's table knows as an AWS managed policy (and no other path), that policy's ARN. Any other
    value is returned unchanged (a policy found by a name agentlint cannot place stays unverifiable)."""
    found = b.reference(stack, value)
    if found is None or found[0].mode != "data" or found[0].type != "aws_iam_policy" or \
            found[1].attr not in (("arn",), ("id",)):
        return value
    arn = b.resolve(stack, found[0].values.get("arn"))
    if isinstance(arn, str) and arn:
        return arn
    name = b.resolve(stack, found[0].values.get("name"))
    prefix = found[0].values.get("path_prefix")
    managed = lookup_managed(name) if isinstance(name, str) else None
    if managed is not None and prefix in (None, "", "/") and arn is None:
        return f"arn:aws:iam::aws:policy/{managed.name}"
    return value


def inline_policy(b: "IdentityGraph", res: Resource) -> None:
    attr, kind = INLINE_POLICY_TYPES[res.type]
    node = b._add(res, "policy")
    if res.type == "aws_ssoadmin_permission_set_inline_policy":
        b.store.nodes[node]["policy_value"] = res.values.get("inline_policy")
    for principal, _ in b.targets(res.stack, res.values.get(attr), kind):
        b.store.add_edge(principal, node, rel="policy", via=None)


def attachment(b: "IdentityGraph", res: Resource) -> None:
    for principal_attr, kind, policy_attr in ATTACHMENT_TYPES[res.type]:
        principals = b.targets(res.stack, res.values.get(principal_attr), kind)
        if not principals:
            continue
        policies = res.values.get(policy_attr)
        for value in policies if isinstance(policies, list) else [policies]:
            policy = policy_node(b, res.stack, value)
            if policy is None:
                continue
            for principal, _ in principals:
                b.store.add_edge(principal, policy, rel="policy", via=res, via_attr=None, via_line=res.start_line)


def role_own_policies(b: "IdentityGraph", role: Resource) -> None:
    node = b._add(role, "principal")
    for i, block in enumerate(blocks(role.values.get("inline_policy"))):
        if block.get("policy") in (None, ""):
            continue
        pname = block.get("name") if isinstance(block.get("name"), str) else str(i)
        pnode = f"{node}.inline_policy[{pname}]"
        b.store.add_node(pnode, kind="policy", address=f"{role.address}.inline_policy[{pname!r}]",
                        rtype="inline_policy", resource=None, stack=role.stack, policy_value=block.get("policy"),
                        owner=role, line=block.get("__line__") or role.line_of("inline_policy"))
        b.store.add_edge(node, pnode, rel="policy", via=role, via_attr="inline_policy",
                        via_line=block.get("__line__") or role.line_of("inline_policy"))
    arns = role.values.get("managed_policy_arns")
    for value in arns if isinstance(arns, list) else []:
        policy = policy_node(b, role.stack, value)
        if policy is not None:
            b.store.add_edge(node, policy, rel="policy", via=role, via_attr="managed_policy_arns",
                            via_line=role.line_of("managed_policy_arns"))


def standalone_policies(b: "IdentityGraph", resources: list[Resource]) -> None:
    """Customer managed policies nothing attaches, and policy documents (HCL) nothing uses, become policy nodes
    of their own: a policy is judged before it is attached. A document with a Principal is a trust or resource
    policy, not an identity policy, and is left out."""
    docs = []
    for res in resources:
        if res.mode == "managed" and res.type == "aws_iam_policy":
            b._add(res, "policy")
        elif res.mode == "data" and res.type == "aws_iam_policy_document" and res.source == "hcl":
            docs.append(res)
    if not docs:
        return
    stacks = {d.stack for d in docs}
    used = {(r.stack, ref.base) for r in resources if r.stack in stacks for ref in refs_in(r.values)}
    for doc in docs:
        if (doc.stack, doc.ref_address) in used:
            continue
        parsed = from_policy_document_data(doc, lambda addr, stack=doc.stack: b.lookup(stack, addr))
        if not any(st.principals or st.not_principals for st in parsed.statements):
            b.store.add_node(b.nid(doc), kind="policy", address=doc.address, rtype=doc.type, resource=doc,
                            stack=doc.stack, document=parsed)
        elif any(st.principals and any(str(a).lower().startswith("sts:assumerole") for a in st.action_strings())
                 for st in parsed.statements):
            # A trust policy no role uses yet (or one a module outside the scan will use): judged on its own.
            b.store.add_node(b.nid(doc), kind="trust_document", address=doc.address, rtype=doc.type,
                            resource=doc, stack=doc.stack, trust=parsed)


def policy_document_arguments(b: "IdentityGraph", resources: list[Resource]) -> None:
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
                b.model.notices.append(LoadError(
                    path=res.path, line=block.get("__line__") or res.start_line, kind="unknown-argument",
                    message=f"{res.address}: a statement has arguments aws_iam_policy_document does not have: "
                            f"{hint}; Terraform rejects them and agentlint ignores them"))


def boundary(b: "IdentityGraph", principal: Resource) -> None:
    value = principal.values.get("permissions_boundary")
    if value in (None, ""):
        return
    policy = policy_node(b, principal.stack, value)
    if policy is not None:
        b.store.add_edge(b.nid(principal), policy, rel="boundary", via=principal, via_attr="permissions_boundary",
                        via_line=principal.line_of("permissions_boundary"))


def membership(b: "IdentityGraph", res: Resource, users: Any, groups: Any) -> None:
    for user, _ in b.targets(res.stack, users, "user"):
        for group, _ in b.targets(res.stack, groups, "group"):
            b.store.add_edge(user, group, rel="member_of", via=res)


def credential(b: "IdentityGraph", res: Resource) -> None:
    node = b._add(res, "credential")
    user_attr = "user" if res.type == "aws_iam_access_key" else "user_name"
    for user, _ in b.targets(res.stack, res.values.get(user_attr), "user"):
        b.store.add_edge(user, node, rel="credential", via=None)


def credential_users(b: "IdentityGraph") -> None:
    """A workload that carries an access key (in env vars, container definitions...) acts as the key's user."""
    credentials = {}
    for node, data in b.store.nodes(data=True):
        if data.get("kind") == "credential" and data.get("resource") is not None:
            credentials[(data["stack"], data["resource"].ref_address)] = node
    if not credentials:
        return
    for node, data in list(b.store.nodes(data=True)):
        res = data.get("resource")
        if data.get("kind") != "workload" or res is None:
            continue
        for ref in refs_in(res.values):
            cred = credentials.get((res.stack, ref.base))
            if cred is None:
                continue
            b.store.add_edge(node, cred, rel="uses_credential", attr=str(ref), via=None)
            for user, _, edata in b.store.in_edges(cred, data=True):
                if edata.get("rel") == "credential":
                    b.store.add_edge(node, user, rel="runs_as", attr=str(ref), via=b._resource_of(cred))


def value_at_path(values: dict, path: tuple[str, ...]) -> Any:
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


def roles(b: "IdentityGraph", managed: list[Resource]) -> None:
    """What a role carries itself (inline blocks, managed_policy_arns, trust policy) and principals' boundaries."""
    for res in managed:
        if res.type == "aws_iam_role":
            role_own_policies(b, res)
            trust(b, res)
        if res.type in ("aws_iam_role", "aws_iam_user"):
            boundary(b, res)


def console_logins(b: "IdentityGraph", managed: list[Resource]) -> list[tuple[Resource, str]]:
    """(login profile, user node) for the users the graph already has: a console password adds no identity."""
    return [(res, user) for res in managed if res.type == "aws_iam_user_login_profile"
            for user, _ in b.targets(res.stack, res.values.get("user"), "user", known_only=True)]


# Resource type -> how it is wired, run once per resource in file order by the builder.
HANDLERS: dict[str, Callable[["IdentityGraph", Resource], None]] = {
    **{t: workload for t in WORKLOAD_IDENTITY},
    "aws_iam_instance_profile": instance_profile,
    **{t: inline_policy for t in INLINE_POLICY_TYPES},
    **{t: attachment for t in ATTACHMENT_TYPES},
    "aws_iam_group_membership": lambda b, res: membership(b, res, res.values.get("users"), res.values.get("group")),
    "aws_iam_user_group_membership": lambda b, res: membership(b, res, res.values.get("user"),
                                                               res.values.get("groups")),
    "aws_iam_access_key": credential,
    "aws_iam_service_specific_credential": credential,
    "aws_bedrockagent_agent_action_group": action_group,
    "aws_bedrockagentcore_gateway_target": gateway_target,
    "aws_bedrockagent_agent_collaborator": aws_invocations.collaborator,
}
