"""Views of inspections."""
