"""Adapters that let other tools run agentlint's rules (Checkov)."""
