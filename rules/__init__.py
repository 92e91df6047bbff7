"""agentlint's rule catalogue. One rule per module; the registry (agentlint.rule.all_rules) finds them.

Ids: AL0xx analysis limits and suppressions, AL1xx wildcard scope, AL2xx administrator access and escalation,
AL3xx long-lived credentials and identity hygiene, AL4xx data access, AL5xx session lifetimes, AL6xx trust.
Ids are never reused.
"""
