"""Admin of blacklist."""
