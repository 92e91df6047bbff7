"""The evaluator through its public face only (an expression's text, evaluated in a module instance's scope): one
table per kind of result, so the tests hold whatever modules the evaluator is split into.

- KNOWN: the exact value Terraform gives (type included).
- UNKNOWN: not known here; the resource references it mentions are kept (addresses listed, in any order).
- INVALID: an expression Terraform rejects; `can()` tells it apart from an unknown.
"""

from __future__ import annotations

import pytest

from agentlint.loaders.hcl_ast import parse_expression, parse_hcl
from agentlint.loaders.hcl_eval import Invalid, Scope, evaluate
from agentlint.values import Unknown, refs_in

VARIABLES = {
    "names": ["b", "a"],
    "tags": {"team": "ml"},
    "n": 3,
    "flag": "true",
    "nothing": None,
    "opaque": Unknown("var.opaque"),
    "nested": {"list": [{"id": "x"}, {"id": "y"}]},
}
# Module outputs (`module.net.vpc`) and for_each/count module instances (`module.agents["a"].arn`).
OUTPUTS = {("net", "vpc"): "vpc-123", ("net", "ids"): ["subnet-1", "subnet-2"]}
MODULE_INSTANCES = {"agents": {"a": {"arn": "arn:aws:iam::1:role/a"}, "b": {"arn": "arn:aws:iam::1:role/b"}}}
# Resources that do not exist (count = 0 or an empty for_each).
ABSENT = {"aws_iam_role.off"}  # module-local addresses: the callback belongs to one module instance


def scope(tmp_path=None, prefix: str = "", **locals_text: str) -> Scope:
    root = str(tmp_path) if tmp_path else "/nonexistent"
    locals_ast = {name: parse_expression(text) for name, text in locals_text.items()}
    s = Scope(prefix, root, root, dict(VARIABLES), locals_ast,
              child_outputs=lambda call, name: OUTPUTS.get((call, name)),
              exists=lambda address: False if address in ABSENT else None)
    s.module_value = MODULE_INSTANCES.get  # set by the HCL loader on scopes of modules with instances
    return s


def ev(text: str, s: Scope | None = None):
    return evaluate(parse_expression(text), s or scope())


