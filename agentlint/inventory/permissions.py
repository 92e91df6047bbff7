"""What the identities of an agent's chain can do, grouped for a reader, with the sensitive reach named.

AWS: every Allow statement the identity holds (inline, attached, managed, through its groups) is expanded against
the action catalogue (agentlint.iam.catalog), less what an unconditional Deny removes or the permissions boundary does
not allow (agentlint.iam.effective), and grouped by service and access level. Kubernetes: the rules of the roles
bound to a service account (or the built-in role's summary). Google Cloud and Azure: the roles as granted, with
their scope. What cannot be read (an action from a variable, a policy that is unknown until apply, an unknown
boundary) is listed under `unknown`, never dropped.
"""

from __future__ import annotations

from agentlint.graph.schema import NodeKind, Rel
from agentlint.iam.catalog import CatalogUnavailable, catalog
from agentlint.iam.evaluate import on_all_resources

LEVELS = ("List", "Read", "Tagging", "Write", "Permissions management")
MAX_NAMES = 8

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
    eff = ctx.effective(ident["node"])
    if eff.boundary_unknown:
        out["unknown"].append(f"{ident['address']}: permissions boundary unknown until apply")
    groups: dict[tuple[str, str], dict] = {}
    try:
        cat = catalog()
    except CatalogUnavailable:
        out["unknown"].append("the AWS action catalogue is unavailable: actions not expanded")
        return
    for h in eff.holdings:
        st = h.statement
        if not st.is_allow:
            continue
        if any(not isinstance(a, str) for a in (st.actions or []) + (st.not_actions or [])):
            out["unknown"].append(f"{ident['address']}: {g.address_of(h.policy)} {st.label()} has actions unknown "
                                  "until apply")
        everywhere = on_all_resources(st) is True
        if st.actions is not None:
            found = [a for p in st.action_strings() for a in cat.expand(p)]
        elif st.not_actions is not None:
            found = [a for a in cat.expand("*") if _allowed_by_not_action(st, a.name)]
        else:
            found = []
        for action in found:
            if eff.denied(action.name) or not eff.within_boundary(action.name):
                continue
            grp = groups.setdefault((action.service, action.level), {"names": set(), "everywhere": False})
            grp["names"].add(action.name)
            grp["everywhere"] = grp["everywhere"] or everywhere
    for (service, level), grp in sorted(groups.items(), key=lambda kv: (kv[0][0], LEVELS.index(kv[0][1]))):
        names = sorted(grp["names"])
        out["aws"].append({"identity": ident["address"], "service": service, "level": level, "count": len(names),
                           "actions": names[:MAX_NAMES], "truncated": len(names) > MAX_NAMES,
                           "on_all_resources": grp["everywhere"]})
        _aws_sensitive(out, ident, service, level, names)


def _allowed_by_not_action(st, name: str) -> bool:
    from agentlint.iam.effective import covers

    return covers(st, name)


def _aws_sensitive(out: dict, ident: dict, service: str, level: str, names: list[str]) -> None:
    lower = {n.lower() for n in names}
    hits = []
    if lower & SECRET_ACTIONS or service == "secretsmanager" and level in ("Read", "Write"):
        hits.append(("secrets", f"{service} {level}"))
    if service in DATA_SERVICES and level in ("Read", "Write"):
        hits.append(("data", f"{service} {level}"))
    if service in IDENTITY_SERVICES and level in ("Write", "Permissions management"):
        hits.append(("identity control", f"{service} {level}"))
    for name in sorted(lower & CODE_EXEC_ACTIONS):
        hits.append(("code execution", next(n for n in names if n.lower() == name)))
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
