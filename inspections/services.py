"""Service functions of inspections: every state change goes through here."""
