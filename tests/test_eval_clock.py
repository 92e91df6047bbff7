"""The evaluation time limit (max-eval-seconds) is per evaluation, not per module instance's lifetime.

A big repository takes longer than the limit to load, and a loaded CI machine stretches that further: values read
late (a resource's attributes evaluated by a rule, a module output read through a call) must still be known. Before
the clock belonged to the outermost evaluation, a module instance's clock started when the instance was created, so
its outputs read more than max-eval-seconds later came back unknown with a `limit` error, dropping real findings
(seen as ~240 findings lost from the corpus scan while the machine was busy).
"""

from __future__ import annotations

import time

from agentlint.loaders import load
from agentlint.model import Limits
from agentlint.values import Unknown

MODULE = '''
variable "actions" { type = list(string) }
locals { statements = [for a in var.actions : { Effect = "Allow", Action = a, Resource = "*" }] }
output "policy" { value = jsonencode({ Version = "2012-10-17", Statement = local.statements }) }
'''

ROOT = '''
module "policy" {
  source  = "./modules/policy"
  actions = ["iam:PassRole", "s3:*"]
}
resource "aws_iam_role_policy" "agent" {
  name   = "agent"
  role   = "agent"
  policy = module.policy.policy
}
'''


def test_values_read_long_after_loading_stay_known(tmp_path):
    (tmp_path / "modules" / "policy").mkdir(parents=True)
    (tmp_path / "modules" / "policy" / "main.tf").write_text(MODULE)
    (tmp_path / "main.tf").write_text(ROOT)
    model = load([str(tmp_path)], root=str(tmp_path), limits=Limits(max_eval_seconds=0.5))
    time.sleep(0.8)  # longer than the limit: the module instance's own clock would have run out
    (res,) = [r for r in model.resources if r.address == "aws_iam_role_policy.agent"]
    policy = res.values.get("policy")
    assert not isinstance(policy, Unknown) and "iam:PassRole" in policy
    assert res.limit is None


def test_one_slow_evaluation_still_stops_at_the_limit(tmp_path):
    """The limit still holds inside one evaluation: a for expression too long for 0.2 s becomes unknown, with the
    reason kept on the resource."""
    (tmp_path / "main.tf").write_text('''
locals { big = [for i in range(100000) : [for j in range(50) : "${i}-${j}"]] }
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = local.big }] })
}
''')
    model = load([str(tmp_path)], root=str(tmp_path), limits=Limits(max_eval_seconds=0.2, max_iterations=10**9))
    (res,) = [r for r in model.resources if r.address == "aws_iam_policy.p"]
    start = time.monotonic()
    res.values.get("policy")
    assert time.monotonic() - start < 5
    assert res.limit is not None and "max-eval-seconds" in res.limit
