"""Tables of projects's list pages and exports."""
