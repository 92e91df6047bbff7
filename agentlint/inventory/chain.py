"""The identities an agent acts as, the credentials that belong to them, and who else can become them.

Everything here is read from the frozen identity graph (graph.query) and the resources of the model; nothing is
guessed. The chain is walked from the agent along the relations an agent's reach flows along (runs as, instance
profile, IRSA / Pod Identity / federation, group membership, tools), then along AWS trust (`sts:AssumeRole` allowed by
the identity's own policies and the target role's trust policy naming it) and Google Cloud impersonation (a role on
one service account that lets another act as it).
"""

from __future__ import annotations

from collections import deque
from agentlint.graph.schema import Node, NodeKind, Rel
from agentlint.iam.effective import covers
from agentlint.inventory.boot import boot_credentials
from agentlint.values import Unknown, display, refs_in

HOW = {Rel.RUNS_AS: "runs as", Rel.PROFILE_ROLE: "instance profile role", Rel.ASSUMES: "assumes (workload identity)",
       Rel.MEMBER_OF: "member of", Rel.TOOL: "invokes as a tool"}
# Google Cloud roles on a service account that let their holder act as that account.
IMPERSONATION_ROLES = {"roles/iam.serviceaccounttokencreator", "roles/iam.serviceaccountuser",
                       "roles/iam.workloadidentityuser", "roles/owner", "roles/editor"}
# Credential resources the graph does not wire (rules read them directly): type -> (kind, the attribute naming the
# identity it belongs to, the attributes that declare a lifetime).
KEY_RESOURCES = {
    "google_service_account_key": ("service account key", "service_account_id", ("valid_before", "keepers")),
    "azuread_application_password": ("client secret", "application_id", ("end_date", "end_date_relative")),
    "azuread_service_principal_password": ("client secret", "service_principal_id", ("end_date",
                                                                                      "end_date_relative")),
    "azuread_application_certificate": ("client certificate", "application_id", ("end_date", "end_date_relative")),
}
CREDENTIAL_KIND = {"aws_iam_access_key": "access key", "aws_iam_service_specific_credential": "service credential",
                   "aws_iam_signing_certificate": "signing certificate"}


def location(node: Node) -> dict:
    res = node.resource or node.owner
    return {"path": res.path if res is not None else None,
            "line": node.line or (res.start_line if res is not None else None)}


def chain(g, agent: str) -> list[dict]:
    """The identities the agent acts as, nearest first: {node, address, type, how, from, path, line}."""
    out: list[dict] = []
    seen = {agent}
    queue = deque([agent])
    while queue:
        here = queue.popleft()
        for e in g.edges_out(here):
            how = HOW.get(e.rel)
            if e.rel == Rel.TRUSTS and _may_assume(g, here):
                how = "can assume (sts:AssumeRole and trust)"
            target = e.target
            if e.rel == Rel.GCP_BINDING and e.scope_kind == "service_account" and e.account \
                    and (e.role or "").lower() in IMPERSONATION_ROLES:
                how, target = f"impersonates ({e.role})", e.account
            if how is None or target in seen or not g.has(target):
                continue
            seen.add(target)
            queue.append(target)
            node = g.node(target)
            out.append({"node": target, "address": node.address, "type": node.rtype, "how": how,
                        "from": g.address_of(here), **location(node)})
    return out


def _may_assume(g, principal: str) -> bool:
    """An Allow for sts:AssumeRole in the principal's own policies (resources are left to the trust policy)."""
    if g.node(principal).kind != NodeKind.PRINCIPAL:
        return False
    for grant in g.grants(principal):
        for st in g.document(grant.policy).statements:
            if st.is_allow and covers(st, "sts:AssumeRole"):
                return True
    return False


def credentials(g, agent: str, identities: list[dict]) -> list[dict]:
    """Long-lived keys and secrets of the chain's identities, those carried in the agent's configuration, and those
    its own host is given by its boot scripts (inventory.boot)."""
    found: dict[str, dict] = {}
    for e in g.edges_out(agent, Rel.USES_CREDENTIAL):
        found[e.target] = _credential(g, e.target, "in the agent's configuration")
    for ident in identities:
        for e in g.edges_out(ident["node"], Rel.CREDENTIAL):
            found.setdefault(e.target, _credential(g, e.target, f"key of {ident['address']}"))
    wanted = {ident["address"] for ident in identities}
    wanted |= {ident["address"].split(" (")[0] for ident in identities}
    stack = g.node(agent).stack
    for res in _stack_resources(g, stack, *KEY_RESOURCES):
        kind, attr, lifetime_attrs = KEY_RESOURCES[res.type]
        owners = {r.base for r in refs_in(res.values.get(attr))}
        if owners & wanted:
            nid = g.nid(res)
            owner = sorted(owners & wanted)[0]
            found.setdefault(nid, {"address": res.address, "kind": kind, "type": res.type, "path": res.path,
                                   "line": res.start_line, "belongs_to": owner,
                                   "lifetime": _lifetime(res.values, lifetime_attrs), "where": f"key of {owner}"})
    for cred in boot_credentials(g, agent):  # keyed by their address, which no node id is
        found.setdefault(cred["address"], cred)
    return sorted(found.values(), key=lambda c: c["address"])


