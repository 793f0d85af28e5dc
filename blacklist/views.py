"""Views of blacklist."""
