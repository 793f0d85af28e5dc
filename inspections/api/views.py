"""API viewsets of inspections."""
