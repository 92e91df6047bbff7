"""agentlint: finds convenience provisioning around AI-agent identities in Terraform/OpenTofu."""

__version__ = "0.1.0"
