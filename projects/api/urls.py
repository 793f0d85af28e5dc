"""API routes of projects: the ledger (router), each project's rows under /projects/{code}/, and
the early warnings. URL names by basename: project-list, project-worker-list, ..."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    ProjectAllocationViewSet, ProjectPayrollViewSet, ProjectViewSet, ProjectWarningViewSet, ProjectWorkerViewSet,
)

router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("warnings", ProjectWarningViewSet, basename="projectwarning")

ROWS = {"get": "list", "post": "create"}

urlpatterns = [
    path("projects/<str:code>/allocations/", ProjectAllocationViewSet.as_view(ROWS), name="project-allocation-list"),
    path("projects/<str:code>/workers/", ProjectWorkerViewSet.as_view(ROWS), name="project-worker-list"),
    path("projects/<str:code>/payrolls/", ProjectPayrollViewSet.as_view(ROWS), name="project-payroll-list"),
    *router.urls,
]
