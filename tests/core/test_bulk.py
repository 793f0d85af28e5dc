"""wagecase.core.bulk: the pieces the COPY paths stand on."""
import json

import pytest

from wagecase.core.bulk import CopyStream, _json, copy_value, next_ids


def read_all(stream, size):
    pieces = []
    while True:
        piece = stream.read(size)
        if not piece:
            return pieces
        pieces.append(piece)


@pytest.mark.parametrize("size", [1, 7, 64, 10_000])
def test_copy_stream_gives_back_every_line_in_pieces_of_at_most_size(size):
    lines = [f"{i}\t名字{i}\t{'x' * (i % 50)}\n" for i in range(300)]
    pieces = read_all(CopyStream(iter(lines)), size)
    assert "".join(pieces) == "".join(lines)
    assert all(0 < len(piece) <= size for piece in pieces)
    assert all(len(piece) == size for piece in pieces[:-1])  # only the last one is short


def test_copy_stream_formats_lazily_and_ends_empty():
    made = []

    def lines():
        for i in range(3):
            made.append(i)
            yield f"{i}\n"

    stream = CopyStream(lines())
    assert made == []
    assert stream.read(2) == "0\n" and made == [0]
    assert stream.read() == "1\n2\n"
    assert stream.read() == "" and stream.read(5) == ""
    assert CopyStream(iter([])).read() == ""


def test_change_record_json_is_the_same_document_as_json_dumps():
    value = {"name": "王\t伟\\", "wage": "408.00", "day": "2025-08-03", "team_id": None, "ok": True,
             "nested": {"a": [1, 2]}, "huge": 2 ** 70}  # beyond 64 bits: the json.dumps fallback
    text = _json(value)
    assert "\t" not in text  # escaped for COPY's text format
    unescaped = text.replace("\\\\", "\x00").replace("\\t", "\t").replace("\x00", "\\")
    assert json.loads(unescaped) == value
    assert copy_value({"a": "b"}) == _json({"a": "b"})


@pytest.mark.django_db
def test_next_ids_are_new_distinct_and_ascending():
    from django.db import connection

    from projects.models import Worker

    if connection.vendor != "postgresql":
        pytest.skip("ids from the sequence: PostgreSQL only")
    first = next_ids(Worker, 5)
    second = next_ids(Worker, 3)  # the sequence's name comes from the cache now
    assert len(set(first + second)) == 8
    assert first == sorted(first) and min(second) > max(first)


def _postgresql_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the COPY pipeline: PostgreSQL only")


def _workers(n, start=0):
    import random

    from wagecase.core.identifiers import make_id_number

    rng, numbers = random.Random(start), []
    while len(numbers) < n:
        number = make_id_number(rng)
        if number not in numbers:
            numbers.append(number)
    return [{"id_number": number, "name": f"管道测试{start + i}", "phone": ""} for i, number in enumerate(numbers)]


@pytest.mark.django_db
def test_copy_pipeline_sends_from_the_writer_and_a_query_waits_for_it():
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from projects.models import Worker
    from wagecase.core.bulk import copy_pipeline, insert_logged_rows
    from wagecase.core.models import ObjectChange

    _postgresql_only()
    rows = _workers(300)
    ContentType.objects.get_for_model(Worker)  # cached, as after an import's first chunk: no query between the COPYs
    with transaction.atomic(), copy_pipeline() as pipeline:
        ids = insert_logged_rows(Worker, rows, reprs=[row["name"] for row in rows])
        assert len(pipeline.pending) == 2  # the workers and their change records, handed to the writer
        # A query on the connection first waits for both: it sees every row.
        assert Worker.objects.filter(pk__in=ids).count() == 300
        assert not pipeline.pending
        assert ObjectChange.objects.filter(changed_object_id__in=[str(pk) for pk in ids], action="create").count() == 300
    assert Worker.objects.filter(pk__in=ids).count() == 300  # committed with the block


