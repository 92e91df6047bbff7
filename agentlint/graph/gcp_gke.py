"""GKE clusters as workloads: which service accounts the nodes of a `google_container_cluster` run as.

Every pod on a node can fetch the node's service account token from the metadata server (unless Workload Identity
serves it another), so the cluster acts as each of its node pools' accounts. From the hashicorp/google provider docs
(`google_container_cluster`):
- `node_config` describes the default node pool; its `service_account`: "If not specified, the "default" service
  account is used" (the Compute Engine default account). The pool is not created when `node_pool` blocks are given
  instead, and is deleted after creation with `remove_default_node_pool = true`.
- `node_pool` blocks: node pools of the cluster, each with its own `node_config`.
- `enable_autopilot = true`: GKE creates the nodes; they run as
  `cluster_autoscaling.auto_provisioning_defaults.service_account` ("The Google Cloud Platform Service Account to
  be used by the node VMs created by GKE Autopilot or NAP"), else the default account; `node_config` does not apply.
- `cluster_autoscaling.enabled = true` on a Standard cluster (node auto-provisioning): the pools it creates run as
  the same `auto_provisioning_defaults.service_account`, else the default account.
- `google_container_node_pool` resources whose `cluster` names the cluster: their `node_config.service_account`.

A flag this module cannot decide (`enable_autopilot = var.x` without a value) leaves the cluster unwired rather than
guess which account its nodes use.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Optional

from agentlint.model import Resource
from agentlint.values import ProviderDefault, Unknown, blocks, first_block, refs_in

CLUSTER = "google_container_cluster"
NODE_POOL = "google_container_node_pool"


class NodeIdentity(NamedTuple):
    value: Any  # the service account as written (None or "default": the default compute service account)
    attr: str  # where, for the edge and the path shown
    via: Optional[Resource]  # a separate node pool resource that sets it, or None (the cluster's own configuration)


def flag(value: Any) -> Optional[bool]:
    """A boolean argument: left out is False; None when it cannot be read (an unknown, an odd value)."""
    if value is None or isinstance(value, ProviderDefault):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def node_account(value: Any) -> Any:
    """The node pool's `service_account` with the provider's name of the default account ("default", as plans and
    state hold it) read as not set."""
    return None if isinstance(value, str) and value == "default" else value


def cluster_identities(res: Resource, pools: list[Resource]) -> Optional[list[NodeIdentity]]:
    """The service accounts the nodes of a `google_container_cluster` run as (`pools`: the separate
    `google_container_node_pool` resources of that cluster), or None when the code does not say which."""
    values = res.values
    autopilot = flag(values.get("enable_autopilot"))
    autoscaling = first_block(values.get("cluster_autoscaling"))
    nap_attr = "cluster_autoscaling.auto_provisioning_defaults.service_account"
    nap_account = first_block(autoscaling.get("auto_provisioning_defaults")).get("service_account")
    if autopilot is None:
        return None
    if autopilot:
        return [NodeIdentity(node_account(nap_account), nap_attr, None)]
    out: list[NodeIdentity] = []
    inline = blocks(values.get("node_pool"))
    if inline:
        for i, pool in enumerate(inline):
            out.append(NodeIdentity(node_account(first_block(pool.get("node_config")).get("service_account")),
                                    f"node_pool[{i}].node_config.service_account", None))
    else:
        removed = flag(values.get("remove_default_node_pool"))
        if removed is None:
            return None
        if not removed:
            out.append(NodeIdentity(node_account(first_block(values.get("node_config")).get("service_account")),
                                    "node_config.service_account", None))
    if flag(autoscaling.get("enabled")):
        out.append(NodeIdentity(node_account(nap_account), nap_attr, None))
    for pool in pools:
        out.append(NodeIdentity(node_account(first_block(pool.values.get("node_config")).get("service_account")),
                                "node_config.service_account", pool))
    return out


def pools_by_cluster(resources: list[Resource], lookup: Callable[[str, str], Optional[Resource]]
                     ) -> dict[tuple[str, str], list[Resource]]:
    """Separate node pools by the (stack, address) of the cluster their `cluster` names: by reference
    (`google_container_cluster.x.name` / `.id`), or by the cluster's name written out (alone or as the last part
    of `projects/P/locations/L/clusters/NAME`), when one cluster of the stack has it."""
    clusters = [r for r in resources if r.mode == "managed" and r.type == CLUSTER]
    by_name: dict[tuple[str, str], list[Resource]] = {}
    for c in clusters:
        name = c.values.get("name")
        if isinstance(name, str):
            by_name.setdefault((c.stack, name), []).append(c)
    out: dict[tuple[str, str], list[Resource]] = {}
    for pool in resources:
        if pool.mode != "managed" or pool.type != NODE_POOL:
            continue
        value = pool.values.get("cluster")
        found: Optional[Resource] = None
        for ref in refs_in(value):
            target = lookup(pool.stack, ref.address)
            if target is not None and target.type == CLUSTER and target.mode == "managed":
                found = target
                break
        if found is None and isinstance(value, str) and not isinstance(value, Unknown):
            named = by_name.get((pool.stack, value.rsplit("/", 1)[-1]), [])
            found = named[0] if len(named) == 1 else None
        if found is not None:
            out.setdefault((found.stack, found.address), []).append(pool)
    return out
