"""How the clue list builds its rows (issue 10): a numbered page reads the county's name, the officers'
names and the department as annotations of the page's rows (ClueViewSet.list_row_columns, read by
RowColumnField and RowRefMixin) instead of building their model instances. The answer must be the
detail's, whichever related rows a clue has or lacks."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Clue
from wagecase.core.choices import DepartmentKind, Role

CLUES = "/api/v1/clues/"


@pytest.fixture
def clues(make_clue, make_user, make_department, inspector):
    """Three clues: one with every related row a row shows (an officer without a full name, a
    registrar with one, a department it was transferred to), one with none, one shared."""
    nameless = make_user(Role.INSPECTOR, username="nameless_officer", full_name="")
    department = make_department(kind=DepartmentKind.HOUSING, name="麦积区住房和城乡建设局")
    full = make_clue(employer_name="甘肃甲劳务有限公司")
    bare = make_clue(employer_name="甘肃乙劳务有限公司")
    Clue.objects.filter(pk=full.pk).update(owner=nameless, transferred_to=department)
    Clue.objects.filter(pk=bare.pk).update(owner=None, received_by=None)
    return Clue.objects.get(pk=full.pk), Clue.objects.get(pk=bare.pk), nameless, department


@pytest.mark.django_db
def test_a_list_row_is_the_detail_with_and_without_related_rows(api_as, admin_user, inspector, clues):
    full, bare, nameless, department = clues
    client = api_as(admin_user)
    rows = {row["number"]: row for row in client.get(CLUES, {"page_size": 50}).json()["results"]}
    for clue in (full, bare):
        assert rows[clue.number] == client.get(f"{CLUES}{clue.number}/").json()
    assert rows[full.number]["owner"] == {"id": nameless.pk, "name": "nameless_officer"}  # str(user): the username
    assert rows[full.number]["received_by"] == {"id": inspector.pk, "name": inspector.full_name}
    assert rows[full.number]["transferred_to"] == {"id": department.pk, "name": "麦积区住房和城乡建设局",
                                                   "kind": "housing"}
    assert rows[full.number]["region_name"] == full.region.full_name != ""
    assert rows[bare.number]["owner"] is None and rows[bare.number]["received_by"] is None
    assert rows[bare.number]["transferred_to"] is None


@pytest.mark.django_db
def test_the_page_reads_related_columns_not_related_rows(api_as, admin_user, clues):
    client = api_as(admin_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CLUES).status_code == 200
    rows = [q["sql"] for q in queries.captured_queries
            if 'FROM "complaints_clue"' in q["sql"] and '"core_user"' in q["sql"]]
    assert len(rows) == 1
    selected = rows[0].split(' FROM "complaints_clue" LEFT OUTER JOIN ')[0]
    assert 'AS "row_owner_name"' in selected and 'AS "row_transferred_to_kind"' in selected
    for column in ('"password"', '"last_login"', '"jurisdiction_id"', '"parent_id"'):
        assert column not in selected  # no user, region or department row to build
