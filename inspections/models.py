"""Models of inspections (built by its own issue)."""
