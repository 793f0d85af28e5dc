"""Root URL configuration: pages, the REST API v1 with its schema and docs, admin."""
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from wagecase.core.views.health import healthz

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("", include("wagecase.core.urls")),
    path("projects/", include("projects.urls")),
    path("clues/", include("complaints.urls")),
    path("inspections/", include("inspections.urls")),
    path("blacklist/", include("blacklist.urls")),
    path("reports/", include("wagecase.reports.urls")),
    # Pages for workers, without login: report arrears, track a clue.
    path("public/", include("complaints.public_urls")),
    path("public/draws/", include("inspections.public_urls")),
    path("public/", include("blacklist.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("wagecase.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
