"""Admin of inspections."""
