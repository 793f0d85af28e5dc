"""Models of blacklist (built by its own issue)."""
