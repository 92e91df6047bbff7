"""The expression evaluator, table-tested: exact values where Terraform decides, unknowns (with their resource
references) where it cannot, and budgets that hostile input cannot get past."""

from __future__ import annotations

import pytest

from agentlint.loaders.hcl_ast import parse_expression, parse_hcl
from agentlint.loaders.hcl_eval import Invalid, Scope, evaluate
from agentlint.loaders.hcl_functions import JSONText
from agentlint.loaders.hcl_types import apply_type_defaults
from agentlint.values import Ref, Unknown, refs_in

VARIABLES = {
    "tags": {"team": "ml", "env": "dev"},
    "names": ["b", "a", "c"],
    "users": {"alice": {"admin": True, "groups": ["ops", "dev"]}, "bob": {"admin": False, "groups": ["dev"]}},
    "n": 3,
    "nothing": None,
    "opaque": Unknown("var.opaque"),
}
LOCALS = {
    "role_arns": ("U", [parse_expression("aws_iam_role.a.arn"), ("L", "arn:aws:iam::1:role/b")]),
}


def run(text: str, tmp_path=None):
    root = str(tmp_path) if tmp_path else "/nonexistent"
    return evaluate(parse_expression(text), Scope("", root, root, dict(VARIABLES), dict(LOCALS)))


EXACT = [
    # for expressions: lists, maps in key order, filters, grouping
    ('[for s in var.names : upper(s)]', ["B", "A", "C"]),
    ('[for i, s in var.names : "${i}${s}"]', ["0b", "1a", "2c"]),
    ('[for k, v in var.tags : "${k}=${v}"]', ["env=dev", "team=ml"]),
    ('{for k, v in var.users : k => v.groups if v.admin}', {"alice": ["ops", "dev"]}),
    ('{for s in ["ab", "ac", "b"] : substr(s, 0, 1) => s...}', {"a": ["ab", "ac"], "b": ["b"]}),
    ('[for s in toset(var.names) : s]', ["a", "b", "c"]),
    ('flatten([for k, v in var.users : [for g in v.groups : "${k}:${g}"]])', ["alice:ops", "alice:dev", "bob:dev"]),
    # splats on known values
    ('[{a = 1}, {a = 2}][*].a', [1, 2]),
    ('var.tags[*]', [{"team": "ml", "env": "dev"}]),
    ('var.nothing[*]', []),
    ('[[1, 2], [3]][*][0]', [1, 3]),
    # templates and directives
    ('"%{ if var.n > 2 }big%{ else }small%{ endif }"', "big"),
    ('"%{ for s in var.names ~} ${s} %{~ endfor }"', "bac"),
    ('"${var.tags}"', {"team": "ml", "env": "dev"}),  # a lone interpolation is its value, not a string
    ('"n=${var.n / 2}"', "n=1.5"),
    ('"tab\\tnl\\n\\u00e9"', "tab\tnl\né"),
    # numbers, comparison, logic
    ('5 / 2', 2.5),
    ('4 / 2', 2),
    ('-7 % 3', -1),
    ('1 / 3 * 3', 1),
    ('"3" + 4', 7),
    ('1 == "1"', False),
    ('true ? 1 : "a"', "1"),
    # functions with Terraform's results
    ('format("%s-%05.1f|%-4s|%x|%%", "a", 3.14159, "b", 255)', "a-003.1|b   |ff|%"),
    ('format("{0.__class__}")', "{0.__class__}"),
    ('format("%q", "a\\"b")', '"a\\"b"'),
    ('formatlist("%s=%d", ["a", "b"], [1, 2])', ["a=1", "b=2"]),
    ('toset(["b", "a", "b"])', ["a", "b"]),
    ('sort([3, 10, 2])', ["10", "2", "3"]),
    ('replace("k=v", "/(\\\\w)=(\\\\w)/", "$2=$1")', "v=k"),
    ('regex("^(?P<user>[^@]+)@(?P<domain>.+)$", "me@x.org")', {"user": "me", "domain": "x.org"}),
    ('setproduct(["a"], [1, 2])', [["a", 1], ["a", 2]]),
    ('range(0, 1, 0.25)', [0, 0.25, 0.5, 0.75]),
    ('yamldecode("a: yes\\nb: [1, y]")', {"a": True, "b": [1, True]}),
    ('upper("straße")', "STRAßE"),
    ('max(var.names == [] ? [0] : [1, 5]...)', 5),
    ('can(var.tags.missing)', False),
    ('try(var.tags.missing, "fallback")', "fallback"),
    ('length([aws_iam_role.a.arn, "b"])', 2),
    ('jsondecode(jsonencode({a = [1, 2.5]})).a', [1, 2.5]),
]


@pytest.mark.parametrize("text,expected", EXACT, ids=[t for t, _ in EXACT])
def test_exact_values(text, expected):
    got = run(text)
    assert got == expected and type(got) is type(expected)


def test_jsonencode_is_terraforms_exact_string_and_keeps_the_object():
    got = run('jsonencode({Statement = [{Action = "s3:*", Resource = "<a&b>", N = 10 / 4, W = 6 / 3}], A = null})')
    assert isinstance(got, JSONText)
    assert got == '{"A":null,"Statement":[{"Action":"s3:*","N":2.5,"Resource":"\\u003ca\\u0026b\\u003e","W":2}]}'
    assert got.decoded["Statement"][0]["Action"] == "s3:*"


