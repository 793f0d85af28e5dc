"""Enumerations of complaints."""
