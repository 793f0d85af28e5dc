"""Views of complaints."""
