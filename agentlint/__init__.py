"""agentlint: finds convenience provisioning around AI-agent identities in Terraform/OpenTofu."""

__version__ = "0.2.0"

# Where each rule's page lives (docs/rules/<ID>.md in the repository); SARIF helpUri and --format github link here.
RULE_DOCS_URL = "https://github.com/agentlint/agentlint/blob/main/docs/rules/{rule_id}.md"
