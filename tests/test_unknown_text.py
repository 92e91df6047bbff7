"""How an unknown value reads where it is formatted into text (Unknown.__str__): the expression as written, redacted,
never the debugging form; yamlencode of a value with unknown parts is unknown but keeps its object (UnknownYAML)."""

from __future__ import annotations

import pickle

from agentlint.iam.policy import parse_policy_value
from agentlint.values import Unknown, UnknownYAML


def test_an_unknown_reads_as_its_expression_redacted():
    assert str(Unknown("aws_iam_saml_provider.corp.arn")) == f"{Unknown('aws_iam_saml_provider.corp.arn')}" == (
        "aws_iam_saml_provider.corp.arn")
    assert str(Unknown("")) == "(unknown)"
    assert "AKIA" not in str(Unknown('"AKIAIOSFODNN7EXAMPLE:${var.suffix}"'))
    assert repr(Unknown("var.x")) == "Unknown('var.x')"  # the debugging form is unchanged


def test_yamlencode_with_unknown_parts_keeps_its_object():
    role = Unknown("aws_iam_role.kagent.arn")
    value = UnknownYAML("yamlencode({...})", (), {"annotations": {"eks.amazonaws.com/role-arn": role}})
    assert isinstance(value, Unknown) and repr(value) == "Unknown('yamlencode({...})')"
    assert value == UnknownYAML("yamlencode({...})", (), None) and hash(value)  # the object is no part of equality
    assert pickle.loads(pickle.dumps(value)).decoded == {"annotations": {"eks.amazonaws.com/role-arn": role}}


def test_a_condition_key_reads_as_written_and_the_statement_digest_is_unchanged():
    key = Unknown('${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}:sub')
    doc = parse_policy_value({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                                             "Condition": {"StringLike": {key: "system:serviceaccount:a:*"}}}]},
                             lambda address: None)
    [st] = doc.statements
    assert st.conditions[0].key == '${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}:sub'
    assert st.digest() == "d724038d94b0"  # as before Unknown.__str__ (baselines keep matching)
