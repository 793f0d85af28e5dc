"""An arrears case opened from an inspection that found unpaid wages: through the service, the API
and the page (the inspection's button pre-fills the form; the link is kept)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from complaints import services
from complaints.models import ArrearsCase
from tests.complaints.conftest import FIVE_HAVES
from tests.inspections.conftest import checklist, inspector_pair, make_inspection  # noqa: F401  (fixtures)


@pytest.fixture
def arrears_inspection(make_inspection):
    return make_inspection(checklist=checklist(monthly_full_pay="fail"), inspected_on=dt.date(2026, 11, 2),
                           findings="九月、十月工资未按月足额支付，涉及12人。")


def test_service_keeps_the_inspection_and_its_project(arrears_inspection, inspector, make_project):
    project = arrears_inspection.project
    case = services.case_open(user=inspector, enterprise=project.general_contractor, project=project,
                              source_inspection=arrears_inspection, occurred_on=dt.date(2026, 9, 30), workers_owed=12,
                              amount_owed=Decimal("96000.00"), **FIVE_HAVES)
    assert case.source_inspection == arrears_inspection and case.region_id == project.region_id
    with pytest.raises(ValidationError) as e:
        services.case_open(user=inspector, enterprise=project.general_contractor, project=make_project(),
                           source_inspection=arrears_inspection, occurred_on=dt.date(2026, 9, 30), workers_owed=1,
                           amount_owed=Decimal("100.00"), **FIVE_HAVES)
    assert "source_inspection" in e.value.message_dict


def test_api_opens_from_an_inspection(api_as, inspector, other_inspector, arrears_inspection):
    project = arrears_inspection.project
    body = {"source_inspection": arrears_inspection.pk, "enterprise": {"uscc": project.general_contractor.uscc},
            "occurred_on": "2026-09-30", "workers_owed": 12, "amount_owed": "96000.00",
            **{k: (str(v) if isinstance(v, dt.date) else v) for k, v in FIVE_HAVES.items()}}
    response = api_as(inspector).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["source_inspection"] == arrears_inspection.pk
    assert response.json()["project_code"] == project.code
    # Another county's inspector cannot name this inspection: no such inspection, nothing saved.
    response = api_as(other_inspector).post("/api/v1/cases/", {**body, "region_code": "620503"}, format="json")
    assert response.status_code == 400 and "source_inspection" in response.json()
    assert ArrearsCase.objects.count() == 1


def test_page_button_prefills_and_links(client, inspector, other_inspector, arrears_inspection):
    client.force_login(inspector)
    page = client.get(arrears_inspection.get_absolute_url())
    assert b'id="open-case"' in page.content
    form = client.get(f"/clues/cases/add/?inspection={arrears_inspection.pk}")
    assert form.status_code == 200
    assert arrears_inspection.project.code.encode() in form.content
    gc = arrears_inspection.project.general_contractor
    data = {"inspection": arrears_inspection.pk, "region": arrears_inspection.project.region_id,
            "project": arrears_inspection.project.code, "employer_name": gc.name, "employer_uscc": gc.uscc,
            "occurred_on": "2026-09-30", "workers_owed": 12, "amount_owed": "96000.00",
            **{k: (str(v) if isinstance(v, dt.date) else v) for k, v in FIVE_HAVES.items()},
            "supervision_level": "none", "workers-TOTAL_FORMS": 0, "workers-INITIAL_FORMS": 0}
    response = client.post("/clues/cases/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ArrearsCase.objects.get().source_inspection == arrears_inspection
    client.force_login(other_inspector)
    assert client.get(f"/clues/cases/add/?inspection={arrears_inspection.pk}").status_code == 404


def test_no_button_without_unpaid_wages(client, inspector, make_inspection):
    inspection = make_inspection(checklist=checklist(notice_board="fail"))
    client.force_login(inspector)
    assert b'id="open-case"' not in client.get(inspection.get_absolute_url()).content
