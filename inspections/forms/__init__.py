"""Forms of inspections."""
