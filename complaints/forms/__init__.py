"""Forms of complaints."""
