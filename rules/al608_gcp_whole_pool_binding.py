from __future__ import annotations

import re

from agentlint.graph.schema import Rel
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, scope_phrase

WHOLE_POOL = re.compile(r"^principalSet://iam\.googleapis\.com/.+/workloadIdentityPools/[^/]+/\*$")


class GcpWholePoolBinding(Rule):
    """
    ## What it does
    Flags Google Cloud IAM grants whose member is a whole workload identity pool
    (`principalSet://iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<pool>/*`), on a service
    account or a project, folder or organization.

    ## Why is this bad?
    Every identity the pool accepts (every repository of a GitHub organization, every workload of a cluster) gets
    the role. With `roles/iam.workloadIdentityUser` on an agent's service account, any of them can act as the agent.

    ## Example
    ```hcl
    member = "principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ci/*"
    ```

    ## Fix
    Bind the exact subject (`principal://.../subject/repo:acme/agents:ref:refs/heads/main`) or an attribute set
    (`principalSet://.../attribute.repository/acme/agents`).
    """

    id = "AL608"
    name = "gcp-whole-pool-binding"
    title = "IAM grant to every identity of a workload identity pool"
    category = "risky-trust"
    severity = Severity.HIGH
    fix = "Bind principal://.../subject/<exact subject> or an attribute-scoped principalSet, not the whole pool."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for binding in g.relations(Rel.GCP_BINDING):
            text = binding.member or ""
            if not WHOLE_POOL.match(text):
                continue
            via = binding.via
            target = binding.account
            extra = [p for p in g.agent_paths(target)] if target else []
            yield ctx.finding(self, at=via, line=via.line_of("member") if "member" in via.attr_lines
                              else via.line_of("members"), key=f"{binding.role}:{text}", extra_agents=extra,
                              message=(f"every identity of workload identity pool {text.rsplit('/', 2)[-2]} is "
                                       f"granted {binding.role} on {scope_phrase(binding.scope)}{agents_phrase(g, target)} by "
                                       f"{via.address}"))
