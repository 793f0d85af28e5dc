"""Fixtures of inspections: records made through the services themselves."""
import datetime as dt

import pytest

from inspections import services
from inspections.choices import ChecklistItem
from tests.projects.conftest import make_project  # noqa: F401  (a fixture)
from wagecase.core.choices import Role

ALL_PASS = {item: "pass" for item in ChecklistItem.values}


def checklist(**results):
    """All items pass, except those given: checklist(wage_deposit="fail", injury_insurance="na")."""
    return {**ALL_PASS, **results}


@pytest.fixture
def inspector_pair(inspector, make_user):
    return [inspector, make_user(role=Role.INSPECTOR)]


@pytest.fixture
def make_inspection(db, inspector_pair, make_project):
    def make(project=None, user=None, **fields):
        project = project or make_project()
        fields.setdefault("inspected_on", dt.date(2026, 11, 2))
        fields.setdefault("method", "routine")
        fields.setdefault("checklist", checklist())
        fields.setdefault("findings", "现场检查。")
        return services.inspection_record(user=user or inspector_pair[0], project=project,
                                          inspectors=fields.pop("inspectors", inspector_pair), **fields)

    return make
