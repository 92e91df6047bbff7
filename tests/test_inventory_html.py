"""`agentlint inventory --format html`: one self-contained page, loaded in Debian's headless chromium (installed by
`.ci/run`; elsewhere the browser test skips and says so). AGENTLINT_CHROMIUM names another browser."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib

import pytest

from agentlint.config import Config
from agentlint.inventory.build import inventory
from agentlint.outputs.inventory_html import to_html
from agentlint.outputs.inventory_svg import diagram

BROWSER = os.environ.get("AGENTLINT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
PATHS = ["fixtures/inventory/aws", "fixtures/inventory/clouds", "fixtures/inventory/k8s"]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def page() -> str:
    return to_html(inventory(PATHS, Config()))


def test_page_is_self_contained(page):
    assert "<script" not in page.lower()
    assert "@import" not in page and "url(" not in page.replace("url(#arrow)", "")
    # No attribute loads anything: links are in-page anchors; the only URL in an attribute is the SVG namespace, which
    # names and loads nothing (URLs from the scanned code, an OIDC issuer, are text).
    assert set(re.findall(r"=\"(https?://[^\"]*)\"", page)) == {"http://www.w3.org/2000/svg"}
    assert "src=" not in page and set(re.findall(r'href="([^"]*)"', page)) == {f"#agent-{i}" for i in range(1, 7)}
    assert page.count("<svg ") == 6  # one identity diagram per agent
    assert "Content-Security-Policy" in page


def test_addresses_are_escaped():
    agent = {"address": 'aws_lambda_function.a["<script>x</script>"]', "identities": [
        {"address": "aws_iam_role.r&<b>", "how": "runs as", "from": 'aws_lambda_function.a["<script>x</script>"]'}],
        "credentials": [], "trusted_by": []}
    svg = diagram(agent)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp;&lt;b&gt;" in svg


def _browser_missing() -> str:
    return "" if os.access(BROWSER, os.X_OK) else f"no chromium at {BROWSER} (.ci/run installs Debian's chromium)"


def _run(args: list[str], tmp_path) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    return subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)


def _png_is_not_blank(data: bytes) -> bool:
    """The decoded pixels of a PNG hold more than one colour (no image library needed)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    pixels = zlib.decompress(idat)
    return len(set(pixels[: 4_000_000])) > 8


@pytest.mark.slow  # a real browser / thousands of scans: always in .ci/run
def test_page_renders_in_chromium(page, tmp_path):
    missing = _browser_missing()
    if missing:
        pytest.skip(missing)
    html = tmp_path / "inventory.html"
    html.write_text(page, encoding="utf-8")
    dom = _run(["--dump-dom", html.as_uri()], tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = re.sub(r"<[^>]+>", " ", dom.stdout)
    for needle in ("Agent access inventory", "aws_lambda_function.summariser", "kubernetes_deployment_v1.triage",
                   "google_vertex_ai_reasoning_engine.planner", "azurerm_ai_foundry_project.helper",
                   "arn:aws:iam::999988887777:root", "blast radius"):
        assert needle in text
    assert dom.stdout.count("<svg") == 6
    shot = tmp_path / "inventory.png"
    result = _run(["--window-size=1400,1000", f"--screenshot={shot}", html.as_uri()], tmp_path)
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    assert _png_is_not_blank(shot.read_bytes())
