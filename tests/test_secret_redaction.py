"""Credential shapes (agentlint.values.SECRET_SHAPES) never reach any output: each shape is redacted on its own,
and a scan that echoes values from the code (an agent whose identity attribute holds the literal) shows the marker
in every format, never the value. Samples are built from pieces so that this file holds no key-shaped string."""

from __future__ import annotations

import json

import pytest

from agentlint.outputs import json_report, markdown, sarif, text
from agentlint.rule import all_rules
from agentlint.values import SECRET_SHAPES, credential_shape, redact
from helpers import run

SAMPLES = {
    "AWS access key id": "AKIA" + "Z7QX" * 4,
    "AWS secret access key": "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzz9Q0kKeyx",
    "private key (PEM)": "-----BEGIN RSA PRIVATE KEY-----\\nMIIEpQ" + "x" * 20 + "\\n-----END RSA PRIVATE KEY-----",
    "Anthropic / OpenAI API key": "sk-ant-api03-" + "Ab3" * 10,
    "Stripe secret or restricted key": "sk_" + "live_" + "51Hq" * 6,
    "Stripe webhook secret": "whsec_" + "Qz8" * 10,
    "Azure storage / Service Bus key in a connection string": "AccountKey=" + "Zm9v" * 10 + "==",
    "Azure storage account key": "Zm9vYmFy" * 10 + "Zm9vYm" + "==",
    "GitHub token": "ghp_" + "a1B2" * 9,
    "GitLab token": "glpat-" + "x9Y8" * 6,
    "Slack token": "xoxb-" + "1234-5678-" + "abcd" * 4,
    "Slack webhook": "https://hooks.slack.com/services/" + "T0AB/B0CD/" + "x" * 20,
    "Google API key": "AIza" + "Sy9" * 11 + "xx",
    "Hugging Face token": "hf_" + "Qw3" * 11,
    "Groq API key": "gsk_" + "Gr0q" * 11,
    "xAI API key": "xai-" + "X4i" * 15,
    "Replicate token": "r8_" + "R3p" * 11,
    "npm token": "npm_" + "N9m" * 12,
    "SendGrid API key": "SG." + "s" * 22 + "." + "g" * 43,
}


def test_every_shape_has_a_sample_and_is_recognised():
    assert set(SAMPLES) == {what for what, _ in SECRET_SHAPES}
    for what, sample in SAMPLES.items():
        assert credential_shape(f"x = {sample} ok") == what, what
        assert sample not in redact(f"value {sample} end"), what
        assert redact(f"value {sample} end").startswith("value <redacted>"), what


@pytest.mark.parametrize("plain", ["arn:aws:iam::aws:policy/AdministratorAccess", "sk-short", "ghp_tooShort",
                                   "projects/p/secrets/openai-key", "AccountKey=", "storage-account-key-name",
                                   "44c6c808e6449ee36dfcfc4ebd66c1b9634b40f2x"])
def test_ordinary_text_is_not_redacted(plain):
    assert redact(plain) == plain


@pytest.fixture(scope="module")
def echoed(tmp_path_factory):
    """Agents whose `role` is a literal credential: AL001 prints the identity attribute it could not follow."""
    folder = tmp_path_factory.mktemp("echo")
    blocks = []
    for i, sample in enumerate(SAMPLES.values()):
        literal = sample.replace('"', '\\"')
        blocks.append(f'resource "aws_lambda_function" "agent{i}" {{\n  function_name = "agent{i}"\n'
                      f'  role = "{literal}"\n  tags = {{ "ai-agent" = "true" }}\n}}\n')
    (folder / "main.tf").write_text("\n".join(blocks))
    return run(str(folder))


def _outputs(report) -> dict[str, str]:
    return {"text": text.render(report, agents=True), "json": json_report.render(report),
            "sarif": sarif.render(report, all_rules()), "markdown": markdown.render(report)}


def test_no_secret_reaches_any_output(echoed):
    assert echoed.findings  # the values were echoed: AL001 names the role expression of every agent
    for fmt, body in _outputs(echoed).items():
        assert "<redacted>" in body or "&lt;redacted&gt;" in body or "\\<redacted\\>" in body, fmt
        decoded = json.dumps(json.loads(body)) if fmt in ("json", "sarif") else body
        for what, sample in SAMPLES.items():
            core = sample.replace("\\n", "\n")
            assert sample not in body and core not in decoded, (fmt, what)
