"""API routes of projects: the ledger (router), each project's rows under /projects/{code}/, and
the early warnings. URL names by basename: project-list, project-worker-list, ..."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ProjectAttendanceViewSet, ProjectSubcontractorViewSet, ProjectTeamViewSet
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
    path("projects/<str:code>/workers/bulk/", ProjectWorkerViewSet.as_view({"post": "bulk"}), name="project-worker-bulk"),
    path("projects/<str:code>/payrolls/", ProjectPayrollViewSet.as_view(ROWS), name="project-payroll-list"),
    path("projects/<str:code>/subcontractors/", ProjectSubcontractorViewSet.as_view(ROWS), name="project-subcontractor-list"),
    path("projects/<str:code>/teams/", ProjectTeamViewSet.as_view(ROWS), name="project-team-list"),
    path("projects/<str:code>/attendance/", ProjectAttendanceViewSet.as_view(ROWS), name="project-attendance-list"),
    *router.urls,
]
