"""Rules: the contract a rule implements (contract), the registry that finds them (registry), the questions a rule
asks (context), how its observations become findings (findings) and the phrases findings share (phrases).
`from agentlint.rule import ...` names all a rule needs."""

from agentlint.rule.contract import DOC_SECTIONS, CentralLoggingOptions, NoOptions, Ranking, Rule, severity_label, severity_without_agent
from agentlint.rule.context import RuleContext, StatementGrant
from agentlint.rule.findings import fingerprints, repo_path
from agentlint.rule.phrases import agents_phrase, bound_agents_phrase, describe_identity, gcp_condition, gcp_condition_phrase, gcp_member_phrase, scope_phrase, trust_holder
from agentlint.rule.registry import DuplicateRuleError, all_rules

__all__ = ["CentralLoggingOptions", "DOC_SECTIONS", "DuplicateRuleError", "NoOptions", "Ranking", "Rule", "RuleContext", "StatementGrant",
           "agents_phrase", "all_rules", "bound_agents_phrase", "describe_identity", "fingerprints",
           "gcp_condition", "gcp_condition_phrase", "gcp_member_phrase", "repo_path", "scope_phrase", "severity_label", "severity_without_agent", "trust_holder"]
