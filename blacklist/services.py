"""Service functions of blacklist: every state change goes through here."""
