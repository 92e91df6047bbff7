from __future__ import annotations

from agentlint.graph.paths import AgentPath
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, agents_phrase


class LongLivedAccessKey(Rule):
    """
    ## What it does
    Flags every active `aws_iam_access_key`. The finding ranks higher when an AI agent uses the key, directly
    (the key's id or secret is passed into the agent's environment or configuration) or through the IAM user
    the key belongs to.

    ## Why is this bad?
    IAM access keys never expire. Terraform also writes the secret into its state file (and into plan JSON), so
    everyone who can read state holds the credential. A key handed to an agent lives as long as nobody rotates
    it, works from anywhere, and is the first thing a prompt-injected agent can be made to print.

    ## Example
    ```hcl
    resource "aws_iam_access_key" "bot" {
      user = aws_iam_user.bot.name
    }
    ```

    ## Fix
    Give the agent a role instead: a Lambda/ECS/AgentCore execution role, an instance profile, EKS Pod Identity
    or IRSA. Outside AWS, use IAM Roles Anywhere or OIDC federation, which issue credentials that expire.
    """

    id = "AL301"
    name = "long-lived-access-key"
    title = "Long-lived IAM access key"
    category = "long-lived-credential"
    severity = Severity.HIGH
    fix = "Delete the access key and give the workload a role with short-lived credentials."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for rec in g.nodes():
            node, res = rec.id, rec.resource
            if res is None or res.type != "aws_iam_access_key":
                continue
            if str(res.values.get("status", "Active")).lower() == "inactive":
                continue
            users = g.credential_users(node)
            direct = [AgentPath(w, [w, node]) for w in g.credential_carriers(node) if w in g.agents]
            user = users[0] if users else None
            owner = f"IAM user {g.address_of(user)}" if user else "an IAM user outside the scanned code"
            pgp = res.values.get("pgp_key")
            # With pgp_key, state holds `encrypted_secret` (PGP-encrypted for that key) instead of `secret`.
            stored = (", and its secret is in Terraform state encrypted for the PGP key in pgp_key"
                      if pgp not in (None, "") else " and their secret is stored in Terraform state")
            message = (f"{res.address} is a long-lived access key for {owner}{agents_phrase(g, user)}; "
                       f"access keys never expire{stored}")
            yield ctx.finding(self, at=res, message=message, identity=user, key="access-key", extra_agents=direct,
                              trace_tail=[ctx.credential_step(res)])
