"""Every diagram of the fixtures' pull-request comment renders with the real Mermaid (the one @mermaid-js/mermaid-cli
ships, in Debian's chromium): a label that breaks the syntax fails here, not on GitHub.

`.ci/run` installs both (the CLI into ~/.cache/agentlint-ci/mermaid from .ci/mermaid's lock file, chromium with
apt-get); elsewhere the test skips and says what is missing. AGENTLINT_MERMAID_CLI names another install folder (the
one holding node_modules/@mermaid-js/mermaid-cli), AGENTLINT_CHROMIUM another browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from agentlint.config import Config
from agentlint.engine import scan
from agentlint.model import Finding, TraceStep
from agentlint.outputs.agent_diagram import Diagram
from agentlint.values import printable
from agentlint.outputs import markdown
from conftest import ROOT

CLI = Path(os.environ.get("AGENTLINT_MERMAID_CLI", Path.home() / ".cache" / "agentlint-ci" / "mermaid"))
BROWSER = os.environ.get("AGENTLINT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Addresses are text from the scanned tree (for_each keys): quotes, brackets, arrows, HTML, Mermaid directives.
HOSTILE_AGENT = 'aws_lambda_function.a["x\"]) --> evil[\"y"]'
HOSTILE_ROLE = 'aws_iam_role.r["`<b>&amp; %%{init: {}}%% |p| #35; ;\nclick n0 call alert()"]'


def _tools() -> str:
    missing = []
    if shutil.which("node") is None:
        missing.append("node")
    if not (CLI / "node_modules" / "@mermaid-js" / "mermaid-cli" / "package.json").exists():
        missing.append(f"@mermaid-js/mermaid-cli in {CLI} (see .ci/run)")
    if not os.access(BROWSER, os.X_OK):
        missing.append(f"chromium ({BROWSER})")
    return ", ".join(missing)


def _hostile_diagram() -> str:
    f = Finding(rule_id="AL201", rule_name="admin-access", title="t", category="admin-access", severity="critical",
                confidence="high", message="m", path="main.tf", address=HOSTILE_ROLE, agents=[HOSTILE_AGENT],
                trace=[TraceStep(role="agent", address=HOSTILE_AGENT), TraceStep(role="identity", address=HOSTILE_ROLE)],
                fix="f", fingerprint="al1:x")
    d = Diagram(HOSTILE_AGENT)
    d.add(f)
    return "\n".join(d.render()[1:-1]) + "\n"


@pytest.mark.slow  # a real browser / thousands of scans: always in .ci/run
def test_every_diagram_of_the_fixtures_comment_renders(tmp_path):
    missing = _tools()
    if missing:
        pytest.skip(f"Mermaid render tools missing: {missing}")
    comment = markdown.render(scan(["fixtures"], Config(), root=str(ROOT)), limit=10**9)
    diagrams = re.findall(r"```mermaid\n(.*?)```", comment, re.S)
    assert len(diagrams) > 50
    diagrams.append(_hostile_diagram())
    diagrams.append("flowchart LR\n  a[\"broken\" --> b\n")  # the test can fail: this one must not render
    work = tmp_path / "render"
    work.mkdir()
    shutil.copy(ROOT / "tests" / "mermaid" / "render.mjs", work / "render.mjs")
    (work / "node_modules").symlink_to(CLI / "node_modules", target_is_directory=True)
    (work / "puppeteer.json").write_text(json.dumps({
        "executablePath": BROWSER, "headless": "shell",
        "args": ["--no-sandbox", "--disable-setuid-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}))
    (work / "diagrams.json").write_text(json.dumps(diagrams))
    done = subprocess.run(["node", str(work / "render.mjs"), str(work / "puppeteer.json"), str(work / "diagrams.json")],
                          capture_output=True, text=True, timeout=900, cwd=work)
    assert done.returncode == 0, done.stderr[-3000:]
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert [r["index"] for r in results] == list(range(len(diagrams)))
    failed = {r["index"]: r["error"] for r in results if not r["ok"]}
    assert list(failed) == [len(diagrams) - 1], "\n\n".join(f"{diagrams[i]}\n-> {e}" for i, e in failed.items())
    # Entity codes come out as the characters they stand for: the diagram shows the address as it is.
    texts = [r.get("text", "") for r in results]
    assert any('aws_bedrockagent_agent.agent["billing"]' in t for t in texts)
    assert HOSTILE_AGENT in texts[-2] and printable(HOSTILE_ROLE).replace("\n", " ") in texts[-2]
