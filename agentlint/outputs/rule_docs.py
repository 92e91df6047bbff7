"""A rule's documentation page: the same Markdown for `agentlint explain`, docs/rules/<ID>.md and SARIF help.

Regenerate the pages (and the Checkov checks' rule manifest) after changing a rule:
`python -m agentlint.outputs.rule_docs docs/rules`.
"""

from __future__ import annotations

import os
import sys

from agentlint import RULE_DOCS_URL
from agentlint.rule import Rule, all_rules


def render(rule: type[Rule]) -> str:
    head = (f"# {rule.id} {rule.name}: {rule.title}\n\n"
            f"| category | severity | confidence |\n|---|---|---|\n"
            f"| {rule.category} | {rule.severity.value} when an agent uses the identity, one level lower otherwise "
            f"| {rule.confidence.value} |\n\n")
    return head + rule.doc() + "\n"


def help_uri(rule: type[Rule]) -> str:
    return RULE_DOCS_URL.format(rule_id=rule.id)


def write_all(folder: str) -> list[str]:
    os.makedirs(folder, exist_ok=True)
    written = []
    for rule in all_rules():
        path = os.path.join(folder, f"{rule.id}.md")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(render(rule))
        written.append(path)
    return written


def checkov_manifest() -> str:
    """What agentlint's Checkov checks are made from (they run where agentlint cannot be imported)."""
    import json

    return json.dumps([{"id": r.id, "name": r.name, "title": r.title} for r in all_rules()], indent=2) + "\n"


CHECKOV_MANIFEST = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "integrations",
                                "checkov", "rules.manifest")


if __name__ == "__main__":
    for path in write_all(sys.argv[1] if len(sys.argv) > 1 else "docs/rules"):
        print(path)
    with open(CHECKOV_MANIFEST, "w", encoding="utf-8") as fh:
        fh.write(checkov_manifest())
    print(CHECKOV_MANIFEST)
