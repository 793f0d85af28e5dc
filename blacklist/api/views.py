"""API viewsets of blacklist."""
