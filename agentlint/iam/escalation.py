"""Known privilege-escalation methods: sets of actions that, all allowed on every resource, let an identity gain
permissions it was not given.

Source: cloudsplaining's `PRIVILEGE_ESCALATION_METHODS` (59 methods: Rhino Security Labs' 21 plus the paths
DataDog's pathfinding.cloud added; names kept so results compare one to one), as recorded in
`shared/notes/iam-analysis.md` section 2.1. agentlint adds the Bedrock AgentCore runtime paths (marked "agentlint"):
a runtime runs the caller's container with the role the caller passes.

`passes_to` is the service principal the passed role goes to, so that an `iam:PassedToService` condition naming
another service rules the method out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Method:
    name: str
    actions: tuple[str, ...]
    passes_to: Optional[str] = None
    source: str = "cloudsplaining"


def _m(name: str, actions: str, passes_to: Optional[str] = None, source: str = "cloudsplaining") -> Method:
    return Method(name, tuple(actions.split()), passes_to, source)


EC2, LAMBDA, GLUE, CFN = "ec2.amazonaws.com", "lambda.amazonaws.com", "glue.amazonaws.com", "cloudformation.amazonaws.com"
ECS, SAGEMAKER, CODEBUILD = "ecs-tasks.amazonaws.com", "sagemaker.amazonaws.com", "codebuild.amazonaws.com"
AGENTCORE = "bedrock-agentcore.amazonaws.com"

METHODS: tuple[Method, ...] = (
    _m("CreateAccessKey", "iam:CreateAccessKey"),
    _m("CreateLoginProfile", "iam:CreateLoginProfile"),
    _m("UpdateLoginProfile", "iam:UpdateLoginProfile"),
    _m("AddUserToGroup", "iam:AddUserToGroup"),
    _m("CreateNewPolicyVersion", "iam:CreatePolicyVersion"),
    _m("SetExistingDefaultPolicyVersion", "iam:SetDefaultPolicyVersion"),
    _m("AttachUserPolicy", "iam:AttachUserPolicy"),
    _m("AttachGroupPolicy", "iam:AttachGroupPolicy"),
    _m("AttachRolePolicy", "iam:AttachRolePolicy"),
    _m("PutUserPolicy", "iam:PutUserPolicy"),
    _m("PutGroupPolicy", "iam:PutGroupPolicy"),
    _m("PutRolePolicy", "iam:PutRolePolicy"),
    _m("UpdateRolePolicyToAssumeIt", "iam:UpdateAssumeRolePolicy"),
    _m("CreateEC2WithExistingIP", "iam:PassRole ec2:RunInstances", EC2),
    _m("PassExistingRoleToNewLambdaThenInvoke", "iam:PassRole lambda:CreateFunction lambda:InvokeFunction", LAMBDA),
    _m("PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
       "iam:PassRole lambda:CreateFunction lambda:CreateEventSourceMapping dynamodb:CreateTable dynamodb:PutItem",
       LAMBDA),
    _m("PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
       "iam:PassRole lambda:CreateFunction lambda:CreateEventSourceMapping", LAMBDA),
    _m("PassExistingRoleToNewGlueDevEndpoint", "iam:PassRole glue:CreateDevEndpoint", GLUE),
    _m("PassExistingRoleToCloudFormation", "iam:PassRole cloudformation:CreateStack", CFN),
    _m("PassExistingRoleToNewDataPipeline", "iam:PassRole datapipeline:CreatePipeline", "datapipeline.amazonaws.com"),
    _m("UpdateExistingGlueDevEndpoint", "glue:UpdateDevEndpoint"),
    _m("EditExistingLambdaFunctionWithRole", "lambda:UpdateFunctionCode"),
    _m("AccessExistingBedrockCodeInterpreterSession",
       "bedrock-agentcore:StartCodeInterpreterSession bedrock-agentcore:InvokeCodeInterpreter"),
    _m("ExecuteCloudFormationChangeSet", "cloudformation:CreateChangeSet cloudformation:ExecuteChangeSet"),
    _m("ModifyEC2InstanceUserDataThenRestart", "ec2:ModifyInstanceAttribute ec2:StopInstances ec2:StartInstances"),
    _m("ModifyExistingEC2LaunchTemplate", "ec2:CreateLaunchTemplateVersion ec2:ModifyLaunchTemplate"),
    _m("EC2InstanceConnectSendSSHPublicKey", "ec2-instance-connect:SendSSHPublicKey ec2:DescribeInstances"),
    _m("ECSExecuteCommandOnRunningTask", "ecs:ExecuteCommand ecs:DescribeTasks"),
    _m("UpdateAndInvokeLambdaFunction", "lambda:UpdateFunctionCode lambda:InvokeFunction"),
    _m("UpdateLambdaFunctionAndAddPermission", "lambda:UpdateFunctionCode lambda:AddPermission"),
    _m("CreatePresignedSageMakerNotebookUrl", "sagemaker:CreatePresignedNotebookInstanceUrl"),
    _m("UpdateSageMakerNotebookLifecycleConfig",
       "sagemaker:CreateNotebookInstanceLifecycleConfig sagemaker:StopNotebookInstance "
       "sagemaker:UpdateNotebookInstance sagemaker:StartNotebookInstance"),
    _m("PassExistingRoleToNewAppRunnerService", "iam:PassRole apprunner:CreateService", "*.apprunner.amazonaws.com"),
    _m("PassExistingRoleToNewBedrockCodeInterpreter",
       "iam:PassRole bedrock-agentcore:CreateCodeInterpreter bedrock-agentcore:StartCodeInterpreterSession "
       "bedrock-agentcore:InvokeCodeInterpreter", AGENTCORE),
    _m("PassExistingRoleToNewCloudFormationStackSet",
       "iam:PassRole cloudformation:CreateStackSet cloudformation:CreateStackInstances", CFN),
    _m("PassRoleToUpdateCloudFormationStackSet", "iam:PassRole cloudformation:UpdateStackSet", CFN),
    _m("PassExistingRoleToNewCodeBuildProjectThenBuild",
       "iam:PassRole codebuild:CreateProject codebuild:StartBuild", CODEBUILD),
    _m("PassExistingRoleToNewCodeBuildProjectThenBuildBatch",
       "iam:PassRole codebuild:CreateProject codebuild:StartBuildBatch", CODEBUILD),
    _m("PassExistingRoleToNewEC2SpotInstance", "iam:PassRole ec2:RequestSpotInstances", EC2),
    _m("PassExistingRoleToNewECSClusterServiceTask",
       "iam:PassRole ecs:CreateCluster ecs:RegisterTaskDefinition ecs:CreateService", ECS),
    _m("PassExistingRoleToNewECSClusterRunTask",
       "iam:PassRole ecs:CreateCluster ecs:RegisterTaskDefinition ecs:RunTask", ECS),
    _m("PassExistingRoleToNewECSService", "iam:PassRole ecs:RegisterTaskDefinition ecs:CreateService", ECS),
    _m("PassExistingRoleToNewECSTaskViaRunTask", "iam:PassRole ecs:RegisterTaskDefinition ecs:RunTask", ECS),
    _m("PassExistingRoleToNewECSTaskViaStartTask", "iam:PassRole ecs:RegisterTaskDefinition ecs:StartTask", ECS),
    _m("PassExistingRoleToNewGlueJobThenRun", "iam:PassRole glue:CreateJob glue:StartJobRun", GLUE),
    _m("PassExistingRoleToNewGlueJobViaTrigger", "iam:PassRole glue:CreateJob glue:CreateTrigger", GLUE),
    _m("PassExistingRoleToUpdatedGlueJobThenRun", "iam:PassRole glue:UpdateJob glue:StartJobRun", GLUE),
    _m("PassExistingRoleToUpdatedGlueJobViaTrigger", "iam:PassRole glue:UpdateJob glue:CreateTrigger", GLUE),
    _m("PassExistingRoleToNewLambdaThenAddPermission",
       "iam:PassRole lambda:CreateFunction lambda:AddPermission", LAMBDA),
    _m("PassExistingRoleToNewSageMakerNotebookInstance", "iam:PassRole sagemaker:CreateNotebookInstance", SAGEMAKER),
    _m("PassExistingRoleToNewSageMakerTrainingJob", "iam:PassRole sagemaker:CreateTrainingJob", SAGEMAKER),
    _m("PassExistingRoleToNewSageMakerProcessingJob", "iam:PassRole sagemaker:CreateProcessingJob", SAGEMAKER),
    _m("CreateAndRotateAccessKey", "iam:CreateAccessKey iam:DeleteAccessKey"),
    _m("AttachUserPolicyThenCreateAccessKey", "iam:AttachUserPolicy iam:CreateAccessKey"),
    _m("CreatePolicyVersionThenAssumeRole", "iam:CreatePolicyVersion sts:AssumeRole"),
    _m("PutUserPolicyThenCreateAccessKey", "iam:PutUserPolicy iam:CreateAccessKey"),
    _m("AttachRolePolicyThenUpdateAssumeRolePolicy", "iam:AttachRolePolicy iam:UpdateAssumeRolePolicy"),
    _m("CreatePolicyVersionThenUpdateAssumeRolePolicy", "iam:CreatePolicyVersion iam:UpdateAssumeRolePolicy"),
    _m("PutRolePolicyThenUpdateAssumeRolePolicy", "iam:PutRolePolicy iam:UpdateAssumeRolePolicy"),
    # A runtime runs the caller's container image with the role passed at creation; an update swaps the image.
    _m("PassExistingRoleToNewAgentCoreRuntime",
       "iam:PassRole bedrock-agentcore:CreateAgentRuntime bedrock-agentcore:InvokeAgentRuntime", AGENTCORE, "agentlint"),
    _m("UpdateExistingAgentCoreRuntimeThenInvoke",
       "bedrock-agentcore:UpdateAgentRuntime bedrock-agentcore:InvokeAgentRuntime", None, "agentlint"),
)


def redundant(method: Method, found: list[Method]) -> bool:
    """A method whose actions include every action of another found method adds nothing to report."""
    need = {a.lower() for a in method.actions}
    return any(other is not method and {a.lower() for a in other.actions} < need for other in found)
