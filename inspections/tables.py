"""Tables of inspections's list pages and exports."""
