"""Fixtures for projects: a project made through the services, with parties from the core fixtures."""
import datetime as dt
import itertools
from decimal import Decimal

import pytest

from projects.models import Project
from projects.services import project_save

from ..conftest import HOME

_n = itertools.count(1)


@pytest.fixture
def make_project(db, make_enterprise):
    def make(region=HOME, **fields):
        number = next(_n)
        fields.setdefault("code", f"P-{region}-{number:04d}")
        fields.setdefault("name", f"天水测试项目{number}号楼")
        fields.setdefault("investment_type", "social")
        fields.setdefault("industry", "housing")
        fields.setdefault("contract_amount", Decimal("12000000.00"))
        fields.setdefault("contract_signed_on", dt.date(2025, 12, 1))
        fields.setdefault("start_date", dt.date(2025, 12, 10))
        fields.setdefault("planned_end_date", dt.date(2027, 6, 30))
        fields.setdefault("status", "in_progress")
        if "builder" not in fields:
            fields["builder"] = make_enterprise(region, roles=["builder"])
        if "general_contractor" not in fields:
            fields["general_contractor"] = make_enterprise(region, roles=["general_contractor"])
        return project_save(project=Project(region_id=region, **fields))

    return make
