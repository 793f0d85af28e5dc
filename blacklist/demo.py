"""Demo data of blacklist (built by its helper)."""
