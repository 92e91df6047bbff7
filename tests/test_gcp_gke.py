"""GKE clusters run as their nodes' service accounts: the default node pool's, inline and separate node pools',
Autopilot's and node auto-provisioning's; the Compute Engine default account when none is named."""

from __future__ import annotations

from agentlint.config import Config
from agentlint.engine import build_graph
from agentlint.graph.schema import Rel
from helpers import run

DEFAULT = "gcp-default-sa:compute"

CLUSTERS = '''
resource "google_service_account" "nodes" {
  account_id = "gke-nodes"
}

resource "google_container_cluster" "default_pool" {
  name               = "default-pool"
  location           = "europe-west1"
  initial_node_count = 1
}

resource "google_container_cluster" "own_default_pool" {
  name               = "own-default-pool"
  location           = "europe-west1"
  initial_node_count = 1
  node_config {
    service_account = google_service_account.nodes.email
  }
}

resource "google_container_cluster" "replaced" {
  name                     = "replaced"
  location                 = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1
}

resource "google_container_node_pool" "replaced" {
  name    = "replaced-pool"
  cluster = google_container_cluster.replaced.id
  node_config {
    service_account = google_service_account.nodes.email
  }
}

resource "google_container_cluster" "replaced_by_name" {
  name                     = "replaced-by-name"
  location                 = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1
}

resource "google_container_node_pool" "replaced_by_name" {
  name    = "pool"
  cluster = "projects/acme/locations/europe-west1/clusters/replaced-by-name"
}

resource "google_container_cluster" "inline_pools" {
  name     = "inline-pools"
  location = "europe-west1"
  node_pool {
    name = "system"
    node_config {
      service_account = google_service_account.nodes.email
    }
  }
  node_pool {
    name = "gpu"
  }
}

resource "google_container_cluster" "autopilot" {
  name             = "autopilot"
  location         = "europe-west1"
  enable_autopilot = true
  node_config {
    service_account = google_service_account.nodes.email # not used by Autopilot
  }
}

resource "google_container_cluster" "autopilot_own" {
  name             = "autopilot-own"
  location         = "europe-west1"
  enable_autopilot = true
  cluster_autoscaling {
    auto_provisioning_defaults {
      service_account = google_service_account.nodes.email
    }
  }
}

resource "google_container_cluster" "auto_provisioning" {
  name                     = "auto-provisioning"
  location                 = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1
  cluster_autoscaling {
    enabled = true
    resource_limits {
      resource_type = "cpu"
      maximum       = 64
    }
  }
}

variable "autopilot" {
  type = bool
}

resource "google_container_cluster" "undecided" {
  name             = "undecided"
  location         = "europe-west1"
  enable_autopilot = var.autopilot
}
'''


def _runs_as(g) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for e in g.relations(Rel.RUNS_AS):
        out.setdefault(g.address_of(e.source), set()).add(e.target.split("::", 1)[1])
    return out


def test_each_cluster_runs_as_its_nodes_accounts(tmp_path):
    (tmp_path / "main.tf").write_text(CLUSTERS)
    got = _runs_as(build_graph([str(tmp_path)], Config()))
    own = "google_service_account.nodes"
    assert got == {
        "google_container_cluster.default_pool": {DEFAULT},
        "google_container_cluster.own_default_pool": {own},
        "google_container_cluster.replaced": {own},  # its separate pool's account, not the default one
        "google_container_node_pool.replaced": {own},
        "google_container_cluster.replaced_by_name": {DEFAULT},  # its pool names no account
        "google_container_node_pool.replaced_by_name": {DEFAULT},
        "google_container_cluster.inline_pools": {own, DEFAULT},  # the gpu pool names none
        "google_container_cluster.autopilot": {DEFAULT},  # node_config does not apply to Autopilot
        "google_container_cluster.autopilot_own": {own},
        "google_container_cluster.auto_provisioning": {DEFAULT},  # pools it creates, no default account named
        # google_container_cluster.undecided: Autopilot or not is not known: left out, not guessed
    }


def test_a_separate_pool_is_named_on_the_clusters_edge(tmp_path):
    (tmp_path / "main.tf").write_text(CLUSTERS)
    g = build_graph([str(tmp_path)], Config())
    [edge] = [e for e in g.relations(Rel.RUNS_AS) if g.address_of(e.source) == "google_container_cluster.replaced"]
    assert (edge.via.address, edge.attr) == ("google_container_node_pool.replaced",
                                             "google_container_node_pool.replaced.node_config.service_account")


def test_a_pool_that_names_the_default_account_as_the_provider_writes_it(tmp_path):
    """Plans and state hold `service_account = "default"` for a pool that named none."""
    (tmp_path / "main.tf").write_text('''
resource "google_container_node_pool" "pool" {
  name    = "pool"
  cluster = "elsewhere"
  node_config {
    service_account = "default"
  }
}
''')
    assert _runs_as(build_graph([str(tmp_path)], Config())) == {"google_container_node_pool.pool": {DEFAULT}}


def test_an_agent_cluster_on_the_default_account_ranks_the_grant_higher():
    report = run("fixtures/AL210/bad/gke-default-node-accounts")
    [finding] = report.findings
    assert finding.agents == ["google_container_cluster.agents"]
    assert finding.message.endswith("inherits it: agent google_container_cluster.agents, "
                                    "google_container_cluster.batch")


FULL_SCOPE = '''
resource "google_container_cluster" "%s" {
  name               = "%s"
  location           = "europe-west1"
  initial_node_count = 1
  resource_labels    = { ai-agent = "true" }
  %s
  node_config {
    oauth_scopes = ["https://www.googleapis.com/auth/cloud-platform"]
  }
}
'''


def test_al313_judges_a_clusters_node_config_only_when_nodes_use_it(tmp_path):
    (tmp_path / "main.tf").write_text(FULL_SCOPE % ("agents", "agents", "") +
                                      FULL_SCOPE % ("removed", "removed", "remove_default_node_pool = true") +
                                      FULL_SCOPE % ("autopilot", "autopilot", "enable_autopilot = true"))
    got = [(f.address, f.agents, f.severity.value) for f in run(str(tmp_path)).findings if f.rule_id == "AL313"]
    assert got == [("google_container_cluster.agents", ["google_container_cluster.agents"], "high")]
