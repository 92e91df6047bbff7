"""Renderers: a Report (or the graph) -> text for people, JSON for machines."""
