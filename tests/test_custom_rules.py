"""Custom rules from a folder named on the command line (`--rules-dir`), never from the scanned tree's configuration.

Run through the real command in a child process: the registry keeps the folders it loaded for the life of the
process, and the other tests must see only the built-in rules."""

from __future__ import annotations

import subprocess
import sys

RULE = '''
from agentlint.model import Severity
from agentlint.rule import Ranking, Rule, RuleContext


class UserWithoutTeamTag(Rule):
    """
    ## What it does
    Our team's rule: every IAM user carries a `team` tag.

    ## Why is this bad?
    A user nobody owns is a user nobody rotates.

    ## Example
    ```hcl
    resource "aws_iam_user" "ci" { name = "ci" }
    ```

    ## Fix
    Add `tags = { team = "..." }`.
    """

    id = "XT001"
    name = "user-without-team-tag"
    title = "IAM user without a team tag"
    category = "long-lived-credential"
    ranking = Ranking.FIXED
    severity = Severity.LOW
    fix = "Tag the user with its owning team."

    def check(self, ctx: RuleContext):
        for res in ctx.managed("aws_iam_user"):
            if "team" not in (res.values.get("tags") or {}):
                yield ctx.finding(self, at=res, key="team", message=f"{res.address} has no team tag")
'''


def _agentlint(*args, cwd):
    proc = subprocess.run([sys.executable, "-m", "agentlint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def _setup(tmp_path):
    (tmp_path / "team-rules").mkdir()
    (tmp_path / "team-rules" / "owners.py").write_text(RULE)
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text('resource "aws_iam_user" "ci" {\n  name = "ci"\n}\n'
                                               'resource "aws_iam_user" "ops" {\n  name = "ops"\n  tags = { team = "platform" }\n}\n')


def test_rules_dir_adds_the_teams_rules(tmp_path):
    _setup(tmp_path)
    code, out, err = _agentlint("scan", "infra", "--rules-dir", "team-rules", "--select", "XT001", "--fail-on", "low",
                                cwd=tmp_path)
    assert (code, err) == (1, "")
    assert "XT001 user-without-team-tag" in out and "aws_iam_user.ci has no team tag" in out
    assert "aws_iam_user.ops" not in out
    code, out, _ = _agentlint("rules", "--rules-dir", "team-rules", cwd=tmp_path)
    assert code == 0 and "XT001  user-without-team-tag" in out
    code, out, _ = _agentlint("scan", "infra", "--select", "XT001", cwd=tmp_path)  # not named: not loaded
    assert code == 2 and "unknown rule selector 'XT001'" in out + _


def test_a_broken_rules_module_is_a_usage_error_naming_the_file(tmp_path):
    _setup(tmp_path)
    (tmp_path / "team-rules" / "broken.py").write_text("x = (\n")
    code, out, err = _agentlint("scan", "infra", "--rules-dir", "team-rules", cwd=tmp_path)
    assert code == 2 and out == ""
    assert "broken.py: cannot load custom rules: SyntaxError" in err and "Traceback" not in err


def test_an_id_clash_with_a_built_in_rule_is_refused(tmp_path):
    _setup(tmp_path)
    (tmp_path / "team-rules" / "owners.py").write_text(RULE.replace('"XT001"', '"AL201"'))
    code, _, err = _agentlint("scan", "infra", "--rules-dir", "team-rules", cwd=tmp_path)
    assert code == 2 and "rule id or name used twice: AL201" in err


def test_the_scanned_trees_configuration_cannot_name_a_rules_folder(tmp_path):
    """A pull request controls its own .agentlint.toml: if it could name rule code, the gate would run it."""
    _setup(tmp_path)
    (tmp_path / "infra" / ".agentlint.toml").write_text('rules-dir = ["../team-rules"]\n')
    code, out, err = _agentlint("scan", ".", cwd=tmp_path / "infra")
    assert code == 2 and "rules-dir" in out + err and "XT001" not in out
