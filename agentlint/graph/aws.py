"""Where AWS workloads name the identity they run as (see shared notes: identity-catalog.md, section 1.2).

Each entry: resource type -> list of (attribute path, target kind). A path step is an attribute or nested-block
name; `json:` marks an attribute that holds a JSON string to decode first (ECS/Batch container definitions).
"""

from __future__ import annotations

WORKLOAD_IDENTITY: dict[str, list[tuple[tuple[str, ...], str]]] = {
    "aws_lambda_function": [(("role",), "role")],
    # The task role is what the application (the agent) runs as; the execution role only pulls images and logs.
    "aws_ecs_task_definition": [(("task_role_arn",), "role")],
    "aws_bedrockagent_agent": [(("agent_resource_role_arn",), "role")],
    "awscc_bedrock_agent": [(("agent_resource_role_arn",), "role")],
    "aws_bedrockagent_knowledge_base": [(("role_arn",), "role")],
    "aws_bedrockagent_flow": [(("execution_role_arn",), "role")],
    "aws_bedrockagentcore_agent_runtime": [(("role_arn",), "role")],
    "awscc_bedrockagentcore_runtime": [(("role_arn",), "role")],
    "aws_bedrockagentcore_gateway": [(("role_arn",), "role")],
    "aws_bedrockagentcore_code_interpreter": [(("execution_role_arn",), "role")],
    "aws_bedrockagentcore_browser": [(("execution_role_arn",), "role")],
    "aws_bedrockagentcore_memory": [(("memory_execution_role_arn",), "role")],
    "aws_sagemaker_notebook_instance": [(("role_arn",), "role")],
    "aws_sagemaker_model": [(("execution_role_arn",), "role")],
    "aws_sagemaker_domain": [(("default_user_settings", "execution_role"), "role")],
    "aws_sagemaker_user_profile": [(("user_settings", "execution_role"), "role")],
    "aws_sagemaker_pipeline": [(("role_arn",), "role")],
    "aws_sfn_state_machine": [(("role_arn",), "role")],
    "aws_codebuild_project": [(("service_role",), "role")],
    "aws_apprunner_service": [(("instance_configuration", "instance_role_arn"), "role")],
    "aws_batch_job_definition": [(("json:container_properties", "jobRoleArn"), "role")],
    "aws_instance": [(("iam_instance_profile",), "instance_profile")],
    "aws_launch_template": [(("iam_instance_profile", "arn"), "instance_profile"),
                            (("iam_instance_profile", "name"), "instance_profile")],
    "aws_eks_pod_identity_association": [(("role_arn",), "role")],
}

K8S_SERVICE_ACCOUNT_TYPES = ("kubernetes_service_account", "kubernetes_service_account_v1")
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"

# Pod-bearing Kubernetes resources -> path to the pod spec.
K8S_POD_SPEC: dict[str, tuple[str, ...]] = {
    "kubernetes_pod": ("spec",),
    "kubernetes_pod_v1": ("spec",),
    "kubernetes_deployment": ("spec", "template", "spec"),
    "kubernetes_deployment_v1": ("spec", "template", "spec"),
    "kubernetes_stateful_set": ("spec", "template", "spec"),
    "kubernetes_stateful_set_v1": ("spec", "template", "spec"),
    "kubernetes_daemon_set_v1": ("spec", "template", "spec"),
    "kubernetes_daemonset": ("spec", "template", "spec"),
    "kubernetes_job": ("spec", "template", "spec"),
    "kubernetes_job_v1": ("spec", "template", "spec"),
    "kubernetes_cron_job": ("spec", "job_template", "spec", "template", "spec"),
    "kubernetes_cron_job_v1": ("spec", "job_template", "spec", "template", "spec"),
}

# Target kind -> resource types that can be that target.
TARGET_TYPES: dict[str, tuple[str, ...]] = {
    "role": ("aws_iam_role",),
    "instance_profile": ("aws_iam_instance_profile",),
    "user": ("aws_iam_user",),
    "group": ("aws_iam_group",),
    "permission_set": ("aws_ssoadmin_permission_set",),
    "policy": ("aws_iam_policy",),
    "lambda": ("aws_lambda_function",),
    "agent": ("aws_bedrockagent_agent",),
}

# IAM Identity Center permission sets are identities people act as; they are here so that what they grant is judged
# like any role (an agent never runs as one: AL307 covers people and agents sharing).
PRINCIPAL_TYPES = ("aws_iam_role", "aws_iam_user", "aws_iam_group", "aws_ssoadmin_permission_set", "google_service_account",
                   "azurerm_user_assigned_identity")

# Inline policies: resource type -> attribute naming the principal, principal kind.
INLINE_POLICY_TYPES = {
    "aws_iam_role_policy": ("role", "role"),
    "aws_iam_user_policy": ("user", "user"),
    "aws_iam_group_policy": ("group", "group"),
    "aws_ssoadmin_permission_set_inline_policy": ("permission_set_arn", "permission_set"),
}

# Attachments of a managed (or customer managed) policy: type -> (principal attribute, kind, policy attribute).
ATTACHMENT_TYPES = {
    "aws_iam_role_policy_attachment": [("role", "role", "policy_arn")],
    "aws_iam_user_policy_attachment": [("user", "user", "policy_arn")],
    "aws_iam_group_policy_attachment": [("group", "group", "policy_arn")],
    "aws_iam_policy_attachment": [("roles", "role", "policy_arn"), ("users", "user", "policy_arn"),
                                  ("groups", "group", "policy_arn")],
    "aws_iam_role_policy_attachments_exclusive": [("role_name", "role", "policy_arns")],
    "aws_iam_user_policy_attachments_exclusive": [("user_name", "user", "policy_arns")],
    "aws_iam_group_policy_attachments_exclusive": [("group_name", "group", "policy_arns")],
    "aws_ssoadmin_managed_policy_attachment": [("permission_set_arn", "permission_set", "managed_policy_arn")],
}
