"""Admin of complaints."""
