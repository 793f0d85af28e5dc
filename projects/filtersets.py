"""FilterSets of projects: one per model, serving page, API and export."""
