"""AWS managed policies that agentlint knows by ARN.

Each entry records what the policy grants, in the same statement model as written policies, and where that
content was read: the AWS Managed Policy Reference (docs.aws.amazon.com/aws-managed-policy/latest/reference/
<PolicyName>.html). Documents marked `abridged` keep only the statements that matter to agentlint's rules; the
`tier` says how a rule should rank the policy as a whole even when its content is not modelled.

An AWS managed policy that is not in this table is "not modelled": rules cannot see what it grants, and the
unverifiable-permissions rule says so for agent identities instead of treating it as harmless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from agentlint.iam.policy import PolicyDocument, from_json_object
from agentlint.values import Unknown

_REFERENCE = "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/{name}.html"
_MANAGED_ARN = re.compile(r"arn:[^:]*:iam::aws:policy/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)\s*$")


@dataclass(frozen=True)
class ManagedPolicy:
    name: str
    tier: str  # "admin" | "near-admin" | "service-full" | "scoped"
    summary: str
    statements: Optional[tuple] = None  # IAM JSON statements; None = content not modelled
    abridged: bool = False

    @property
    def source(self) -> str:
        return _REFERENCE.format(name=self.name)

    def document(self) -> PolicyDocument:
        if self.statements is None:
            return PolicyDocument.unknown(f"AWS managed policy {self.name} is known only by tier ({self.tier})")
        return from_json_object({"Statement": list(self.statements)})


def _allow(actions: Any, resource: Any = "*", not_action: bool = False, condition: Optional[dict] = None) -> dict:
    st: dict[str, Any] = {"Effect": "Allow", ("NotAction" if not_action else "Action"): actions, "Resource": resource}
    if condition:
        st["Condition"] = condition
    return st


_TABLE = [
    ManagedPolicy("AdministratorAccess", "admin", "full access to every AWS service and resource",
                  (_allow("*"),)),
    ManagedPolicy("PowerUserAccess", "near-admin", "everything except IAM, Organizations and Account management",
                  (_allow(["iam:*", "organizations:*", "account:*"], not_action=True),
                   _allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
                           "organizations:DescribeOrganization", "account:ListRegions",
                           "account:GetAccountInformation"]))),
    ManagedPolicy("IAMFullAccess", "near-admin", "full IAM access, which can grant itself any other permission",
                  (_allow("iam:*"),), abridged=True),
    ManagedPolicy("AWSOrganizationsFullAccess", "near-admin", "full control of the AWS Organization",
                  (_allow("organizations:*"),), abridged=True),
    ManagedPolicy("SystemAdministrator", "near-admin", "job function: broad administration of compute, storage, "
                  "networking and monitoring services (content not modelled)"),
    ManagedPolicy("NetworkAdministrator", "near-admin", "job function: administration of all network services "
                  "(content not modelled)"),
    ManagedPolicy("DatabaseAdministrator", "near-admin", "job function: administration of all database services "
                  "(content not modelled)"),
    ManagedPolicy("AmazonBedrockFullAccess", "service-full", "full access to Amazon Bedrock",
                  (_allow("bedrock:*"),), abridged=True),
    ManagedPolicy("BedrockAgentCoreFullAccess", "service-full", "full access to Bedrock AgentCore",
                  (_allow("bedrock-agentcore:*", "arn:aws:bedrock-agentcore:*:*:*"),
                   _allow("iam:PassRole", "arn:aws:iam::*:role/*BedrockAgentCore*",
                          condition={"StringEquals": {"iam:PassedToService": "bedrock-agentcore.amazonaws.com"}}),
                   _allow(["secretsmanager:CreateSecret", "secretsmanager:PutSecretValue",
                           "secretsmanager:GetSecretValue", "secretsmanager:DeleteSecret"],
                          "arn:aws:secretsmanager:*:*:secret:bedrock-agentcore*")), abridged=True),
    ManagedPolicy("AmazonS3FullAccess", "service-full", "every S3 action on every bucket and object",
                  (_allow(["s3:*", "s3-object-lambda:*"]),)),
    ManagedPolicy("AmazonS3ReadOnlyAccess", "scoped", "read every bucket and object",
                  (_allow(["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*",
                           "s3-object-lambda:List*"]),)),
    ManagedPolicy("SecretsManagerReadWrite", "service-full", "read and write every Secrets Manager secret",
                  (_allow("secretsmanager:*"),), abridged=True),
    ManagedPolicy("ReadOnlyAccess", "scoped", "read-only access to every service, including object and "
                  "parameter contents", (_allow(["s3:Get*", "s3:List*", "ssm:Get*", "ssm:List*", "ssm:Describe*",
                                                 "dynamodb:Get*", "dynamodb:Query", "dynamodb:Scan"]),),
                  abridged=True),
    ManagedPolicy("AWSLambdaBasicExecutionRole", "scoped", "write CloudWatch Logs",
                  (_allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]),)),
    ManagedPolicy("AWSLambdaVPCAccessExecutionRole", "scoped", "write logs and manage Lambda's VPC interfaces",
                  (_allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                           "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
                           "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
                           "ec2:UnassignPrivateIpAddresses"]),)),
    ManagedPolicy("AmazonECSTaskExecutionRolePolicy", "scoped", "pull images from ECR and write logs",
                  (_allow(["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
                           "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream",
                           "logs:PutLogEvents"]),)),
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
    return MANAGED.get(name.lower())
