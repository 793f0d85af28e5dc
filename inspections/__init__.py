"""Inspection campaigns, double-random draws, checklists and rectification orders."""
