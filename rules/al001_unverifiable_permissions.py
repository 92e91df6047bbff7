from __future__ import annotations

from agentlint.graph.schema import NodeKind, Rel
from agentlint.model import Confidence, Severity, TraceStep
from agentlint.rule import Rule, RuleContext
from agentlint.values import Unknown, display


class UnverifiablePermissions(Rule):
    """
    ## What it does
    Reports, for identities that AI agents act as, every policy agentlint cannot read (a `templatefile()`, a
    variable without a value, a policy defined outside the scanned code, an AWS managed policy it does not model),
    every Allow statement whose actions or resources are computed (`actions = var.actions`), and every agent whose
    role is not defined in the scanned code. Other rules cannot vouch for what they cannot
    see; this rule makes the gap visible instead of letting it pass as "no findings".

    ## Why is this bad?
    A silent pass on an unreadable policy is how administrator access slips through review: the policy that
    matters is the one the scanner could not read.

    ## Example
    ```hcl
    resource "aws_iam_role_policy" "agent" {
      role   = aws_iam_role.agent.id
      policy = templatefile("${path.module}/policy.json.tpl", { bucket = var.bucket })
    }
    ```

    ## Fix
    Scan the plan (`terraform show -json plan.out`), where values are rendered, or write the policy with
    `jsonencode` or `data "aws_iam_policy_document"`; pass values for variables through a `.tfvars` file; scan the
    folder that defines the role together with the agent.
    """

    id = "AL001"
    name = "unverifiable-permissions"
    title = "Agent permissions that cannot be verified"
    category = "identity-hygiene"
    severity = Severity.LOW
    confidence = Confidence.LOW
    fix = "Make the policy statically readable (jsonencode or aws_iam_policy_document) or scan the rendered plan."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for principal in sorted(g.principals()):
            if not g.agent_paths(principal):
                continue
            for grant in g.grants(principal):
                if grant.group is not None:
                    continue  # reported on the group
                doc = g.document(grant.policy)
                if doc.known:
                    yield from self._unknown_parts(ctx, principal, grant, doc)
                    continue
                at, line = ctx.grant_location(grant, grant.policy)
                message = (f"cannot verify what {g.address_of(principal)} allows: "
                           f"{g.address_of(grant.policy)}: {doc.reason}")
                yield ctx.finding(self, at=at, line=line, message=message, identity=principal,
                                  key=f"policy:{g.address_of(grant.policy)}",
                                  trace_tail=ctx.policy_trace(grant, grant.policy, None))
        for agent in sorted(g.agents):
            res = g.resource_of(agent)
            for edge in g.edges_out(agent, Rel.RUNS_AS):
                target = g.node(edge.target)
                defined_elsewhere = target.resource is not None and target.resource.mode == "data"
                if target.kind != NodeKind.EXTERNAL and not defined_elsewhere:
                    continue
                label = target.address
                message = (f"cannot verify what agent {res.address} can do: its identity ({edge.attr} = "
                           f"{label}) is not defined in the scanned code")
                yield ctx.finding(self, at=res, line=res.line_of(str(edge.attr or "").split(".")[0]),
                                  message=message, identity=None, key=f"identity:{label}",
                                  extra_agents=[_self_path(agent)],
                                  trace_tail=[TraceStep(role="identity", address=label, note="not in scanned code")])


    def _unknown_parts(self, ctx, principal, grant, doc):
        g = ctx.graph
        for st in doc.statements:
            if not st.is_allow and st.effect != "?":
                continue
            parts = [("Effect", st.effect)] if st.effect == "?" else []
            for label, items in (("Action", st.actions), ("NotAction", st.not_actions), ("Resource", st.resources)):
                parts += [(label, display(i, 60)) for i in items or [] if isinstance(i, Unknown)]
            if not parts:
                continue
            at, line, wired = ctx.statement_location(grant, grant.policy, st)
            shown = "; ".join(f"{k} = {v}" for k, v in parts[:3])
            message = (f"cannot verify {st.label()} of {g.address_of(grant.policy)} for "
                       f"{g.address_of(principal)}: {shown}")
            yield ctx.finding(self, at=at, line=line, message=message, identity=principal,
                              key=f"statement:{g.address_of(grant.policy)}#{st.digest()}",
                              trace_tail=ctx.policy_trace(grant, grant.policy, st), moved_from=wired)


def _self_path(agent):
    from agentlint.graph.paths import AgentPath

    return AgentPath(agent, [agent])
