"""The report pages: list with the generate form, a report's page with progress, download, the dual
sign-off and submission, another county's report 404, and the menu entry."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tests.conftest import HOME, OTHER
from wagecase.core.choices import Role
from wagecase.reports.models import Report


@pytest.fixture
def logged_in(client, inspector):
    client.force_login(inspector)
    return client


def test_generate_sign_submit_through_the_pages(logged_in, client, make_user, django_capture_on_commit_callbacks):
    page = logged_in.get("/reports/")
    assert page.status_code == 200 and "/reports/generate/" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post("/reports/generate/", {"kind": "weekly", "region_code": HOME, "period_start": "2026-11-09"})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    detail = logged_in.get(f"/reports/{report.pk}/").content.decode()
    assert f"/reports/{report.pk}/download/" in detail and "/sign/" not in detail
    content = b"".join(logged_in.get(f"/reports/{report.pk}/download/").streaming_content)
    assert load_workbook(io.BytesIO(content)).active["A1"].value == "秦州区根治欠薪工作周调度表"
    bad = logged_in.post("/reports/generate/", {"kind": "weekly", "region_code": HOME, "period_start": "2026-11-10"}, follow=True)
    assert "周一" in bad.content.decode() or "Monday" in bad.content.decode()
    assert Report.objects.count() == 1
    for capacity in ("locality", "department"):
        signer = make_user(Role.OFFICE_HEAD, HOME, signs_for=capacity)
        client.force_login(signer)
        assert "/sign/" in client.get(f"/reports/{report.pk}/").content.decode()
        client.post(f"/reports/{report.pk}/sign/")
    client.force_login(make_user(Role.OFFICE_STAFF, HOME))
    client.post(f"/reports/{report.pk}/submit/")
    report.refresh_from_db()
    assert report.submitted_at and report.signatures.count() == 2
    history = client.get(f"/reports/{report.pk}/?tab=history")
    assert history.status_code == 200


def test_other_county_and_bureau(logged_in, client, other_inspector, bureau, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post("/reports/generate/", {"kind": "weekly", "region_code": HOME, "period_start": "2026-11-09"})
    report = Report.objects.get()
    client.force_login(other_inspector)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert client.get(f"/reports/{report.pk}/download/").status_code == 404
    assert client.post(f"/reports/{report.pk}/sign/").status_code == 404
    assert f"/reports/{report.pk}/" not in client.get("/reports/").content.decode()
    client.force_login(bureau)
    assert client.get("/reports/").status_code == 403
