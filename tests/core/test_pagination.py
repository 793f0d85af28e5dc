"""The API's paginator reads the first page before it counts: a list that fits on one page costs no
COUNT query, and the count, the links and the later pages are what they were."""
import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagecase.core.api.pagination import CountSparingPaginator
from wagecase.core.models import Region

pytestmark = pytest.mark.django_db


def regions(prefix):
    return Region.objects.filter(code__startswith=prefix).order_by("code")


def counts(queries):
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_a_first_page_that_is_not_full_is_its_own_count():
    expected = list(regions("620502").values_list("code", flat=True))
    assert 1 < len(expected) < 500
    paginator = CountSparingPaginator(regions("620502"), 500)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page("1")
        assert paginator.count == len(expected) and paginator.num_pages == 1 and not page.has_next()
    assert len(queries) == 1 and not counts(queries)
    assert [r.code for r in page] == expected


@pytest.mark.parametrize("size", [1, 3])
def test_a_full_first_page_is_counted_as_before(size):
    expected = list(regions("620502").values_list("code", flat=True))
    paginator = CountSparingPaginator(regions("620502"), size)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(1)
        assert page.has_next() and paginator.count == len(expected)
    assert len(counts(queries)) == 1
    assert [r.code for r in page] == expected[:size]
    assert [r.code for r in paginator.page(2)] == expected[size:2 * size]  # later pages as Django's


def test_a_first_page_of_exactly_one_page_and_an_empty_list():
    exact = regions("620502").count()
    paginator = CountSparingPaginator(regions("620502"), exact)
    with CaptureQueriesContext(connection) as queries:
        assert len(paginator.page(1)) == exact and paginator.count == exact and not paginator.page(1).has_next()
    assert not counts(queries)
    empty = CountSparingPaginator(regions("99"), 50)
    assert len(empty.page(1)) == 0 and empty.count == 0 and empty.num_pages == 1
    with pytest.raises(EmptyPage):
        empty.page(2)


def test_the_api_answers_the_same_count_and_links(api_as, inspector):
    client = api_as(inspector)
    client.get("/api/v1/regions/", {"parent": "620502"})
    with CaptureQueriesContext(connection) as queries:
        small = client.get("/api/v1/regions/", {"parent": "620502"}).json()
    townships = Region.objects.filter(parent_id="620502").count()
    assert 1 < townships < 50 and small["count"] == townships == len(small["results"]) and small["next"] is None
    assert not counts(queries)  # one page: no COUNT
    whole = client.get("/api/v1/regions/", {"page_size": 2, "parent": "620502"}).json()
    assert whole["count"] == townships and whole["next"] and len(whole["results"]) == 2
    last = client.get("/api/v1/regions/", {"page_size": 2, "parent": "620502", "page": "last"}).json()
    assert last["next"] is None and last["previous"] and last["count"] == townships
