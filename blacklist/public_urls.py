"""URLs of blacklist's public (no-login) pages, mounted at /public/ (namespace "public_blacklist")."""
from django.urls import path

from . import public

app_name = "public_blacklist"
urlpatterns = [
    path("blacklist/", public.blacklist, name="list"),
    path("violations/", public.violations, name="violations"),
    path("violations/<int:pk>/", public.violation, name="violation"),
    path("violations/<int:pk>/xlsx/", public.violation_xlsx, name="violation_xlsx"),
    path("violations/<int:pk>/pdf/", public.violation_pdf, name="violation_pdf"),
]
