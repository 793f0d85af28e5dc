"""REST API v1 routes: each app contributes its own router's URLs."""
from django.urls import include, path

urlpatterns = [
    path("", include("wagecase.core.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("inspections.api.urls")),
    path("", include("blacklist.api.urls")),
    path("", include("wagecase.reports.api.urls")),
    path("", include("wagecase.integrations.api.urls")),
]