@pytest.mark.django_db
def test_copy_pipeline_error_is_raised_at_the_next_statement_and_nothing_is_kept():
    from django.db import IntegrityError, transaction

    from projects.models import Worker
    from wagecase.core.bulk import copy_pipeline, insert_logged_rows

    _postgresql_only()
    rows = _workers(5, start=100)
    duplicate = [{**rows[0], "name": "重复身份证号"}]
    with pytest.raises(IntegrityError):
        with transaction.atomic(), copy_pipeline():
            insert_logged_rows(Worker, rows, reprs=[row["name"] for row in rows])
            insert_logged_rows(Worker, duplicate, reprs=["重复身份证号"])  # handed over: no error yet
            Worker.objects.count()  # waits for the writer: the unique ID number's error comes here
    assert not Worker.objects.filter(id_number__in=[row["id_number"] for row in rows]).exists()


@pytest.mark.django_db
def test_copy_pipeline_error_is_raised_at_the_end_of_the_block_without_a_statement():
    from django.db import IntegrityError, transaction

    from projects.models import Worker
    from wagecase.core.bulk import copy_pipeline, insert_logged_rows

    _postgresql_only()
    rows = _workers(3, start=200)
    with pytest.raises(IntegrityError):
        with transaction.atomic(), copy_pipeline():
            insert_logged_rows(Worker, rows + rows[:1], reprs=[row["name"] for row in rows + rows[:1]],
                               ids=next_ids(Worker, 4))
    assert not Worker.objects.filter(id_number__in=[row["id_number"] for row in rows]).exists()



