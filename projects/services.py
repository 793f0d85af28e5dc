"""Service functions of projects: every state change goes through here."""
