"""FilterSets of inspections: one per model, serving page, API and export."""
