"""Forms of blacklist."""
