"""`agentlint drift`: what each agent gained and lost between two points (a git ref and the working tree, or a plan's
prior state and its planned values)."""
