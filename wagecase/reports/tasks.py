"""Celery tasks of reports."""
from celery import shared_task

from wagecase.core.choices import ChangeSource
from wagecase.core.context import change_context


@shared_task(name="reports.generate_report")
def generate_report(report_id):
    from .services import report_generate

    with change_context(source=ChangeSource.TASK, label="reports.generate_report"):
        report = report_generate(report_id=report_id)
    return {"report": report.pk, "status": report.status}


@shared_task(name="reports.scheduled_reports")
def scheduled_reports(kind="weekly"):
    """Beat: Monday morning the weekly reports; the 1st of a month the monthly ones; of a quarter the bulletins."""
    from .services import scheduled_reports as run

    with change_context(source=ChangeSource.TASK, label=f"reports.scheduled_reports {kind}"):
        return run(kind=kind)


@shared_task(name="reports.flag_missing_daily")
def flag_missing_daily(day=None):
    """Daily: counties that filed no daily report yesterday are flagged to the city office."""
    import datetime

    from .daily import flag_missing

    with change_context(source=ChangeSource.TASK, label="reports.flag_missing_daily"):
        flagged = flag_missing(day=datetime.date.fromisoformat(day) if day else None)
    return {str(k): v for k, v in flagged.items()}
