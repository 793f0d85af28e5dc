"""REST API foundation: base viewsets, permissions, pagination, errors, and core endpoints."""
