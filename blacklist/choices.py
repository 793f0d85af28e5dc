"""Enumerations of blacklist."""
