"""Issue 10: the clue list pages its ids first and then loads those rows, takes the project's code
and the merged-into clue's number from scalar subqueries, leaves unshown columns unloaded, reads
display labels from a dict, plain columns with getattr and the addresses from one template per
response. Its rows and their order must be exactly what DRF's generic path, the detail endpoint and
the cursor walk give, in a number of queries that does not grow with the rows."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from complaints import services
from complaints.api.serializers import ClueSerializer
from complaints.models import Clue

from .conftest import at
from .test_api import CLUES, advance, url


@pytest.fixture
def client(api_as, inspector):
    return api_as(inspector)


def make_mixed(make_clue, make_project, inspector, n):
    """n overdue clues of every kind: plain, on a project, accepted, classified, transferred, rejected,
    merged into an earlier one (and possible duplicates of each other through the employer)."""
    today = timezone.localdate()
    project = make_project()
    clues = []
    for i in range(n):
        received = at(today - dt.timedelta(days=60 - i))
        clue = make_clue(received_at=received, employer_name=f"甘肃重复劳务有限公司{i % 2}",
                         project=project if i % 3 == 0 else None)
        kind = i % 6
        if kind == 1:
            clue = advance(clue, inspector, "accepted")
        elif kind == 2:
            clue = advance(clue, inspector, "in_progress")
        elif kind == 3:
            clue = advance(clue, inspector, "accepted")
            services.clue_transfer(clue=clue, user=inspector, department="housing", reason="移交住建部门")
        elif kind == 4:
            services.clue_reject(clue=clue, user=inspector, reason="超过时效")
        elif kind == 5 and clues:
            services.clue_merge(clue=clue, into=clues[0], user=inspector)
        clues.append(clue)
    return clues


def test_list_rows_are_those_of_the_generic_path_and_the_detail(client, make_clue, make_project, inspector,
                                                                 housing_department):
    make_mixed(make_clue, make_project, inspector, 12)
    rows = client.get(CLUES, {"page_size": 500}).json()["results"]
    assert len(rows) == 12
    assert any(row["merged_into"] for row in rows) and any(row["project_code"] for row in rows)
    assert any(row["transferred_to"] for row in rows) and any(row["category_display"] for row in rows)
    assert any(row["possible_duplicates"] for row in rows)

    request = Request(APIRequestFactory().get(CLUES))
    request.user = inspector
    for row in rows:
        assert client.get(url(row["number"])).json() == row
        # DRF's own to_representation on a clue loaded whole, without the list's annotations.
        clue = Clue.objects.select_related("region", "project", "owner", "received_by", "transferred_to",
                                           "merged_into").get(number=row["number"])
        serializer = ClueSerializer(clue, context={"request": request})
        generic = serializers.ModelSerializer.to_representation(serializer, clue)
        # (Unprefetched, the duplicates come in no set order.)
        assert sorted(generic.pop("possible_duplicates")) == sorted(row["possible_duplicates"])
        assert generic == {key: value for key, value in row.items() if key != "possible_duplicates"}
        assert row["status_display"] == str(clue.get_status_display())
        assert row["category_display"] == (str(clue.get_category_display()) if clue.category else clue.category)
        assert row["channel_display"] == str(clue.get_channel_display())
        assert row["merged_into"] == (clue.merged_into.number if clue.merged_into else None)
        assert row["project_code"] == (clue.project.code if clue.project else None)
        assert row["url"] == "http://testserver" + reverse("clue-detail", args=[clue.number])
        assert row["timeline_url"] == "http://testserver" + reverse("clue-events", args=[clue.number])
        assert row["page_url"] == "http://testserver" + clue.get_absolute_url()


def test_list_queries_do_not_grow_with_rows(client, make_clue, make_project, inspector, housing_department,
                                            django_assert_max_num_queries):
    counts = []
    for n in (6, 24):  # 6 clues, then 30
        make_mixed(make_clue, make_project, inspector, n)
        for params in ({"overdue": "true"}, {}):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(CLUES, {**params, "page_size": 500})
            assert response.status_code == 200 and response.json()["results"]
            counts.append(len(queries.captured_queries))
    assert counts[:2] == counts[2:], counts
    # Token, count, the page's ids, its rows, possible duplicates (one prefetch), the personal-data
    # log (one insert).
    with django_assert_max_num_queries(6):
        client.get(CLUES, {"overdue": "true", "page_size": 500})


def test_numbered_and_cursor_pages_walk_the_same_rows(client, make_clue, make_project, inspector, housing_department):
    make_mixed(make_clue, make_project, inspector, 11)
    whole = [row["number"] for row in client.get(CLUES, {"page_size": 500}).json()["results"]]
    assert whole == [c.number for c in Clue.objects.order_by("-received_at", "-pk")]
    numbered, page = [], 1
    while True:
        data = client.get(CLUES, {"page_size": 4, "page": page}).json()
        assert data["count"] == 11
        numbered += [row["number"] for row in data["results"]]
        if not data["next"]:
            break
        page += 1
    assert numbered == whole
    walked, link = [], f"{CLUES}?cursor=&page_size=4"
    while link:
        data = client.get(link).json()
        walked += [row["number"] for row in data["results"]]
        link = data["next"]
    assert sorted(walked) == sorted(whole)
