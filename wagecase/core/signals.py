"""Change-log receivers: every save and delete of a ChangeLoggedModel becomes an ObjectChange."""
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .choices import ChangeAction
from .context import current_context
from .models.base import ChangeLoggedModel
from .models.changelog import ObjectChange


def log_change(instance, action, before, after):
    ctx = current_context()
    user = ctx.get_user()
    parent = instance.changelog_parent()
    return ObjectChange.objects.create(
        related_object_type=ContentType.objects.get_for_model(parent[0]) if parent and parent[1] else None,
        related_object_id=str(parent[1]) if parent and parent[1] else "",
        user=user,
        user_name=(user.get_username() if user else ""),
        request_id=ctx.request_id,
        source=ctx.source,
        source_label=ctx.label[:200],
        action=action,
        changed_object_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        changed_object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        prechange_data=before,
        postchange_data=after,
    )


def bulk_log_changes(changes, *, batch_size=2000):
    """log_change for many records at once: `changes` yields (instance, action, before, after); the
    ObjectChange rows are written in batches (one INSERT per batch_size rows), with the same context
    (user, source, label, request id) and parent as log_change gives one by one. Bulk paths (imports,
    QuerySet.bulk_create/bulk_update/update on change-logged models) use it, so logging every row
    does not cost a query per row."""
    ctx = current_context()
    user = ctx.get_user()
    user_name = user.get_username() if user else ""
    types = {}

    def type_of(model):
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model, for_concrete_model=True)
        return types[model]

    from .bulk import copy_rows, is_postgresql

    if is_postgresql(ObjectChange):
        # COPY of plain tuples: no model instances, no per-value compilation.
        from django.utils import timezone

        now, request_id = timezone.now(), ctx.request_id
        label, user_id = ctx.label[:200], user.pk if user else None
        rows = []
        for instance, action, before, after in changes:
            parent = instance.changelog_parent()
            related = parent and parent[1]
            rows.append((
                now, user_id, user_name, request_id, ctx.source, label, action, type_of(type(instance)).pk,
                str(instance.pk), type_of(parent[0]).pk if related else None, str(parent[1]) if related else "",
                str(instance)[:200], before, after,
            ))
        if rows:
            copy_rows(ObjectChange, (
                "time", "user_id", "user_name", "request_id", "source", "source_label", "action", "changed_object_type_id",
                "changed_object_id", "related_object_type_id", "related_object_id", "object_repr", "prechange_data",
                "postchange_data"), rows)
        return len(rows)

    pending, written = [], 0
    for instance, action, before, after in changes:
        parent = instance.changelog_parent()
        pending.append(ObjectChange(
            related_object_type=type_of(parent[0]) if parent and parent[1] else None,
            related_object_id=str(parent[1]) if parent and parent[1] else "",
            user=user, user_name=user_name, request_id=ctx.request_id, source=ctx.source,
            source_label=ctx.label[:200], action=action, changed_object_type=type_of(type(instance)),
            changed_object_id=str(instance.pk), object_repr=str(instance)[:200],
            prechange_data=before, postchange_data=after,
        ))
        if len(pending) >= batch_size:
            ObjectChange.objects.bulk_create(pending)
            written, pending = written + len(pending), []
    if pending:
        ObjectChange.objects.bulk_create(pending)
        written += len(pending)
    return written


@receiver(pre_save)
def _snapshot_before_save(sender, instance, raw, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedModel) or instance._state.adding:
        return
    if getattr(instance, "_changelog_snapshot", None) is None and instance.pk is not None:
        # Not loaded from the database by this code path (or loaded partially): read it now.
        current = sender._base_manager.filter(pk=instance.pk).first()
        instance._changelog_snapshot = current.changelog_data() if current else None


@receiver(post_save)
def _log_save(sender, instance, created, raw, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedModel):
        return
    after = instance.changelog_data()
    if created:
        log_change(instance, ChangeAction.CREATE, None, after)
    else:
        before = getattr(instance, "_changelog_snapshot", None)
        if before != after:
            log_change(instance, ChangeAction.UPDATE, before, after)
    instance._changelog_snapshot = after


@receiver(post_delete)
def _log_delete(sender, instance, **kwargs):
    if not isinstance(instance, ChangeLoggedModel):
        return
    before = getattr(instance, "_changelog_snapshot", None) or instance.changelog_data()
    log_change(instance, ChangeAction.DELETE, before, None)


def _calendar_changed(sender, **kwargs):
    from .workdays import clear_cache

    clear_cache()


def _connect_calendar():
    from .models.calendar import CalendarDay, CalendarYear

    for model in (CalendarDay, CalendarYear):
        post_save.connect(_calendar_changed, sender=model, dispatch_uid=f"calendar-save-{model.__name__}")
        post_delete.connect(_calendar_changed, sender=model, dispatch_uid=f"calendar-delete-{model.__name__}")


_connect_calendar()


def _policy_changed(sender, **kwargs):
    from .policy import clear_cache

    clear_cache()


def _connect_policy():
    from .models.policy import PolicyValue

    post_save.connect(_policy_changed, sender=PolicyValue, dispatch_uid="policy-save")
    post_delete.connect(_policy_changed, sender=PolicyValue, dispatch_uid="policy-delete")


_connect_policy()
