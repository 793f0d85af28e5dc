"""API viewsets of projects."""
