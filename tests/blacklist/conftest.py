"""Fixtures of blacklist: arrears cases that meet (or miss) the listing criteria, made through the services."""
import datetime as dt
from decimal import Decimal

import pytest

from complaints import services as case_services
from tests.complaints.conftest import FIVE_HAVES, at, make_case  # noqa: F401  (fixtures)
from tests.projects.conftest import make_project  # noqa: F401  (a fixture)
from wagecase.core.choices import Role

D = dt.date.fromisoformat


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, "620502", username="head_home")


@pytest.fixture
def listable_case(make_case, inspector, make_project):
    """12 workers owed ¥96,000 since December 2025 on a project of ours; ordered to pay by 20 January
    2026 and nothing paid: over the criminal threshold, order ignored."""
    project = make_project()
    case = make_case(project=project, enterprise=project.general_contractor, occurred_on=D("2025-12-01"),
                     workers_owed=12, amount_owed=Decimal("96000.00"), deadline=D("2026-03-01"))
    case_services.case_order(case=case, user=inspector, issued_on=D("2026-01-05"), pay_by=D("2026-01-20"))
    case.refresh_from_db()
    return case


@pytest.fixture
def small_case(make_case, inspector):
    """9 workers owed ¥20,000 (under both thresholds), order ignored."""
    case = make_case(occurred_on=D("2025-12-01"), workers_owed=9, amount_owed=Decimal("20000.00"), deadline=D("2026-03-01"))
    case_services.case_order(case=case, user=inspector, issued_on=D("2026-01-05"), pay_by=D("2026-01-20"))
    case.refresh_from_db()
    return case


@pytest.fixture
def incident_for(inspector):
    def make(case):
        return case_services.incident_report(
            user=inspector, kind="collective_petition", occurred_at=at("2026-01-25", 9),
            reported_at=at("2026-01-25", 9) + dt.timedelta(minutes=8), region=case.region, case=case,
            people_involved=9, description="九名工人到区政府聚集讨薪。")
    return make
