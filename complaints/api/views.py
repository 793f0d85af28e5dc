"""API viewsets of complaints."""
