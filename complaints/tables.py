"""Tables of complaints's list pages and exports."""
