"""Generate a large `terraform show -json` plan (format 1.2) for speed and memory measurements.

Usage: python benchmarks/gen_plan.py N OUT.json   (N resources, rounded to whole groups of 10)

Each group of 10 resources is one agent setup in its own module instance: a Bedrock agent, its role (ARN unknown
at plan time, linked through configuration references), an inline policy, a customer policy and its attachment, a
managed-policy attachment, a Lambda tool with its role and policy, and an S3 bucket. Every tenth group attaches
AdministratorAccess, so the scan has findings to report.
"""

from __future__ import annotations

import json
import sys

P = "registry.terraform.io/hashicorp/aws"


def group(i: int) -> tuple[list, list, dict]:
    m = f"module.agent_{i}"
    admin = i % 10 == 0
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::kb-{i}/*"},
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}]})
    tool_policy = json.dumps({"Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem",
                                             "Resource": f"arn:aws:dynamodb:eu-west-1:111122223333:table/t{i}"}]})
    res = [
        ("aws_bedrockagent_agent", "this", {"agent_name": f"agent-{i}", "foundation_model": "amazon.nova-pro-v1:0"},
         {"agent_resource_role_arn": True, "agent_id": True}),
        ("aws_iam_role", "agent", {"name": f"agent-{i}", "assume_role_policy": "{}", "max_session_duration": 3600},
         {"arn": True, "id": True}),
        ("aws_iam_role_policy", "inline", {"role": f"agent-{i}", "policy": policy}, {"id": True}),
        ("aws_iam_policy", "extra", {"name": f"extra-{i}", "policy": tool_policy}, {"arn": True, "id": True}),
        ("aws_iam_role_policy_attachment", "extra", {"role": f"agent-{i}"}, {"policy_arn": True, "id": True}),
        ("aws_iam_role_policy_attachment", "managed", {
            "role": f"agent-{i}",
            "policy_arn": "arn:aws:iam::aws:policy/" + ("AdministratorAccess" if admin else "AWSLambdaBasicExecutionRole")},
         {"id": True}),
        ("aws_lambda_function", "tool", {"function_name": f"tool-{i}", "handler": "app.handler"}, {"role": True, "arn": True}),
        ("aws_iam_role", "tool", {"name": f"tool-{i}", "assume_role_policy": "{}"}, {"arn": True, "id": True}),
        ("aws_iam_role_policy", "tool", {"role": f"tool-{i}", "policy": tool_policy}, {"id": True}),
        ("aws_s3_bucket", "kb", {"bucket": f"kb-{i}"}, {"arn": True, "id": True}),
    ]
    planned, changes = [], []
    for rtype, name, values, unknown in res:
        address = f"{m}.{rtype}.{name}"
        planned.append({"address": address, "mode": "managed", "type": rtype, "name": name, "provider_name": P,
                        "schema_version": 0, "values": values, "sensitive_values": {}})
        changes.append({"address": address, "module_address": m, "mode": "managed", "type": rtype, "name": name,
                        "provider_name": P, "change": {"actions": ["create"], "before": None, "after": values,
                                                       "after_unknown": unknown, "before_sensitive": False,
                                                       "after_sensitive": {}}})
    refs = {
        "aws_bedrockagent_agent.this": {"agent_resource_role_arn": ["aws_iam_role.agent.arn", "aws_iam_role.agent"]},
        "aws_iam_role_policy_attachment.extra": {"policy_arn": ["aws_iam_policy.extra.arn", "aws_iam_policy.extra"]},
        "aws_lambda_function.tool": {"role": ["aws_iam_role.tool.arn", "aws_iam_role.tool"]},
    }
    config = {"resources": [{"address": f"{t}.{n}", "mode": "managed", "type": t, "name": n,
                             "expressions": {k: {"references": v} for k, v in refs.get(f"{t}.{n}", {}).items()}}
                            for t, n, _, _ in res]}
    return planned, changes, {"address": m, "resources": planned}, config


def main(n: int, out: str) -> None:
    groups = max(1, n // 10)
    child_modules, changes, calls = [], [], {}
    for i in range(groups):
        planned, ch, child, config = group(i)
        child_modules.append(child)
        changes.extend(ch)
        calls[f"agent_{i}"] = {"source": "./modules/agent", "module": config}
    doc = {"format_version": "1.2", "terraform_version": "1.9.8",
           "planned_values": {"root_module": {"resources": [], "child_modules": child_modules}},
           "resource_changes": changes,
           "configuration": {"root_module": {"module_calls": calls}}}
    with open(out, "w") as fh:
        json.dump(doc, fh)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