KNOWN = [
    # literals, collections, objects with computed keys
    ('"plain"', "plain"),
    ('{(var.tags.team) = 1, "k" = var.n}', {"ml": 1, "k": 3}),
    ('{1 = "a", true = "b"}', {"1": "a", "true": "b"}),
    ('[var.n, var.nothing]', [3, None]),
    # conditionals: string conditions, branches of one type, unknown condition with equal branches
    ('var.flag ? "yes" : "no"', "yes"),
    ('"false" ? 1 : 2', 2),
    ('false ? 1 : "b"', "b"),
    ('true ? [1] : [2]', [1]),
    ('var.opaque == "x" ? "same" : "same"', "same"),
    # unary operators
    ('-var.n', -3),
    ('-"2.5"', -2.5),
    ('!false', True),
    ('!"true"', False),
    # comparison and logic on strings Terraform converts
    ('"10" > 9', True),
    ('2 >= 2', True),
    ('1 <= 0.5', False),
    ('"true" && true', True),
    ('false || "false"', False),
    ('[1, 2] != [1, 2]', False),
    ('7 - 2 * 3', 1),
    ('0.1 + 0.2', 0.3),
    ('10 % 4', 2),
    # traversals: variables, indexes given as strings, nested lists, splats with steps after them
    ('var.names[1]', "a"),
    ('var.names["0"]', "b"),
    ('var.tags["team"]', "ml"),
    ('var.nested.list[1].id', "y"),
    ('var.nested.list[*].id', ["x", "y"]),
    ('var.nested.list.*.id', ["x", "y"]),
    ('var.nothing[*].id', []),
    ('{a = 1}[*]', [{"a": 1}]),
    # locals, module outputs and module instances
    ('local.doubled', [3, 3]),
    ('module.net.vpc', "vpc-123"),
    ('module.net.ids[0]', "subnet-1"),
    ('module.agents["b"].arn', "arn:aws:iam::1:role/b"),
    ('[for k, m in module.agents : m.arn]', ["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"]),
    # path
    ('path.module', "/nonexistent"),
    ('path.root', "/nonexistent"),
    ('"${path.cwd}/x"', "/nonexistent/x"),
    # for expressions: conditions as strings, filtered maps, grouping
    ('[for s in var.names : s if "true"]', ["b", "a"]),
    ('[for s in var.names : s if s != "a"]', ["b"]),
    ('{for i, s in var.names : s => i}', {"b": 0, "a": 1}),
    ('{for s in ["x", "y", "x"] : s => 1...}', {"x": [1, 1], "y": [1]}),
    ('{for k, v in {b = 1, a = 2} : v => k}', {"2": "a", "1": "b"}),
    ('[for k, v in {} : v]', []),
    # templates: directives on strings, nested loops, numbers and booleans rendered
    ('"%{ if var.flag }on%{ endif }"', "on"),
    ('"%{ if "false" }on%{ else }off%{ endif }"', "off"),
    ('"%{ for k, v in var.tags }${k}=${v};%{ endfor }"', "team=ml;"),
    ('"%{ for s in var.names }%{ for t in ["1"] }${s}${t}%{ endfor }%{ endfor }"', "b1a1"),
    ('"n=${var.n} b=${true} f=${1.5}"', "n=3 b=true f=1.5"),
    ('"$${literal} %%{ literal }"', "${literal} %{ literal }"),
    # functions: provider-namespaced, expansion, tolerant of unknown parts
    ('provider::terraform::encode_tfvars({a = 1}) == "" ? 1 : 1', 1),
    ('max([3, 7]...)', 7),
    ('length([var.opaque, 1])', 2),
    ('try(var.opaque, var.nothing, "x")', None),
    ('can(var.names[0])', True),
    ('can([for s in var.names : upper(s)])', True),
    ('length(jsonencode([]))', 2),
    ('lookup({a = 1}, "b", 2)', 2),
]


@pytest.mark.parametrize("text,expected", KNOWN, ids=[t for t, _ in KNOWN])
def test_known(text, expected):
    got = ev(text, scope(doubled="[var.n, var.n]"))
    assert got == expected and type(got) is type(expected)


