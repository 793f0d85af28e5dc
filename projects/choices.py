"""Enumerations of projects."""
