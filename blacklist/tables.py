"""Tables of blacklist's list pages and exports."""
