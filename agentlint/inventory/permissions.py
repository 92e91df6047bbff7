"""What the identities of an agent's chain can do, grouped for a reader, with the sensitive reach named.

AWS: every Allow statement the identity holds (inline, attached, managed, through its groups) is expanded against
the action catalogue (agentlint.iam.catalog), less what an unconditional Deny removes or the permissions boundary does
not allow (agentlint.iam.effective), and grouped by service and access level. Kubernetes: the rules of the roles
bound to a service account (or the built-in role's summary). Google Cloud and Azure: the roles as granted, with
their scope. What cannot be read (an action from a variable, a policy that is unknown until apply, an unknown
boundary) is listed under `unknown`, never dropped.
"""

from __future__ import annotations

from functools import lru_cache

from agentlint.graph.schema import NodeKind, Rel
from agentlint.iam.catalog import CatalogUnavailable, catalog
from agentlint.iam.effective import covers
from agentlint.iam.evaluate import on_all_resources

LEVELS = ("List", "Read", "Tagging", "Write", "Permissions management")
MAX_NAMES = 8
MAX_WHOLE_SERVICES = 20  # more services held whole than this: one `*` entry (an administrator)

# Sensitive reach. AWS: action -> kind (exact names, lower case) and service -> kind for whole services.
SECRET_ACTIONS = {"secretsmanager:getsecretvalue", "ssm:getparameter", "ssm:getparameters",
                  "ssm:getparametersbypath", "kms:decrypt"}
DATA_SERVICES = {"s3", "dynamodb", "rds", "rds-data", "redshift", "redshift-data", "athena", "glue", "es",
                 "aoss", "kinesis", "sqs", "elasticfilesystem", "timestream", "neptune-db", "qldb", "docdb-elastic"}
CODE_EXEC_ACTIONS = {"iam:passrole", "lambda:updatefunctioncode", "lambda:createfunction", "lambda:invokefunction",
                     "ec2:runinstances", "ssm:sendcommand", "ssm:startsession", "ecs:runtask",
                     "glue:createdevendpoint", "cloudformation:createstack", "sts:assumerole",
                     "codebuild:startbuild", "sagemaker:createnotebookinstance"}
IDENTITY_SERVICES = {"iam", "sso", "identitystore", "organizations"}
# Google Cloud and Azure roles (lower case, substring) -> sensitive kinds.
GCP_SENSITIVE = (("roles/owner", ("secrets", "data", "identity control", "code execution")),
                 ("roles/editor", ("secrets", "data", "code execution")),
                 ("secretmanager", ("secrets",)), ("cloudkms", ("secrets",)),
                 ("storage", ("data",)), ("bigquery", ("data",)), ("datastore", ("data",)), ("spanner", ("data",)),
                 ("cloudsql", ("data",)), ("iam.serviceaccounttokencreator", ("code execution",)),
                 ("iam.serviceaccountuser", ("code execution",)), ("iam.serviceaccountkeyadmin", ("identity control",)),
                 ("projectiamadmin", ("identity control",)), ("securityadmin", ("identity control",)),
                 ("iam.roleadmin", ("identity control",)), ("run.admin", ("code execution",)),
                 ("cloudfunctions.admin", ("code execution",)), ("compute.admin", ("code execution",)))
AZURE_SENSITIVE = (("owner", ("secrets", "data", "identity control", "code execution")),
                   ("contributor", ("secrets", "data", "code execution")),
                   ("user access administrator", ("identity control",)),
                   ("role based access control administrator", ("identity control",)),
                   ("key vault", ("secrets",)), ("storage", ("data",)), ("cosmos", ("data",)), ("sql", ("data",)),
                   ("virtual machine contributor", ("code execution",)))
K8S_SENSITIVE = {"cluster-admin": ("secrets", "identity control", "code execution"),
                 "admin": ("secrets", "identity control", "code execution"), "edit": ("secrets", "code execution")}
K8S_CODE_EXEC = {"pods/exec", "pods/attach", "pods", "deployments", "daemonsets", "statefulsets", "jobs", "cronjobs",
                 "serviceaccounts/token"}
K8S_IDENTITY = {"roles", "clusterroles", "rolebindings", "clusterrolebindings"}
WRITE_VERBS = {"create", "update", "patch", "*"}


