"""FilterSets of complaints: one per model, serving page, API and export."""
