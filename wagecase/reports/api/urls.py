"""API routes of reports."""
from rest_framework.routers import SimpleRouter

from .views import DailySubmissionViewSet, MonthlyReportViewSet, QuarterlyReportViewSet, SummaryViewSet, WeeklyReportViewSet

router = SimpleRouter()
router.register("stats/summary", SummaryViewSet, basename="stats-summary")
router.register("reports/weekly", WeeklyReportViewSet, basename="report-weekly")
router.register("reports/monthly", MonthlyReportViewSet, basename="report-monthly")
router.register("reports/quarterly", QuarterlyReportViewSet, basename="report-quarterly")
router.register("reports/daily", DailySubmissionViewSet, basename="daily-report")

urlpatterns = router.urls
