"""Service functions of complaints: every state change goes through here."""
