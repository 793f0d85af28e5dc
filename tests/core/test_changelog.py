"""Every change to a change-logged model is recorded with who, when, request id, source and
before/after, whichever path made it: request, task, command, bulk update, delete."""
import datetime as dt

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from wagecase.core.choices import ChangeAction, ChangeSource
from wagecase.core.context import change_context
from wagecase.core.middleware import ChangeContextMiddleware
from wagecase.core.models import CalendarDay, Enterprise, ObjectChange
from wagecase.core.services import journal_add


def changes_for(obj):
    return ObjectChange.objects.filter(changed_object_id=str(obj.pk), changed_object_type__model=obj._meta.model_name)


def test_create_update_delete_outside_any_context_is_logged_as_system(make_enterprise):
    enterprise = make_enterprise(name="天水甲建筑工程有限公司")
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    enterprise.name = "天水乙建筑工程有限公司"
    enterprise.save()
    pk = enterprise.pk
    enterprise.delete()
    rows = list(ObjectChange.objects.filter(changed_object_id=str(pk)).order_by("pk"))
    assert [r.action for r in rows] == [ChangeAction.CREATE, ChangeAction.UPDATE, ChangeAction.DELETE]
    assert all(r.source == ChangeSource.SYSTEM and r.user is None for r in rows)
    create, update, delete = rows
    assert create.prechange_data is None and create.postchange_data["name"] == "天水甲建筑工程有限公司"
    assert update.diff() == [("name", "天水甲建筑工程有限公司", "天水乙建筑工程有限公司")]
    assert delete.prechange_data["name"] == "天水乙建筑工程有限公司" and delete.postchange_data is None


def test_saving_without_a_change_writes_nothing(make_enterprise):
    enterprise = make_enterprise()
    count = changes_for(enterprise).count()
    Enterprise.objects.get(pk=enterprise.pk).save()
    assert changes_for(enterprise).count() == count


def test_change_in_a_web_request_names_user_and_request_id(make_enterprise, inspector):
    enterprise = make_enterprise()
    request = RequestFactory().post("/enterprises/1/edit/")
    request.user = inspector

    def view(req):
        obj = Enterprise.objects.get(pk=enterprise.pk)
        obj.address = "天水市秦州区民主路1号"
        obj.save()
        return HttpResponse("ok")

    response = ChangeContextMiddleware(view)(request)
    change = changes_for(enterprise).get(action=ChangeAction.UPDATE)
    assert change.user == inspector and change.user_name == inspector.username
    assert change.source == ChangeSource.WEB
    assert str(change.request_id) == response["X-Request-ID"]
    assert change.diff() == [("address", enterprise.address, "天水市秦州区民主路1号")]


def test_api_path_is_marked_api(make_enterprise, inspector):
    enterprise = make_enterprise()
    request = RequestFactory().patch("/api/v1/enterprises/x/")
    request.user = inspector

    def view(req):
        Enterprise.objects.filter(pk=enterprise.pk).update(address="新地址")
        return HttpResponse("ok")

    ChangeContextMiddleware(view)(request)
    change = changes_for(enterprise).get(action=ChangeAction.UPDATE)
    assert change.source == ChangeSource.API and change.user == inspector


def test_queryset_update_and_bulk_update_are_logged_per_row(make_enterprise, admin_user):
    a, b = make_enterprise(), make_enterprise()
    with change_context(source=ChangeSource.IMPORT, user=admin_user, label="import enterprises.xlsx"):
        Enterprise.objects.filter(pk__in=[a.pk, b.pk]).update(credit_rating="C")
    for obj in (a, b):
        change = changes_for(obj).get(action=ChangeAction.UPDATE)
        assert change.source == ChangeSource.IMPORT and change.user == admin_user
        assert change.diff() == [("credit_rating", "A", "C")]
    a.credit_rating = "B"
    with change_context(source=ChangeSource.TASK, label="nightly rating"):
        Enterprise.objects.bulk_update([a], ["credit_rating"])
    assert changes_for(a).filter(action=ChangeAction.UPDATE, source=ChangeSource.TASK, source_label="nightly rating").exists()


def test_change_made_by_a_celery_task_is_logged(db):
    day = CalendarDay.objects.get(date=dt.date(2026, 2, 17))
    CalendarDay.objects.filter(pk=day.pk).delete()
    from wagecase.core.tasks import refresh_calendar

    refresh_calendar.delay()
    created = CalendarDay.objects.get(date=dt.date(2026, 2, 17))
    change = changes_for(created).get(action=ChangeAction.CREATE)
    assert change.source == ChangeSource.TASK and change.source_label == "core.refresh_calendar"


