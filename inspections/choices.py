"""Enumerations of inspections."""
