"""AWS managed policies that agentlint knows by ARN.

Most come from the catalogue shipped with agentlint (`agentlint.iam.catalogues`: every managed policy document
AWS publishes, as of the snapshot date in its SNAPSHOT.json), read only when a scan attaches the policy. The
curated table below holds only the policies that snapshot lacks, each read from the AWS Managed Policy Reference
(docs.aws.amazon.com/aws-managed-policy/latest/reference/<PolicyName>.html); its `tier` lets AL201 name an
administrator policy as such. A catalogue policy has no tier: rules judge it by its statements, exactly as they
judge a customer's policy.

An AWS managed policy in neither is "not modelled": rules cannot see what it grants, and the
unverifiable-permissions rule says so for agent identities instead of treating it as harmless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

from agentlint.iam.catalogues import aws_managed_policy
from agentlint.iam.policy import PolicyDocument, from_json_object
from agentlint.values import Unknown

_REFERENCE = "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/{name}.html"
_MANAGED_ARN = re.compile(r"arn:[^:]*:iam::aws:policy/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)\s*$")


@dataclass(frozen=True)
class ManagedPolicy:
    name: str
    tier: str  # "admin" | "near-admin" | "scoped" (curated); "content" (catalogue: judged by statements only)
    summary: str
    statements: Optional[tuple] = None  # IAM JSON statements; None = content not modelled
    abridged: bool = False
    deprecated: bool = False  # AWS marks it deprecated: it cannot be newly attached, but still grants while attached
    document_json: Optional[dict] = field(default=None, compare=False, repr=False)  # the catalogue's document

    @property
    def source(self) -> str:
        return _REFERENCE.format(name=self.name)

    def document(self) -> PolicyDocument:
        if self.document_json is not None:
            return from_json_object(self.document_json)
        if self.statements is None:
            return PolicyDocument.unknown(f"AWS managed policy {self.name} is known only by tier ({self.tier})")
        return from_json_object({"Statement": list(self.statements)})


def _allow(actions: Any, resource: Any = "*", not_action: bool = False, condition: Optional[dict] = None) -> dict:
    st: dict[str, Any] = {"Effect": "Allow", ("NotAction" if not_action else "Action"): actions, "Resource": resource}
    if condition:
        st["Condition"] = condition
    return st


# Only policies the catalogue snapshot lacks (tests/test_catalogues.py fails when the snapshot gains one).
_TABLE = [
    ManagedPolicy("AdministratorAccess", "admin", "full access to every AWS service and resource",
                  (_allow("*"),)),
    ManagedPolicy("PowerUserAccess", "near-admin", "everything except IAM, Organizations and Account management",
                  (_allow(["iam:*", "organizations:*", "account:*"], not_action=True),
                   _allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
                           "organizations:DescribeOrganization", "account:ListRegions",
                           "account:GetAccountInformation"]))),
    ManagedPolicy("AIDevOpsAgentActionsPolicy", "scoped", "operator-approved changes by the AWS DevOps Agent",
                  (_allow(["autoscaling:UpdateAutoScalingGroup", "cloudformation:UpdateStack",
                           "cloudwatch:PutMetricAlarm", "ec2:CreateTags", "ec2:ModifyInstanceAttribute",
                           "ecs:UpdateService", "elasticloadbalancing:ModifyTargetGroup",
                           "lambda:UpdateFunctionConfiguration", "logs:PutMetricFilter", "rds:ModifyDBInstance"]),)),
    ManagedPolicy("AWSMcpServiceActionsFullAccess", "scoped", "every action, when called as an MCP service action",
                  (_allow("*", condition={"Bool": {"aws:IsMcpServiceAction": "true"}}),)),
]

MANAGED: dict[str, ManagedPolicy] = {p.name.lower(): p for p in _TABLE}


def managed_policy_name(value: Any) -> Optional[str]:
    """The policy name when a value is an AWS managed policy ARN, also when the partition is interpolated
    (`arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess`)."""
    text = value.text if isinstance(value, Unknown) else value
    if not isinstance(text, str):
        return None
    text = re.sub(r"\$\{[^}]*\}", "aws", text)
    m = _MANAGED_ARN.search(text)
    return m.group(1) if m else None


def lookup_managed(name: str) -> Optional[ManagedPolicy]:
    """The curated entry, else the catalogue's (decompressed on first use; None when neither knows the name)."""
    curated = MANAGED.get(name.lower())
    if curated is not None:
        return curated
    return _from_catalogue(name.lower())


@lru_cache(maxsize=None)
def _from_catalogue(name: str) -> Optional[ManagedPolicy]:
    entry = aws_managed_policy(name)
    if entry is None:
        return None
    return ManagedPolicy(entry["name"], "content", "", deprecated=entry["deprecated"],
                         document_json=entry["document"])
