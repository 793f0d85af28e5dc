"""How the API builds a project's row (issue 10): the list reads narrower related rows and plain
columns by getattr, and the serializer's fields are built once per class and language. The answer
must be the one DRF's generic path gives, in every language."""
import pytest
from django.utils import translation
from rest_framework import serializers

from projects.api.serializers import ProjectSerializer
from projects.api.views import ProjectViewSet
from projects.models import Project, ProjectWarning
from wagecase.core.models import Department

from ..conftest import HOME

PROJECTS = "/api/v1/projects/"


@pytest.fixture
def full_project(make_project):
    """A project with every related row a list row shows: township, regulator, an active warning."""
    regulator = Department.objects.filter(region_id=HOME).first() or Department.objects.create(
        region_id=HOME, name="麦积区住房和城乡建设局", kind="housing")
    project = make_project(township_id=None, regulator=regulator, wage_officer_name="王劳资",
                           wage_officer_phone="13812345678")
    ProjectWarning.objects.create(project=project, rule="test_rule", severity="yellow", message="测试预警",
                                  raised_on=project.start_date)
    return project


@pytest.mark.django_db
def test_a_list_row_is_the_detail_and_what_drfs_generic_path_makes(api_as, admin_user, full_project):
    client = api_as(admin_user)
    listed = client.get(PROJECTS, {"code": full_project.code}).json()["results"]
    detail = client.get(f"{PROJECTS}{full_project.code}/").json()
    assert listed == [detail]
    # A cursor page reads its rows directly (the related rows narrowed), a numbered page by ids
    # with the related columns as annotations: the same rows either way.
    assert client.get(PROJECTS, {"code": full_project.code, "cursor": ""}).json()["results"] == [detail]
    assert detail["regulator_name"] and detail["builder"]["uscc"] and detail["region_name"]
    assert detail["active_warnings"] == full_project.warnings.filter(active=True).count() >= 1

    # The serializer's own representation (plain columns by getattr) against DRF's, field by field.
    project = ProjectViewSet.queryset.get(pk=full_project.pk)
    request = client.get(PROJECTS).wsgi_request
    serializer = ProjectSerializer(context={"request": request})
    shortcut = serializer.to_representation(project)
    generic = serializers.Serializer.to_representation(ProjectSerializer(context={"request": request}), project)
    assert shortcut == generic
    assert [column for _name, _field, column in serializer._column_read_plan() if column] == [
        "code", "name", "address", "investment_type", "industry", "contract_amount", "contract_signed_on",
        "start_date", "planned_end_date", "completed_on", "status", "wage_officer_name", "injury_insurance",
        "payment_guarantee", "monitoring_required", "compliance_score", "compliance_evaluated_on",
    ]


@pytest.mark.django_db
def test_the_list_fetches_only_the_related_columns_its_rows_show(api_as, admin_user, full_project):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(admin_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PROJECTS, {"code": full_project.code}).status_code == 200
    rows = [q["sql"] for q in queries.captured_queries if "projects_project" in q["sql"] and "core_enterprise" in q["sql"]]
    assert len(rows) == 1
    selected = rows[0].split(' FROM "projects_project" ')[0]
    assert '."uscc" AS "row_builder_uscc"' in selected and '."full_name" AS "row_region_name"' in selected
    assert '"core_enterprise"."id"' not in selected  # columns, not related rows to build
    for column in ('."roles"', '."legal_representative_id_number"', '."contact_phone"', '."parent_id"', '."kind"'):
        assert column not in selected  # ...and not the rest of the enterprises, the region, the regulator


def test_built_fields_are_cached_per_class_and_language_and_stay_separate():
    def build():
        return ProjectSerializer().fields

    with translation.override("zh-hans"):
        chinese = build()
        again = build()
    with translation.override("en"):
        english = build()
    # Labels in each language (a cached English build must not leave Chinese requests without one).
    amount = Project._meta.get_field("contract_amount").verbose_name
    with translation.override("zh-hans"):
        assert str(chinese["contract_amount"].label) == str(amount) != "Contract amount"
    with translation.override("en"):
        assert str(english["contract_amount"].label).lower() == "contract amount"
    # Each build has its own field instances and its own validator lists, which DRF appends to.
    assert chinese["name"] is not again["name"]
    assert chinese["name"].validators is not again["name"].validators
    assert len(chinese["name"].validators) == len(again["name"].validators) == len(build()["name"].validators)
    assert [type(v) for v in chinese["name"].validators] == [type(v) for v in again["name"].validators]
    assert {name: type(field) for name, field in chinese.items()} == {name: type(field) for name, field in english.items()}