def _credential(g, node: str, why: str) -> dict:
    rec = g.node(node)
    res = rec.resource
    users = g.credential_users(node)
    status = display(res.values.get("status")) if res is not None else None
    out = {"address": rec.address, "kind": CREDENTIAL_KIND.get(rec.rtype, rec.rtype), "type": rec.rtype,
           **location(rec), "belongs_to": g.address_of(users[0]) if users else None, "lifetime": "no expiry"}
    if status and status.lower() == "inactive":
        out["lifetime"] = "inactive"
    out["where"] = why
    return out


def _lifetime(values: dict, attrs) -> str:
    for attr in attrs:
        value = values.get(attr)
        if value is None or value == [] or value == {}:
            continue
        if attr == "keepers":
            return "rotated when keepers change"
        return f"{attr} = {display(value) if not isinstance(value, Unknown) else 'unknown until apply'}"
    return "no expiry"


def trusted_by(g, identities: list[dict]) -> list[dict]:
    """Who can become an identity of the chain: trust policy principals, workloads and service accounts in the code,
    Google Cloud members holding an impersonation role on a service account of the chain."""
    out: list[dict] = []
    for ident in identities:
        node = g.node(ident["node"])
        if node.trust is not None:
            for st in node.trust.statements:
                if not st.is_allow:
                    continue
                for kind, values in sorted((st.principals or {}).items()):
                    for value in values:
                        text = value if isinstance(value, str) else display(value)
                        out.append({"identity": ident["address"], "kind": _principal_kind(kind, text),
                                    "principal": text, "external": _is_external(kind, value)})
        for e in g.relations(Rel.GCP_BINDING) if node.rtype == "google_service_account" else ():
            if e.account == ident["node"] and (e.role or "").lower() in IMPERSONATION_ROLES:
                out.append({"identity": ident["address"], "kind": "member", "principal": e.member or
                            g.address_of(e.source), "external": not g.has(e.source) or
                            g.node(e.source).kind == NodeKind.EXTERNAL})
        if node.rtype == "azurerm_user_assigned_identity":
            out += _azure_federation(g, node, ident["address"])
    uniq = {(t["identity"], t["kind"], t["principal"]): t for t in out}
    return [uniq[k] for k in sorted(uniq)]


def _azure_federation(g, node, address: str) -> list[dict]:
    """Federated identity credentials of a user-assigned identity: an OIDC issuer's subject can become it
    (`user_assigned_identity_id`, named `parent_id` before azurerm 4)."""
    out = []
    for res in _stack_resources(g, node.stack, "azurerm_federated_identity_credential"):
        parent = res.values.get("user_assigned_identity_id", res.values.get("parent_id"))
        if address in {r.base for r in refs_in(parent)}:
            principal = f"{display(res.values.get('issuer'))} subject {display(res.values.get('subject'))}"
            out.append({"identity": address, "kind": "oidc subject", "principal": principal, "external": True})
    return out


def _stack_resources(g, stack: str, *types: str) -> list:
    """Resources of these types in one stack, from an index built once per graph (kept on the graph object)."""
    index = g.__dict__.get("_inventory_by_type")
    if index is None:
        index = g.__dict__["_inventory_by_type"] = {}
        for res in g.model.resources:
            index.setdefault((res.stack, res.type), []).append(res)
    return [res for t in types for res in index.get((stack, t), ())]


def _principal_kind(kind: str, value: str) -> str:
    if kind == "Service":
        return "service"
    if kind == "Federated":
        return "oidc provider" if "oidc" in value.lower() or "token.actions" in value.lower() else "federated"
    if kind == "*" or value == "*":
        return "anyone"
    return "account" if value.endswith(":root") or value.isdigit() else "aws principal"


def _is_external(kind: str, value) -> bool:
    """A principal written as a literal (another account, a provider, anyone); a reference names the code's own."""
    return kind != "Service" and isinstance(value, str)


def shared_with(g, agent: str, identities: list[dict]) -> list[dict]:
    """Other agents and workloads that act as an identity of the chain (they hold the same access)."""
    out: dict[tuple, dict] = {}
    mine = {ident["node"] for ident in identities}
    for ident in identities:
        for path in g.agent_paths(ident["node"]):
            if path.agent != agent:
                out[(ident["address"], g.address_of(path.agent))] = {
                    "identity": ident["address"], "address": g.address_of(path.agent), "kind": "agent"}
        for e in g.edges_in(ident["node"], Rel.RUNS_AS) + g.edges_in(ident["node"], Rel.MEMBER_OF):
            if e.source != agent and e.source not in g.agents and e.source not in mine:
                src = g.node(e.source)
                what = "person" if src.rtype == "aws_iam_user" else "workload"
                out.setdefault((ident["address"], src.address), {
                    "identity": ident["address"], "address": src.address, "kind": what})
    return [out[k] for k in sorted(out)]
