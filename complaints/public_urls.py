"""URLs of the public (no-login) pages for workers, mounted at /public/ (namespace "public")."""
from django.urls import path

from . import public

app_name = "public"
urlpatterns = [
    path("report/", public.report, name="report"),
    path("report/done/", public.report_done, name="report_done"),
    path("track/", public.track, name="track"),
]
