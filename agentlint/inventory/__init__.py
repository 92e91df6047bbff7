"""`agentlint inventory`: per agent, what it acts as, holds and can reach (records built from the graph)."""