def test_jsonencode_with_unknown_parts_stays_an_object_that_keeps_them():
    got = run('jsonencode({Statement = [{Action = "s3:*", Resource = aws_s3_bucket.b.arn}]})')
    assert isinstance(got, dict)
    assert refs_in(got) == [Ref("aws_s3_bucket.b", "arn")]


UNKNOWN_KEEPS_REFS = [
    ('[for r in local.role_arns : "${r}/*"]', ["aws_iam_role.a"]),
    ('{for k, v in aws_iam_role.a.tags : k => v}', ["aws_iam_role.a"]),
    ('"%{ if aws_iam_role.a.name == "x" }a%{ endif }"', ["aws_iam_role.a"]),
    ('format("%s", aws_iam_role.a.arn)', ["aws_iam_role.a"]),
    ('upper(aws_iam_role.a.name)', ["aws_iam_role.a"]),
    ('jsondecode(aws_iam_policy.p.policy).Statement', ["aws_iam_policy.p"]),
    ('aws_iam_role.a[*].arn', ["aws_iam_role.a"]),
    ('can(aws_iam_role.a.arn)', ["aws_iam_role.a"]),
    ('[for r in [aws_iam_role.a] : r.arn if r.name != ""]', ["aws_iam_role.a"]),
]


@pytest.mark.parametrize("text,addresses", UNKNOWN_KEEPS_REFS, ids=[t for t, _ in UNKNOWN_KEEPS_REFS])
def test_unknowns_keep_their_references(text, addresses):
    got = run(text)
    assert got != [] and not isinstance(got, (str, bool))
    assert sorted({r.address for r in refs_in(got)}) == addresses


def test_for_symbols_are_not_resource_references():
    got = run('[for r in aws_iam_role.a.list : r.arn]')
    assert isinstance(got, Unknown)
    assert [r.address for r in got.refs] == ["aws_iam_role.a"]  # no reference to a resource type named "r"


def test_concat_keeps_unknown_elements():
    got = run('concat(["a"], [aws_iam_role.a.arn])')
    assert got[0] == "a" and isinstance(got[1], Unknown) and got[1].refs == (Ref("aws_iam_role.a", "arn"),)


def test_errors_are_invalid_and_can_tells_them_apart():
    assert isinstance(run('var.tags.missing'), Invalid)
    assert isinstance(run('1 / 0'), Invalid)
    assert run('can(1 / 0)') is False
    assert isinstance(run('can(var.opaque)'), Unknown)
    assert isinstance(run('false && var.opaque'), Unknown)  # Terraform does not short-cut either


BUDGETS = [
    'range(1000000)',
    'setproduct(range(1000), range(1000))',
    'format("%99999999s", "x")',
    '[for i in range(200000) : i]',
    'regex("(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")',
    'join(",", [for i in range(100000) : "0123456789abcdef"])',
    'indent(100000000, "a\\nb")',
]


@pytest.mark.parametrize("text", BUDGETS)
def test_budgets_give_unknown_not_hangs(text):
    assert isinstance(run(text), Unknown)


def test_templatefile_reads_only_inside_the_scan_root(tmp_path):
    (tmp_path / "t.tftpl").write_text("%{ for a in actions ~}\n${a};\n%{ endfor ~}\nby ${who}")
    assert run('templatefile("t.tftpl", {actions = ["s3:Get", "s3:Put"], who = "me"})', tmp_path) == "s3:Get;\ns3:Put;\nby me"
    assert isinstance(run('templatefile("../outside.tftpl", {})', tmp_path), Unknown)


def test_heredoc_directives_and_indentation():
    parsed = parse_hcl('x = <<-EOT\n    %{ for s in ["a", "b"] ~}\n    - ${s}\n    %{ endfor ~}\n    end\n    EOT\n', "m.tf")
    value = evaluate(parsed.attrs["x"], Scope("", "/", "/", {}, {}))
    assert value == "    - a\n    - b\n    end\n"  # Terraform measures indentation after the strip markers


def test_optional_attribute_defaults():
    parsed = parse_hcl('''
variable "cfg" {
  type = list(object({
    name    = string
    actions = optional(list(string), ["s3:GetObject"])
    nested  = optional(object({ ttl = optional(number, 3600) }), {})
    note    = optional(string)
  }))
}
''', "v.tf")
    type_node = parsed.blocks[0].attrs["type"]
    got = apply_type_defaults(type_node, [{"name": "a"}, {"name": "b", "actions": ["*"], "extra": 1}])
    assert got == [
        {"name": "a", "actions": ["s3:GetObject"], "nested": {"ttl": 3600}, "note": None},
        {"name": "b", "actions": ["*"], "nested": {"ttl": 3600}, "note": None},
    ]
    unknown = Unknown("var.x")
    assert apply_type_defaults(type_node, unknown) is unknown


def test_nested_loops_share_one_budget():
    assert isinstance(run('length(flatten([for a in range(1000) : [for b in range(1000) : b]]))'), Unknown)


def test_shared_parts_do_not_blow_up_encoding(tmp_path):
    doubling = "\n".join(f"  x{i + 1} = [local.x{i}, local.x{i}]" for i in range(40))
    parsed = parse_hcl(f'locals {{\n  x0 = "abc"\n{doubling}\n}}\n', "m.tf")
    scope = Scope("", "/", "/", {}, dict(parsed.blocks[0].attrs))
    for text in ("jsonencode(local.x40)", "yamlencode(local.x40)", "upper(local.x40)", "length(flatten(local.x40))"):
        assert isinstance(evaluate(parse_expression(text), scope), Unknown), text
