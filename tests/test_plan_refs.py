"""A plan's configuration references through module instance keys name the instance Terraform uses.

`fixtures/plans/module-keys` is a real plan (fixtures/plans/make-plans.sh fixtures/plans/module-keys): a module
called with `for_each` holding a nested `for_each` call, a module called with `count`, and queues whose tags name
their roles through those calls, with literal keys, `each.key` and `count.index`.
"""

from __future__ import annotations

from conftest import FIXTURES

from agentlint.loaders.plan import load_plan
from agentlint.loaders.plan_refs import PlanRefs, own_key, split_module_prefix, steps

PLAN = FIXTURES / "plans" / "module-keys" / "tfplan.json"


def _tag_refs() -> dict[str, list[str]]:
    errors: list = []
    found = {r.address: sorted(str(ref) for ref in r.values["tags"].refs)
             for r in load_plan(str(PLAN), errors) if r.type == "aws_sqs_queue"}
    assert errors == []
    return found


def test_each_key_names_the_referrers_own_module_instance_and_follows_every_output():
    # `module.team[each.key].prod_role_arn` reaches the plan as `module.team` + `each.key`: the output name is lost,
    # so every output of the instance is followed (`role_arns`, a for expression over a call, names no instance).
    refs = _tag_refs()
    for team in ("search", "billing"):
        assert refs[f'aws_sqs_queue.team["{team}"]'] == [
            f'module.team["{team}"].module.env_role["prod"].aws_iam_role.this.arn',
            f'module.team["{team}"].module.shared_role.aws_iam_role.this.arn']


def test_a_literal_key_is_kept_through_nested_module_outputs():
    assert _tag_refs()["aws_sqs_queue.audit"] == ['module.team["search"].module.shared_role.aws_iam_role.this.arn']


def test_count_index_names_the_instance_of_the_same_index():
    refs = _tag_refs()
    assert refs["aws_sqs_queue.batch[0]"] == ["module.batch_role[0].aws_iam_role.this.arn"]
    assert refs["aws_sqs_queue.batch[1]"] == ["module.batch_role[1].aws_iam_role.this.arn"]


CONFIG = {
    "": {"module_calls": {
        "roles": {"for_each_expression": {"references": ["local.agents"]},
                  "module": {"outputs": {"arn": {"expression": {"references": ["aws_iam_role.this.arn"]}}}}},
        "agents": {"for_each_expression": {"references": ["local.agents"]},
                   "expressions": {"role_arn": {"references": ["module.roles", "each.key"]},
                                   "other_role": {"references": ["module.roles", "each.value.role", "each.value"]}}},
    }},
}
CONFIG["module.roles."] = CONFIG[""]["module_calls"]["roles"]["module"]
CONFIG["module.agents."] = {}
INSTANCES = {'module.roles["a"]', 'module.roles["b"]', 'module.agents["a"]', 'module.agents["b"]',
             'module.roles["a"].aws_iam_role.this', 'module.roles["b"].aws_iam_role.this'}


def test_a_variable_of_a_module_instance_takes_the_key_of_that_instance():
    refs = PlanRefs(CONFIG, INSTANCES)
    assert [str(r) for r in refs.refs(["var.role_arn"], 'module.agents["b"].')] == [
        'module.roles["b"].aws_iam_role.this.arn']


def test_a_key_the_plan_cannot_give_links_nothing_among_several_instances():
    refs = PlanRefs(CONFIG, INSTANCES)
    # `module.roles[each.value.role]`: the key is a value the plan does not show.
    assert refs.refs(["var.other_role"], 'module.agents["b"].') == []
    # A key of the wrong kind (a count index on a for_each call), or one the plan has no instance for.
    assert refs.refs(["module.roles", "count.index"], "", "[0]") == []
    assert refs.refs(["module.roles", "each.key"], "", '["c"]') == []


def test_a_single_instance_is_the_one_named_whatever_the_key():
    refs = PlanRefs(CONFIG, {'module.roles["only"]', 'module.roles["only"].aws_iam_role.this'})
    assert [str(r) for r in refs.refs(["module.roles", "each.value.x", "each.value"], "", '["z"]')] == [
        'module.roles["only"].aws_iam_role.this.arn']


def test_address_steps_keep_keys_with_dots_and_brackets():
    assert steps('module.a["x.y]"].aws_iam_role.r[0].arn') == [
        ("module", ""), ("a", '["x.y]"]'), ("aws_iam_role", ""), ("r", "[0]"), ("arn", "")]
    assert own_key('module.a["x"].aws_iam_role.r["k"]') == '["k"]'
    assert own_key('module.a["x"].aws_iam_role.r') == ""
    assert split_module_prefix('module.a["x"].module.b[0].') == ('module.a["x"].', "b", "[0]")
    assert split_module_prefix("") == ("", "", "")
