"""The blast radius: one number per agent so that agents can be ranked (the README documents the formula).

    blast_radius = breadth + sensitivity + credentials + trust

- breadth: for each AWS (identity, service, access level) group, its level's weight (List 1, Tagging 1, Read 2,
  Write 3, Permissions management 5), halved when no action of the group is granted on every resource (a `*` entry,
  services held whole, counts each of its services' levels the same way); 3 for each
  Kubernetes, Google Cloud or Azure role granted, 9 when the role is a primitive one (cluster-admin, admin, edit,
  roles/owner, roles/editor, Owner, Contributor, User Access Administrator);
- sensitivity: 10 for each kind of sensitive reach (secrets, data, identity control, code execution);
- credentials: 5 for each credential with no expiry, 2 for each with a declared lifetime;
- trust: 5 for each external principal (another account, an OIDC provider, anyone) that can become an identity of
  the chain, 1 for each other trusted principal, and 2 for each other agent or workload on the same identity.
"""

from __future__ import annotations

LEVEL_WEIGHT = {"List": 1, "Tagging": 1, "Read": 2, "Write": 3, "Permissions management": 5}
ROLE_WEIGHT, PRIMITIVE_WEIGHT = 3, 9
PRIMITIVE_ROLES = {"cluster-admin", "admin", "edit", "roles/owner", "roles/editor", "owner", "contributor",
                   "user access administrator"}
SENSITIVE_WEIGHT = 10
NO_EXPIRY_WEIGHT, LIFETIME_WEIGHT = 5, 2
EXTERNAL_TRUST_WEIGHT, TRUST_WEIGHT, SHARED_WEIGHT = 5, 1, 2


def blast_radius(record: dict) -> dict:
    """The parts and their sum, for a record built by inventory.build."""
    perms = record["permissions"]
    breadth = 0.0
    for p in perms["aws"]:
        # `service: "*"` (every action of many services): `levels` counts the services holding each level.
        weight = sum(LEVEL_WEIGHT[level] * n for level, n in p["levels"].items()) if p["service"] == "*" \
            else LEVEL_WEIGHT[p["level"]]
        breadth += weight * (1 if p["on_all_resources"] else 0.5)
    for role in [p["role"] for p in perms["kubernetes"] + perms["gcp"] + perms["azure"]]:
        breadth += PRIMITIVE_WEIGHT if role.lower() in PRIMITIVE_ROLES else ROLE_WEIGHT
    sensitivity = SENSITIVE_WEIGHT * len({s["kind"] for s in perms["sensitive"]})
    creds = sum(NO_EXPIRY_WEIGHT if c["lifetime"] == "no expiry" else LIFETIME_WEIGHT for c in record["credentials"])
    trust = sum(EXTERNAL_TRUST_WEIGHT if t["external"] else TRUST_WEIGHT for t in record["trusted_by"])
    trust += SHARED_WEIGHT * len(record["shared_with"])
    parts = {"breadth": breadth, "sensitivity": sensitivity, "credentials": creds, "trust": trust}
    parts = {k: round(float(v), 1) for k, v in parts.items()}
    return {"score": round(sum(parts.values()), 1), **parts}