def test_change_made_by_a_command_is_logged(db):
    from wagecase.core.demo import seed_core
    from wagecase.core.management.commands.seed_demo import Command

    # The seed_demo command opens the command context; run only the core seeder inside it.
    with change_context(source=ChangeSource.COMMAND, label="manage.py seed_demo"):
        seed_core(__import__("random").Random(1), lambda line: None)
    assert Command.help
    change = ObjectChange.objects.filter(changed_object_type__model="enterprise").first()
    assert change.source == ChangeSource.COMMAND and change.source_label == "manage.py seed_demo"


def test_journal_note_is_kept_apart_from_the_change_log(make_enterprise, inspector):
    enterprise = make_enterprise()
    before = ObjectChange.objects.count()
    entry = journal_add(obj=enterprise, user=inspector, comments="已电话联系法人，承诺本周内补缴保证金", kind="warning")
    assert entry.assigned_object == enterprise
    assert ObjectChange.objects.count() == before


def test_blank_journal_note_is_refused(make_enterprise, inspector):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        journal_add(obj=make_enterprise(), user=inspector, comments="")



def test_a_deleted_user_leaves_its_records_with_the_name(make_enterprise, make_user):
    """The log's keys have no constraint in the database (a check per record at commit was most of
    an import's commit); Django still applies on_delete: the records stay, without the user, named."""
    clerk = make_user(username="clerk-to-go")
    with change_context(source=ChangeSource.WEB, user=clerk):
        enterprise = make_enterprise(name="天水丙建筑工程有限公司")
    record = changes_for(enterprise).get()
    assert record.user == clerk and record.user_name
    name = record.user_name
    clerk.delete()
    record.refresh_from_db()
    assert record.user is None and record.user_name == name


def test_a_content_type_in_the_log_cannot_be_deleted(make_enterprise):
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import ProtectedError

    enterprise = make_enterprise()
    content_type = ContentType.objects.get_for_model(enterprise)
    assert changes_for(enterprise).exists()
    with pytest.raises(ProtectedError):
        content_type.delete()


def test_the_log_is_indexed_for_a_users_newest_records_and_not_per_request(db, make_enterprise, inspector, client):
    """Five indexes on the log: each one is a cost on every record an import writes. A user's newest
    records (the home page's ten) come from (user, time); nothing looks records up by request id."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, ObjectChange._meta.db_table)
    indexed = sorted(tuple(c["columns"]) for c in constraints.values() if c["index"] or c["primary_key"])
    assert indexed == sorted([
        ("id",), ("time",), ("user_id", "time"), ("changed_object_type_id", "changed_object_id", "time"),
        ("related_object_type_id", "related_object_id", "time"),
    ])

    # The home page's query walks that index, newest first, for however many records the user has.
    if connection.vendor == "postgresql":
        from wagecase.core.views.home import recent_changes_context

        with change_context(source=ChangeSource.WEB, user=inspector):
            for number in range(12):
                make_enterprise(name=f"天水索引测试{number}建筑有限公司")
        request = RequestFactory().get("/")
        request.user = inspector
        shown = recent_changes_context(request)["changes"]
        assert len(shown) == 10 and all(row["change"].user_id == inspector.pk for row in shown)
        query = ObjectChange.objects.filter(user=inspector).select_related("changed_object_type")[:10].query
        sql, params = query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "objectchange_user_idx" in plan, plan


def test_change_data_keeps_the_model_field_order_and_reads_back_as_written(make_enterprise):
    """The before/after documents are stored as written (PostgreSQL `json`, not `jsonb`): the fields
    come back in the model's order, which is the order the history lists them in, and as the same
    values, whether the record was saved by the ORM or sent by COPY (the bulk path)."""
    from django.db import connection

    from projects.models import Worker
    from wagecase.core.bulk import insert_logged_rows

    enterprise = make_enterprise(name="天水丙建筑工程有限公司")
    (record,) = changes_for(enterprise)
    expected = enterprise.changelog_data()
    assert list(record.postchange_data) == list(expected) and record.postchange_data == expected
    (pk,) = insert_logged_rows(Worker, [{"id_number": "11010519491231002X", "name": "赵六", "phone": ""}], reprs=["赵六"])
    (bulk_record,) = changes_for(Worker.objects.get(pk=pk))
    assert list(bulk_record.postchange_data) == list(Worker.objects.get(pk=pk).changelog_data())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT data_type FROM information_schema.columns WHERE table_name = 'core_objectchange' "
                           "AND column_name IN ('prechange_data', 'postchange_data')")
            assert {row[0] for row in cursor.fetchall()} == {"json"}