def permissions(g, ctx, identities: list[dict]) -> dict:
    out = {"aws": [], "kubernetes": [], "gcp": [], "azure": [], "sensitive": [], "unknown": []}
    for ident in identities:
        node = ident["node"]
        rec = g.node(node)
        if ident["how"] == "member of":
            pass  # a group's policies are counted on its member (effective permissions are per member)
        elif rec.kind in (NodeKind.PRINCIPAL, NodeKind.EXTERNAL) and rec.rtype.startswith("aws_") or g.grants(node):
            _aws(g, ctx, ident, out)
        for e in g.edges_out(node, Rel.K8S_BINDING):
            _k8s(g, ident, e, out)
        for e in g.edges_out(node, Rel.GCP_BINDING):
            role = e.role or g.address_of(e.target)
            out["gcp"].append({"identity": ident["address"], "role": role, "scope": e.scope or e.scope_kind or "",
                               "via": e.via.address if e.via else None})
            _named(out, ident, role, GCP_SENSITIVE, f"Google Cloud role {role}")
        for e in g.edges_out(node, Rel.AZURE_ASSIGNMENT):
            role = g.node(e.target).builtin or g.address_of(e.target)
            out["azure"].append({"identity": ident["address"], "role": role, "scope": e.scope or "",
                                 "conditioned": e.conditioned, "via": e.via.address if e.via else None})
            _named(out, ident, role, AZURE_SENSITIVE, f"Azure role {role}")
    uniq = {(s["kind"], s["identity"], s["what"]): s for s in out["sensitive"]}
    out["sensitive"] = [uniq[k] for k in sorted(uniq)]
    out["unknown"] = sorted(set(out["unknown"]))
    return out


def _aws(g, ctx, ident: dict, out: dict) -> None:
    """Per identity once (agents sharing an identity share its entries), kept on the rule context."""
    memo = ctx.__dict__.setdefault("_inventory_aws", {})
    node = ident["node"]
    if node not in memo:
        part = {"aws": [], "sensitive": [], "unknown": []}
        _aws_compute(g, ctx, ident, part)
        memo[node] = part
    for key, items in memo[node].items():
        out[key] += items


def action_groups(g, ctx, ident: dict, unknown: list) -> dict | None:
    """Every action the identity holds after Deny and the boundary, by (service, access level): {"names": set of
    action names, "everywhere": granted on every resource}; None when the catalogue is unavailable. What cannot be
    read is appended to `unknown`. (`agentlint drift` compares these sets in full.)"""
    eff = ctx.effective(ident["node"])
    if eff.boundary_unknown:
        unknown.append(f"{ident['address']}: permissions boundary unknown until apply")
    try:
        cat = catalog()
    except CatalogUnavailable:
        unknown.append("the AWS action catalogue is unavailable: actions not expanded")
        return None
    # Deny and boundary checks cost a match per action: skip them when nothing can take an action away.
    restricted = eff.boundary is not None or any(h.statement.is_deny for h in eff.holdings)
    groups: dict[tuple[str, str], dict] = {}
    for h in eff.holdings:
        st = h.statement
        if not st.is_allow:
            continue
        if any(not isinstance(a, str) for a in (st.actions or []) + (st.not_actions or [])):
            unknown.append(f"{ident['address']}: {g.address_of(h.policy)} {st.label()} has actions unknown "
                           "until apply")
        everywhere = on_all_resources(st) is True
        if st.actions is not None:
            found = [_grouped(cat, p.strip().lower()) for p in st.action_strings()]
        elif st.not_actions is not None:
            found = [{key: {n for n in names if covers(st, n)} for key, names in _grouped(cat, "*").items()}]
        else:
            found = []
        for by_level in found:
            for key, names in by_level.items():
                if restricted:
                    names = {n for n in names if not eff.denied(n) and eff.within_boundary(n)}
                if not names:
                    continue
                grp = groups.setdefault(key, {"names": set(), "everywhere": False})
                grp["names"] |= names
                grp["everywhere"] = grp["everywhere"] or everywhere
    return groups


def _aws_compute(g, ctx, ident: dict, out: dict) -> None:
    groups = action_groups(g, ctx, ident, out["unknown"])
    if groups is None:
        return
    # Kept whole on the rule context for `agentlint drift` (held_actions), before the record collapses them.
    ctx.__dict__.setdefault("_inventory_groups", {})[ident["node"]] = dict(groups)
    cat = catalog()
    whole = _whole_services(cat, groups)
    if len(whole) > MAX_WHOLE_SERVICES:  # `Action: "*"` and the like: one entry, not thousands
        keys = [k for k in groups if k[0] in whole]
        collapsed = [groups.pop(key) for key in keys]
        levels = {level: sum(1 for k in keys if k[1] == level) for level in LEVELS}
        out["aws"].append({"identity": ident["address"], "service": "*", "level": "all",
                           "count": sum(len(grp["names"]) for grp in collapsed), "services": len(whole),
                           "levels": {level: n for level, n in levels.items() if n},
                           "actions": [], "truncated": True,
                           "on_all_resources": all(grp["everywhere"] for grp in collapsed)})
        for service in sorted(whole):
            for level in LEVELS:
                names = _grouped(cat, f"{service}:*").get((service, level))
                if names:
                    _aws_sensitive(out, ident, service, level, names)
    for (service, level), grp in sorted(groups.items(), key=lambda kv: (kv[0][0], LEVELS.index(kv[0][1]))):
        names = sorted(grp["names"])
        out["aws"].append({"identity": ident["address"], "service": service, "level": level, "count": len(names),
                           "actions": names[:MAX_NAMES], "truncated": len(names) > MAX_NAMES,
                           "on_all_resources": grp["everywhere"]})
        _aws_sensitive(out, ident, service, level, grp["names"])


