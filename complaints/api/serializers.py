"""API serializers of complaints."""
