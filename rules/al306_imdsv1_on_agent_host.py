from __future__ import annotations

from agentlint.model import Confidence, Severity
from agentlint.rule import Ranking, Rule, RuleContext
from agentlint.values import Unknown, display, first_block

HOSTS = ("aws_instance", "aws_launch_template", "aws_launch_configuration", "aws_spot_instance_request")


class Imdsv1OnAgentHost(Rule):
    """
    ## What it does
    Flags EC2 instances, launch templates and launch configurations that host an agent (as agent detection marks
    them: tags, configuration) and do not require IMDSv2: `metadata_options { http_tokens = "optional" }`,
    or no `metadata_options` at all (then the AMI decides; reported with medium confidence). A disabled metadata
    endpoint (`http_endpoint = "disabled"`) is fine.

    ## Why is this bad?
    Agents fetch URLs their input names. With IMDSv1, one GET to `http://169.254.169.254/latest/meta-data/iam/
    security-credentials/<role>` returns the instance role's credentials: a prompt injection that asks the
    agent's browsing or HTTP tool to read that URL walks away with the agent's identity. IMDSv2 requires a PUT
    with a token header first, which such tools do not send.

    ## Example
    ```hcl
    resource "aws_instance" "agent" {
      metadata_options {
        http_tokens = "optional"
      }
    }
    ```

    ## Fix
    `metadata_options { http_tokens = "required"  http_put_response_hop_limit = 1 }` (hop limit 2 for containers
    on the host).
    """

    id = "AL306"
    name = "imdsv1-on-agent-host"
    title = "Instance hosting an agent allows IMDSv1"
    category = "credential-exposure"
    # Reported only where an agent acts: the severity is what users get.
    ranking = Ranking.FIXED
    severity = Severity.HIGH
    fix = 'Set metadata_options { http_tokens = "required" } on the instance or launch template.'

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for node in sorted(g.agents):
            res = g.resource_of(node)
            if res is None or res.type not in HOSTS:
                continue
            opts = first_block(res.values.get("metadata_options"))
            endpoint, tokens = opts.get("http_endpoint"), opts.get("http_tokens")
            if isinstance(endpoint, str) and endpoint.lower() == "disabled":
                continue
            line = res.line_of("metadata_options")
            if isinstance(tokens, str) and tokens.lower() == "required":
                continue
            if isinstance(tokens, Unknown):
                yield ctx.finding(self, at=res, line=line, identity=node, key="unknown", confidence=Confidence.LOW,
                                  message=f"cannot verify that agent host {res.address} requires IMDSv2: "
                                          f"http_tokens = {display(tokens)}")
            elif tokens is None:
                yield ctx.finding(self, at=res, identity=node, key="unset", confidence=Confidence.MEDIUM,
                                  message=(f"agent host {res.address} does not set metadata_options.http_tokens, "
                                           "so IMDSv1 stays on unless the AMI turns it off: the agent's HTTP tools "
                                           "can fetch the instance role's credentials"))
            else:
                yield ctx.finding(self, at=res, line=line, identity=node, key="optional",
                                  message=(f"agent host {res.address} allows IMDSv1 (http_tokens = {tokens!r}): "
                                           "one GET from the agent's HTTP tools returns the instance role's "
                                           "credentials"))
