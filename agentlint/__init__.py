"""agentlint: finds convenience provisioning around AI-agent identities in Terraform/OpenTofu."""

__version__ = "0.2.0"

# The name to install it by (`pip install agentlint-iac`): `agentlint` on PyPI is another project. The import
# package and the command stay `agentlint`. pyproject.toml's `name` and the Checkov plugin repeat it (tests compare).
DISTRIBUTION = "agentlint-iac"
INSTALL_HINT = f"pipx install {DISTRIBUTION}"

# Where each rule's page lives (docs/rules/<ID>.md in the repository); SARIF helpUri and --format github link here.
RULE_DOCS_URL = "https://github.com/agentlint/agentlint/blob/main/docs/rules/{rule_id}.md"
