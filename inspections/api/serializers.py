"""API serializers of inspections."""
