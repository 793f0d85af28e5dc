"""Shared core of wagecase: regions, enterprises, departments, users and scope, change log,
working-day calendar, regional policy, personal-data masking and background jobs."""