UNKNOWN = [
    # references to resources, data sources and modules, module-local addresses kept
    ('aws_iam_role.r.arn', ["aws_iam_role.r"]),
    ('data.aws_caller_identity.me.account_id', ["data.aws_caller_identity.me"]),
    ('module.other.out', ["module.other"]),
    ('module.net.missing', ["module.net"]),
    ('aws_iam_role.r["a"].arn', ['aws_iam_role.r["a"]']),
    ('aws_iam_role.r[0].arn', ["aws_iam_role.r[0]"]),
    ('aws_iam_role.r[var.opaque].arn', ["aws_iam_role.r"]),
    ('aws_iam_role.r[*].arn', ["aws_iam_role.r"]),
    ('data.aws_iam_policy_document.d["k"].json', ['data.aws_iam_policy_document.d["k"]']),
    # what is not known: unset variables, each/count/self outside an instance, cycles, missing locals
    ('var.undeclared', []),
    ('each.key', []),
    ('count.index', []),
    ('self.arn', []),
    ('terraform.workspace', []),
    ('local.missing', []),
    ('local.loop', []),
    ('path.other', []),
    # unknowns flow through every operator and keep what they mention
    ('var.opaque ? aws_iam_role.a.arn : aws_iam_role.b.arn', ["aws_iam_role.a", "aws_iam_role.b"]),
    ('-aws_instance.i.cpu', ["aws_instance.i"]),
    ('!aws_instance.i.enabled', ["aws_instance.i"]),
    ('aws_instance.i.cpu + 1', ["aws_instance.i"]),
    ('{(aws_iam_role.r.name) = 1}', ["aws_iam_role.r"]),
    ('var.names[aws_instance.i.index]', ["aws_instance.i"]),
    ('(aws_iam_role.r.tags).team', ["aws_iam_role.r"]),
    ('[for s in aws_iam_role.r.names : s]', ["aws_iam_role.r"]),
    ('[for s in var.names : s if aws_iam_role.r.enabled]', ["aws_iam_role.r"]),
    ('{for s in var.names : aws_iam_role.r.name => s}', ["aws_iam_role.r"]),
    ('"${aws_iam_role.r.name}-x"', ["aws_iam_role.r"]),
    ('"%{ if aws_iam_role.r.enabled }a%{ endif }"', ["aws_iam_role.r"]),
    ('"%{ for s in aws_iam_role.r.names }${s}%{ endfor }"', ["aws_iam_role.r"]),
    ('"${var.names}"', None),  # a lone interpolation is its value: checked in test_lone_interpolation
    ('"a${var.names}"', []),  # a list inside a longer template cannot be rendered
    ('"a${var.nothing}"', []),
    ('upper(aws_iam_role.r.name)', ["aws_iam_role.r"]),
    ('max(aws_iam_role.r.sizes...)', ["aws_iam_role.r"]),
    ('try(aws_iam_role.r.arn)', ["aws_iam_role.r"]),
    ('no_such_function(1)', []),
    ('jsonencode({a = aws_iam_role.r.arn})', ["aws_iam_role.r"]),
    ('range(10000000)', []),
    ('"%{ for i in range(300000) }x%{ endfor }"', []),
    ('[for s in module.agents[aws_iam_role.r.key].tags : s]', ["aws_iam_role.r", "module.agents"]),
    ('aws_iam_role.off.arn', []),
    ('var.opaque.attr', []),
    ('local.from_resource', ["aws_iam_role.r"]),
]


@pytest.mark.parametrize("text,addresses", [c for c in UNKNOWN if c[1] is not None],
                         ids=[t for t, a in UNKNOWN if a is not None])
def test_unknown_keeps_references(text, addresses):
    got = ev(text, scope(loop="local.loop", from_resource="[aws_iam_role.r.arn]"))
    assert isinstance(got, Unknown) or refs_in(got), got
    assert not isinstance(got, Invalid), got
    assert sorted({r.address for r in refs_in(got)}) == sorted(addresses)


INVALID = [
    'var.tags.missing',
    'var.names[5]',
    'var.names[-1]',
    'var.names[true]',
    'var.names["x"]',
    'var.tags[0]',
    'var.n.attr',
    '[for s in var.n : s]',
    '{for s in ["a", "a"] : s => 1}',
    '-"x"',
    '!"maybe"',
    '"a" > 1',
    '1 && true',
    '1 / 0',
    '5 % 0',
    'upper(["a"])',
    '"${[for s in var.names : s]}" == 1 ? 1 : 2 / 0',
]


@pytest.mark.parametrize("text", INVALID)
def test_invalid(text):
    assert isinstance(ev(text), Invalid)
    assert ev(f"can({text})") is False


def test_lone_interpolation_is_its_value():
    assert ev('"${var.names}"') == ["b", "a"]
    assert ev('"${var.nothing}"') is None


def test_conditional_with_unknown_condition_and_different_branches_is_unknown():
    got = ev('var.opaque ? 1 : 2')
    assert isinstance(got, Unknown) and not isinstance(got, Invalid)


def test_absent_resource_splat_is_empty_and_try_falls_back():
    assert ev('aws_iam_role.off[*].arn') == []
    assert ev('try(aws_iam_role.off.arn, "none")') == "none"
    [element] = ev('aws_iam_role.on[*].arn')
    assert isinstance(element, Unknown) and [r.address for r in element.refs] == ["aws_iam_role.on"]


