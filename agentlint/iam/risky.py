"""Tables of risky IAM actions that several rules consult, so that each action is reported by exactly one rule:
reads of stored data (AL401), actions that return credentials (AL402), acting on identity and on other agents
(AL203). Action names as AWS spells them; compare case-insensitively."""

from __future__ import annotations

# Reads that return data stored for someone else (cloudsplaining's data-exfiltration set, plus kms:Decrypt).
SENSITIVE_READS = {
    "secretsmanager:GetSecretValue": "every Secrets Manager secret",
    "ssm:GetParameter": "every SSM parameter",
    "ssm:GetParameters": "every SSM parameter",
    "ssm:GetParametersByPath": "every SSM parameter",
    "s3:GetObject": "every S3 object",
    "kms:Decrypt": "anything encrypted with any KMS key",
}

# Actions whose response is a credential (keys, passwords, tokens, presigned sign-in URLs), limited to those that
# take a resource ARN: granting them on "*" is a choice. Actions that only accept "*" (ecr:GetAuthorizationToken,
# sts:GetSessionToken) are left out, and sts:AssumeRole is AL203's. Every name is checked against the AWS action
# catalogue by the test suite.
CREDENTIAL_ACTIONS = {
    "iam:CreateAccessKey": "IAM access keys for any user",
    "iam:CreateServiceSpecificCredential": "service credentials (Bedrock and CodeCommit keys) for any user",
    "iam:ResetServiceSpecificCredential": "service credentials (Bedrock and CodeCommit keys) for any user",
    "sts:GetFederationToken": "federation tokens",
    "bedrock-agentcore:GetWorkloadAccessToken": "AgentCore workload access tokens for any workload identity",
    "bedrock-agentcore:GetWorkloadAccessTokenForJWT": "AgentCore workload access tokens for any workload identity",
    "bedrock-agentcore:GetWorkloadAccessTokenForUserId": "AgentCore workload access tokens for any workload identity",
    "bedrock-agentcore:GetResourceApiKey": "every API key in AgentCore Identity's credential providers",
    "bedrock-agentcore:GetResourceOauth2Token": "OAuth2 tokens from every AgentCore Identity credential provider",
    "codeartifact:GetAuthorizationToken": "CodeArtifact tokens for any domain",
    "redshift:GetClusterCredentials": "database credentials for any Redshift cluster",
    "redshift:GetClusterCredentialsWithIAM": "database credentials for any Redshift cluster",
    "redshift-serverless:GetCredentials": "database credentials for any Redshift Serverless workgroup",
    "rds-db:connect": "IAM database sign-in to any RDS database user",
    "dsql:DbConnectAdmin": "admin sign-in to any Aurora DSQL cluster",
    "ec2:GetPasswordData": "Windows administrator passwords of any instance",
    "lightsail:GetInstanceAccessDetails": "SSH keys and passwords of any Lightsail instance",
    "lightsail:GetRelationalDatabaseMasterUserPassword": "master passwords of any Lightsail database",
    "sagemaker:CreatePresignedDomainUrl": "sign-in URLs to any SageMaker Studio user profile",
    "sagemaker:CreatePresignedNotebookInstanceUrl": "sign-in URLs to any SageMaker notebook",
    "cognito-identity:GetOpenIdTokenForDeveloperIdentity": "Cognito OpenID tokens for any identity",
    "connect:GetFederationToken": "Amazon Connect federation tokens",
    "cloud9:CreateEnvironmentToken": "Cloud9 environment tokens",
    "grafana:CreateWorkspaceApiKey": "API keys for any Managed Grafana workspace",
    "grafana:CreateWorkspaceServiceAccountToken": "service-account tokens for any Managed Grafana workspace",
    "airflow:CreateCliToken": "CLI tokens for any MWAA environment",
    "airflow:CreateWebLoginToken": "web sign-in tokens for any MWAA environment",
    "gamelift:GetInstanceAccess": "access credentials of any GameLift instance",
    "gamelift:GetComputeAccess": "access credentials of any GameLift compute",
    "gamelift:GetComputeAuthToken": "auth tokens of any GameLift compute",
    "gamelift:RequestUploadCredentials": "GameLift upload credentials",
    "mediapackage:RotateChannelCredentials": "MediaPackage ingest credentials",
    "mediapackage:RotateIngestEndpointCredentials": "MediaPackage ingest credentials",
}

# The actions that let an agent act on identities and on other agents, named first in the message. The other
# "Permissions management" actions of the AWS catalogue (policy writes on buckets, keys, queues...) follow.
IDENTITY_ACTIONS = {
    "sts:assumerole": "assume any role",
    "iam:passrole": "pass any role to a service",
    "iam:updateassumerolepolicy": "rewrite any role's trust policy",
    "bedrock:invokeagent": "invoke any Bedrock agent",
    "bedrock-agentcore:invokeagentruntime": "invoke any AgentCore runtime",
}


# Actions the Service Authorization Reference files under "Permissions management" that do not change who may act
# on anything that already exists, so AL203 (identity control) leaves them to the write rules:
# - creating a resource of one's own: a policy may be given at creation, but it can only open the new topic or
#   queue; the policy writes on existing resources (sns:SetTopicAttributes, sqs:SetQueueAttributes,
#   sns:AddPermission...) stay identity control;
# - ec2:CreateNetworkInterfacePermission: lets an AWS service's account attach a network interface in the VPC (how
#   Lambda, EKS and other services reach it), a network hand-off, not a grant to an identity;
# - iam:CreateInstanceProfile: an empty instance profile; putting a role in it (iam:AddRoleToInstanceProfile) and
#   passing the role stay reported;
# - `*:AllowVendedLogDeliveryForResource`: lets CloudWatch Logs deliver the service's own logs.
NOT_IDENTITY_CONTROL = {
    "sns:createtopic": "creates a topic of its own",
    "sqs:createqueue": "creates a queue of its own",
    "ec2:createnetworkinterfacepermission": "lets an AWS service attach a network interface",
    "iam:createinstanceprofile": "creates an empty instance profile",
}
_VENDED_LOGS = ":allowvendedlogdeliveryforresource"


def controls_identity(action: str) -> bool:
    """False for the "Permissions management" actions in NOT_IDENTITY_CONTROL (and vended log delivery)."""
    lower = action.lower()
    return lower not in NOT_IDENTITY_CONTROL and not lower.endswith(_VENDED_LOGS)


def is_credential_action(action: str) -> bool:
    return action.lower() in _LOWER_CREDENTIAL


def reported_elsewhere(action: str) -> bool:
    """Is the action one of the tables above (so that a generic rule like AL102 leaves it to its own rule)?"""
    lower = action.lower()
    return (lower in IDENTITY_ACTIONS or lower in _LOWER_SENSITIVE or lower in _LOWER_CREDENTIAL)


_LOWER_SENSITIVE = {a.lower() for a in SENSITIVE_READS}
_LOWER_CREDENTIAL = {a.lower() for a in CREDENTIAL_ACTIONS}
