"""Models of projects (built by its own issue)."""
