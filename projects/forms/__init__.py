"""Forms of projects."""