def test_references_inside_a_child_module_carry_its_prefix():
    s = scope(prefix="module.m.")
    assert [r.address for r in refs_in(ev('aws_iam_role.r.arn', s))] == ["module.m.aws_iam_role.r"]
    assert ev('aws_iam_role.off[*].arn', s) == []


def test_instance_key_from_each_names_the_instance():
    s = scope().bind({"each": {"key": "a", "value": {"x": 1}}, "count": {"index": 2}})
    assert ev('each.value.x', s) == 1
    assert [r.address for r in refs_in(ev('aws_iam_role.r[each.key].arn', s))] == ['aws_iam_role.r["a"]']
    assert [r.address for r in refs_in(ev('aws_iam_role.r[count.index].arn', s))] == ["aws_iam_role.r[2]"]
    # a bound name that holds an unknown passes its references on
    held = scope().bind({"each": {"key": "a", "value": Unknown("x", tuple(ev("aws_iam_role.h.arn").refs))}})
    assert [r.address for r in refs_in(ev('"${each.value}-${var.opaque}"', held))] == ["aws_iam_role.h"]


def test_nesting_deeper_than_the_limit_is_unknown():
    # The parser stops at 100 levels by default; a caller that allows more still gets an unknown, not a crash.
    parsed = parse_hcl("x = " + "[" * 250 + "1" + "]" * 250 + "\n", "m.tf", max_nesting=1000)
    value = evaluate(parsed.attrs["x"], scope())
    levels = 0
    while isinstance(value, list):
        [value] = value
        levels += 1
    assert isinstance(value, Unknown) and 190 < levels < 250  # cut off at the evaluator's depth limit
    assert ev(" + ".join(["1"] * 90)) == 90


def test_template_longer_than_the_budget_is_unknown():
    assert isinstance(ev('"%{ for i in range(2000) }${join("", [for j in range(100) : "0123456789"])}%{ endfor }"'),
                      Unknown)


def test_file_reads_only_inside_the_scan_root(tmp_path):
    (tmp_path / "policy.json").write_text('{"Statement": []}')
    (tmp_path / "binary.bin").write_bytes(b"\xff\xfe\x00")
    s = scope(tmp_path)
    assert ev('file("policy.json")', s) == '{"Statement": []}'
    assert ev('jsondecode(file("${path.module}/policy.json"))', s) == {"Statement": []}
    for text in ('file("../elsewhere.json")', 'file("/etc/hostname")', 'file("missing.json")', 'file("binary.bin")'):
        got = ev(text, s)
        assert isinstance(got, Unknown) and not isinstance(got, Invalid), text


def test_templatefile_renders_with_only_its_variables(tmp_path):
    (tmp_path / "one.tftpl").write_text("${value}")
    (tmp_path / "list.tftpl").write_text("${items}")
    (tmp_path / "uses-var.tftpl").write_text("${var.n}")
    (tmp_path / "ref.tftpl").write_text("${arn}")
    s = scope(tmp_path)
    assert ev('templatefile("one.tftpl", {value = 5})', s) == "5"  # one interpolation still renders a string
    assert isinstance(ev('templatefile("list.tftpl", {items = ["a"]})', s), Invalid)
    assert isinstance(ev('templatefile("uses-var.tftpl", {})', s), Unknown)  # the caller's variables are not seen
    got = ev('templatefile("ref.tftpl", {arn = aws_iam_role.r.arn})', s)
    assert isinstance(got, Unknown) and {r.address for r in got.refs} == {"aws_iam_role.r"}
    assert isinstance(ev('templatefile("missing.tftpl", {})', s), Unknown)


def test_heredoc_template_with_unknown_loop_keeps_references():
    parsed = parse_hcl('x = <<EOT\n%{ for a in aws_iam_role.r.actions ~}\n${a}\n%{ endfor ~}\nEOT\n', "m.tf")
    got = evaluate(parsed.attrs["x"], scope())
    assert isinstance(got, Unknown) and [r.address for r in got.refs] == ["aws_iam_role.r"]
