"""FilterSets of blacklist: one per model, serving page, API and export."""