def held_actions(ctx, node: str) -> dict:
    """{(service, level): {"names", "everywhere"}} of an identity whose record `permissions` built (empty if none)."""
    return ctx.__dict__.get("_inventory_groups", {}).get(node, {})


def _whole_services(cat, groups: dict) -> set[str]:
    """Services every action of which the identity holds."""
    held: dict[str, int] = {}
    for (service, _level), grp in groups.items():
        held[service] = held.get(service, 0) + len(grp["names"])
    return {service for service, count in held.items()
            if count == sum(len(names) for names in _grouped(cat, f"{service}:*").values())}


@lru_cache(maxsize=2048)
def _grouped(cat, pattern: str) -> dict[tuple[str, str], frozenset]:
    """The catalogue actions a pattern matches, by (service, access level); computed once per pattern."""
    out: dict[tuple[str, str], set] = {}
    for action in cat.expand(pattern):
        out.setdefault((action.name.split(":", 1)[0], action.level), set()).add(action.name)
    return {key: frozenset(names) for key, names in out.items()}


# Named sensitive actions by service, so that a service's actions are lowered only when one of them may be there.
_NAMED = {}
for _name in SECRET_ACTIONS | CODE_EXEC_ACTIONS:
    _NAMED.setdefault(_name.split(":", 1)[0], set()).add(_name)


def _aws_sensitive(out: dict, ident: dict, service: str, level: str, names) -> None:
    named = {n for n in names if n.lower() in _NAMED[service]} if service in _NAMED else set()
    hits = []
    if {n.lower() for n in named} & SECRET_ACTIONS or service == "secretsmanager" and level in ("Read", "Write"):
        hits.append(("secrets", f"{service} {level}"))
    if service in DATA_SERVICES and level in ("Read", "Write"):
        hits.append(("data", f"{service} {level}"))
    if service in IDENTITY_SERVICES and level in ("Write", "Permissions management"):
        hits.append(("identity control", f"{service} {level}"))
    for name in sorted(n for n in named if n.lower() in CODE_EXEC_ACTIONS):
        hits.append(("code execution", name))
    for kind, what in hits:
        out["sensitive"].append({"kind": kind, "identity": ident["address"], "what": what})


def _k8s(g, ident: dict, e, out: dict) -> None:
    role = g.node(e.target)
    name = role.k8s_name or role.address.split(":")[-1]
    entry = {"identity": ident["address"], "role": name, "kind": role.k8s_kind or "ClusterRole",
             "scope": e.scope or "", "via": e.via.address if e.via else None, "rules": [], "summary": role.summary}
    for rule in role.rules:
        verbs = sorted(str(v) for v in (getattr(rule, "verbs", None) or ()))
        resources = sorted(str(r) for r in (getattr(rule, "resources", None) or ()))
        entry["rules"].append({"verbs": verbs, "resources": resources})
        if "secrets" in resources or "*" in resources:
            if set(verbs) & {"get", "list", "watch", "*"}:
                out["sensitive"].append({"kind": "secrets", "identity": ident["address"], "what": f"{name}: secrets"})
        if set(resources) & K8S_CODE_EXEC and set(verbs) & WRITE_VERBS:
            out["sensitive"].append({"kind": "code execution", "identity": ident["address"],
                                     "what": f"{name}: {', '.join(sorted(set(resources) & K8S_CODE_EXEC))}"})
        if set(resources) & K8S_IDENTITY and set(verbs) & (WRITE_VERBS | {"bind", "escalate"}):
            out["sensitive"].append({"kind": "identity control", "identity": ident["address"],
                                     "what": f"{name}: RBAC"})
    for kind in K8S_SENSITIVE.get(name, ()) if role.resource is None else ():
        out["sensitive"].append({"kind": kind, "identity": ident["address"], "what": f"built-in role {name}"})
    out["kubernetes"].append(entry)


def _named(out: dict, ident: dict, role: str, table, what: str) -> None:
    lower = role.lower()
    for needle, kinds in table:
        if needle in lower:
            for kind in kinds:
                out["sensitive"].append({"kind": kind, "identity": ident["address"], "what": what})
            return
