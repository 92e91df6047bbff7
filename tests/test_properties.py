"""Property-based tests: random and near-valid inputs never crash the loaders or the evaluator, and the order of
policy statements never changes the findings."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentlint.loaders import load
from agentlint.loaders.hcl_ast import HCLSyntaxError, parse_hcl
from helpers import run

SETTINGS = settings(max_examples=int(__import__("os").environ.get("AGENTLINT_HYPOTHESIS_EXAMPLES", "80")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOKENS = ['resource', 'data', 'module', 'locals', 'variable', '"aws_iam_role"', '"r"', '{', '}', '[', ']', '(', ')',
          '=', ',', ':', '.', '\n', ' ', '"', '${', '%{', 'jsonencode(', 'var.x', 'local.y', 'aws_iam_role.r.arn',
          '"*"', '1', '-2.5e3', 'true', 'null', '<<EOF\n', 'EOF\n', '<<-EOT\n', '#', '//', '/*', '*/', '?', '&&',
          '!', 'for', 'in', '=>', '...', '[*]', '.*', 'count', 'for_each', 'dynamic', 'content', '\\', '\r\n']

hcl_soup = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)
hcl_text = st.one_of(hcl_soup, st.text(max_size=200))


@SETTINGS
@given(hcl_text)
def test_hcl_parser_raises_only_syntax_errors(text):
    try:
        parse_hcl(text, "x.tf")
    except HCLSyntaxError:
        pass


def _scan_files(files: dict[str, bytes]):
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in files.items():
            path = Path(tmp) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return run(tmp)


@SETTINGS
@given(hcl_text, hcl_text)
def test_scan_of_random_modules_never_crashes(main, child):
    report = _scan_files({"main.tf": main.encode("utf-8", "surrogatepass"),
                          "mod/main.tf": child.encode("utf-8", "surrogatepass"),
                          "call.tf": b'module "m" {\n  source = "./mod"\n  x = var.a\n}\n'})
    assert all(e.kind != "internal-error" for e in report.errors)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25)
resource_like = st.fixed_dictionaries({
    "address": st.sampled_from(["aws_iam_role.r", "module.m.aws_iam_user.u", "data.aws_iam_policy_document.d", "x"]),
    "mode": st.sampled_from(["managed", "data", 7]),
    "type": st.sampled_from(["aws_iam_role", "aws_iam_user", "aws_iam_policy_document", "aws_lambda_function"]),
    "name": st.sampled_from(["r", "u", "d"]),
    "values": json_values,
    "sensitive_values": json_values,
})
plans = st.fixed_dictionaries({
    "format_version": st.just("1.2"),
    "planned_values": st.one_of(json_values, st.fixed_dictionaries({"root_module": st.fixed_dictionaries({
        "resources": st.lists(resource_like, max_size=4), "child_modules": json_values})})),
    "resource_changes": st.one_of(json_values, st.lists(st.fixed_dictionaries({
        "address": st.sampled_from(["aws_iam_role.r", "aws_lambda_function.f"]), "type": st.just("aws_iam_role"),
        "change": st.fixed_dictionaries({"actions": json_values, "after": json_values,
                                         "after_unknown": json_values, "after_sensitive": json_values})}),
        max_size=3)),
    "configuration": json_values,
    "prior_state": json_values,
})


@SETTINGS
@given(plans)
def test_plan_loader_never_crashes(doc):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        path.write_text(json.dumps(doc))
        model = load([str(path)])
        assert all(e.kind in ("parse-error", "not-a-plan", "limit") for e in model.errors)


ACTIONS = ["*", "s3:*", "s3:GetObject", "s3:Put*", "iam:*", "iam:PassRole", "secretsmanager:GetSecretValue",
           "kms:Decrypt", "ssm:GetParameter*", "dynamodb:*Item", "ec2:Describe*", "sts:AssumeRole"]
RESOURCES = ["*", "arn:aws:s3:::*", "arn:aws:s3:::b/*", "arn:aws:secretsmanager:*:*:secret:*",
             "arn:aws:dynamodb:eu-west-1:111122223333:table/t", "arn:aws:kms:*:*:key/*"]
statement = st.fixed_dictionaries(
    {"Effect": st.sampled_from(["Allow", "Allow", "Deny"]),
     "Resource": st.one_of(st.sampled_from(RESOURCES), st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=3))},
    optional={"Condition": st.just({"StringEquals": {"aws:SourceAccount": "111122223333"}})},
).flatmap(lambda base: st.one_of(
    st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3).map(lambda a: {**base, "Action": a}),
    st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2).map(lambda a: {**base, "NotAction": a}),
))


def _agent_with_policy(statements: list[dict]) -> dict[str, bytes]:
    for i, s in enumerate(statements):
        s["Sid"] = f"S{i}"
    config = {
        "resource": {
            "aws_bedrockagent_agent": {"a": {"agent_resource_role_arn": "${aws_iam_role.r.arn}"}},
            "aws_iam_role": {"r": {"name": "r"}},
            "aws_iam_role_policy": {"p": {"role": "${aws_iam_role.r.id}",
                                          "policy": json.dumps({"Statement": statements})}},
        }
    }
    return {"main.tf.json": json.dumps(config, indent=1).encode()}


@SETTINGS
@given(st.lists(statement, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_statement_order_does_not_change_findings(statements, rnd):
    first = _scan_files(_agent_with_policy([dict(s) for s in statements]))
    shuffled = [dict(s) for s in statements]
    for i, s in enumerate(shuffled):
        s["Sid"] = f"S{i}"
    order = list(range(len(shuffled)))
    rnd.shuffle(order)
    reordered = [shuffled[i] for i in order]
    # Keep each statement's Sid with its content, so messages can be compared as sets.
    second = _scan_files({"main.tf.json": _agent_with_policy_keep_sids(reordered)})
    assert first.errors == [] and second.errors == []
    key = lambda r: sorted((f.rule_id, f.fingerprint, f.severity, f.message) for f in r.findings)  # noqa: E731
    assert key(first) == key(second)


def _agent_with_policy_keep_sids(statements: list[dict]) -> bytes:
    config = {"resource": {
        "aws_bedrockagent_agent": {"a": {"agent_resource_role_arn": "${aws_iam_role.r.arn}"}},
        "aws_iam_role": {"r": {"name": "r"}},
        "aws_iam_role_policy": {"p": {"role": "${aws_iam_role.r.id}", "policy": json.dumps({"Statement": statements})}},
    }}
    return json.dumps(config, indent=1).encode()


def test_shuffle_helper_is_exercised():
    rnd = random.Random(1)
    items = list(range(5))
    rnd.shuffle(items)
    assert sorted(items) == [0, 1, 2, 3, 4]
