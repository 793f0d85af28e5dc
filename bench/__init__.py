"""`make bench`: wagecase's endpoints and jobs timed against hand-written SQL on the same data."""