@pytest.mark.django_db
def test_copy_pipeline_holds_at_most_max_pending_copies_and_keeps_the_first_error(monkeypatch):
    """When the server falls behind, handing over one more COPY waits for the oldest: the pipeline
    holds MAX_PENDING texts, not a file's. A COPY that failed while waited for is still raised."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import IntegrityError, transaction

    from projects.models import Worker
    from wagecase.core.bulk import CopyPipeline, copy_pipeline, insert_logged_rows

    _postgresql_only()
    monkeypatch.setattr(CopyPipeline, "MAX_PENDING", 2)
    ContentType.objects.get_for_model(Worker)
    batches = [_workers(4, start=300 + 10 * n) for n in range(4)]
    with transaction.atomic(), copy_pipeline() as pipeline:
        ids = []
        for rows in batches:
            ids += insert_logged_rows(Worker, rows, reprs=[row["name"] for row in rows], ids=next_ids(Worker, 4))
            assert len(pipeline.pending) <= 2
        assert Worker.objects.filter(pk__in=ids).count() == 16
    rows, keys = _workers(3, start=400), next_ids(Worker, 10)
    with pytest.raises(IntegrityError):
        with transaction.atomic(), copy_pipeline() as pipeline:
            insert_logged_rows(Worker, rows + rows[:1], reprs=["甲", "乙", "丙", "甲"], ids=keys[:4])  # fails
            for n in range(3):  # no statement: each waits for room, and keeps the failed COPY
                more = _workers(2, start=500 + 10 * n)
                insert_logged_rows(Worker, more, reprs=["丁", "戊"], ids=keys[4 + 2 * n:6 + 2 * n])
            assert pipeline.pending[0].exception() is not None
    assert not Worker.objects.filter(id_number__in=[row["id_number"] for row in rows]).exists()


def test_paused_collector_stops_automatic_collection_and_collects_on_demand():
    import gc
    import weakref

    from wagecase.core.bulk import PausedCollector

    class Node:
        pass

    assert gc.isenabled()
    with PausedCollector() as collector:
        assert not gc.isenabled()
        node = Node()
        node.self = node  # a cycle: reference counting alone never frees it
        alive = weakref.ref(node)
        del node
        for _ in range(10_000):  # far beyond the 700 allocations that would trigger a collection
            [[]]
        assert alive() is not None
        assert collector.collect() >= 1 and alive() is None
    assert gc.isenabled()
    gc.disable()
    try:
        with PausedCollector():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()



def test_bulk_update_writes_every_type_and_logs_each_changed_row_once(make_enterprise, rng):
    """ChangeLoggedQuerySet.bulk_update (bulk.update_rows on PostgreSQL, Django's elsewhere): text,
    dates, a null date, money, a nullable key and a timestamp written; one change record per row
    (Django's bulk_update calls update() per batch, which logged every row a second time)."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from projects.models import Employment, Project, WorkTeam
    from projects.services import project_save, worker_register
    from wagecase.core.identifiers import make_id_number
    from wagecase.core.models import ObjectChange

    project = project_save(project=Project(
        code="BULK-UPD-1", name="批量更新测试项目", region_id="620502", investment_type="social", industry="housing",
        contract_amount=Decimal("1000000.00"), contract_signed_on=dt.date(2025, 12, 1), start_date=dt.date(2025, 12, 10),
        planned_end_date=dt.date(2027, 6, 30), status="in_progress", builder=make_enterprise(roles=["builder"]),
        general_contractor=make_enterprise(roles=["general_contractor"])))
    team = WorkTeam.objects.create(project=project, name="钢筋班", employer=project.general_contractor)
    entries = [worker_register(project=project, id_number=make_id_number(rng, "620502"), name=f"批量{i}",
                               entered_on=dt.date(2026, 1, 5), exited_on=dt.date(2026, 6, 30), daily_wage=Decimal("300.00"))
               for i in range(3)]
    mark = ObjectChange.objects.order_by("-pk").values_list("pk", flat=True).first()
    now = timezone.now()
    for i, entry in enumerate(entries[:2]):
        entry.trade, entry.team, entry.exited_on = f"钢筋工{i}", team, None
        entry.daily_wage, entry.entered_on, entry.last_updated = Decimal("321.50"), dt.date(2026, 2, 1 + i), now
    entries[2].last_updated = now  # nothing else changes: no record
    count = Employment.objects.bulk_update(entries, ["trade", "team", "exited_on", "daily_wage", "entered_on", "last_updated"])
    assert count == 3
    rows = {e.pk: e for e in Employment.objects.filter(pk__in=[e.pk for e in entries])}
    for i, entry in enumerate(entries[:2]):
        row = rows[entry.pk]
        assert (row.trade, row.team_id, row.exited_on, row.daily_wage, row.entered_on) == (
            f"钢筋工{i}", team.pk, None, Decimal("321.50"), dt.date(2026, 2, 1 + i))
        assert row.last_updated == now
    assert rows[entries[2].pk].exited_on == dt.date(2026, 6, 30) and rows[entries[2].pk].team_id is None
    records = ObjectChange.objects.filter(pk__gt=mark, changed_object_type=ContentType.objects.get_for_model(Employment))
    assert sorted(records.values_list("changed_object_id", flat=True)) == sorted(str(e.pk) for e in entries[:2])
    assert records.filter(action="update").count() == 2
    record = records.get(changed_object_id=str(entries[0].pk))
    assert record.prechange_data["exited_on"] == "2026-06-30" and record.postchange_data["exited_on"] is None


def test_update_rows_leaves_json_fields_to_django(db):
    from django.db import connection

    from wagecase.core.bulk import update_rows
    from wagecase.core.models import Enterprise

    if connection.vendor != "postgresql":
        assert update_rows(Enterprise, [], ["name"]) is None
    else:
        assert update_rows(Enterprise, [], ["roles"]) is None  # a JSONField
        assert update_rows(Enterprise, [], ["name"]) == 0


@pytest.mark.django_db
def test_id_pool_reserves_once_then_takes_what_it_is_asked():
    from django.db import connection

    from projects.models import Worker
    from wagecase.core.bulk import IdPool

    pool = IdPool(Worker, reserve=10)
    if connection.vendor != "postgresql":
        assert pool.take(3) is None  # elsewhere the rows get their keys when inserted
        return
    assert pool.take(0) is None
    calls, original = [], next_ids

    import wagecase.core.bulk as bulk

    def counting(model, count):
        calls.append(count)
        return original(model, count)

    bulk.next_ids = counting
    try:
        first, second, third = pool.take(4), pool.take(6), pool.take(5)
    finally:
        bulk.next_ids = original
    assert calls == [10, 5]  # the reserve, then only what was missing
    keys = first + second + third
    assert len(set(keys)) == 15 and first + second == sorted(first + second)

