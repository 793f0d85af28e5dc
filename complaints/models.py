"""Models of complaints (built by its own issue)."""
