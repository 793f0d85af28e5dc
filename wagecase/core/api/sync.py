"""Incremental sync: `?updated_since=` on every list of /api/v1/ whose rows carry a modification time.

What "updated" means, per list:
- a change-logged model (`last_updated`, moved by every save): the row itself was created or
  changed at or after the given time;
- append-only rows (events, the call log, credit-platform exports): created at or after it;
- projects: the project *or one of its sub-resources* (account, allocations, roster, attendance,
  payrolls, deposit, notice board, subcontractors, teams) changed — a bureau that pulls projects
  learns which ones to pull the sub-resources of;
- early warnings (no modification time): raised or cleared on or after the given time's day (a
  change of an active warning's severity or text is not reported);
- lists without a modification time (regions, notifications) do not document the parameter and
  answer 400 on it, rather than silently returning everything.

A view can say otherwise with `updated_since_field` (a field name, or None for "not supported")
and `updated_since_related` (lookups of child rows whose `last_updated` counts too).

Not reported by any list: deletions (hardly any record can be deleted through the API), and values
derived from the date alone (`overdue`, `order_ignored`…), which change without a write. A periodic
full sync (see StandardPagination's cursor mode) reconciles both."""
import datetime
import re

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

PARAM = "updated_since"

# Rows that are written once and never changed: their creation time is their modification time.
APPEND_ONLY = {
    "complaints.ClueEvent": "created",
    "complaints.CaseEvent": "created",
    "blacklist.ListingEvent": "created",
    "blacklist.CreditExport": "created",
    "core.JournalEntry": "created",
    "core.ObjectChange": "time",
    "integrations.ApiCall": "time",
}

# Rows with dates only: a row counts as changed since a time when one of these dates is on or after its day.
DATE_FIELDS = {
    "projects.ProjectWarning": ("raised_on", "cleared_on"),
}

# Child rows whose change counts as a change of the parent in its list: {model label: lookups of
# related rows with `last_updated`}. The parent's own row does not move when a child is saved.
RELATED_CHANGES = {
    "projects.Project": (
        "account", "allocations", "roster", "payrolls", "deposit", "notice_board", "subcontractors", "teams",
    ),
}
# Attendance and payroll lines point to the project with related_name="+": looked up by model.
RELATED_BY_MODEL = {
    "projects.Project": (("projects", "Attendance", "project"), ("projects", "PayrollLine", "project")),
}

DESCRIPTION = (
    "增量同步：只返回在此时间之后（含）新建或修改的记录。ISO 8601 带时区的时间（`2026-11-02T08:00:00+08:00`，"
    "URL 中 `+` 写作 `%2B`），或日期（`2026-11-02`，北京时间当日零点）；格式错误返回 400。"
    "推荐做法：首次用游标分页（`?cursor=`）全量拉取，记下响应头 `Sync-Watermark`；以后每次以它减去几分钟的重叠作为 "
    "`updated_since` 增量拉取，并按主键去重/覆盖。删除和仅随日期变化的派生字段（如 `overdue`）不会出现在增量中，"
    "请定期全量同步核对。\n\n"
    "Incremental sync: only rows created or changed at or after this time. An ISO 8601 datetime with "
    "offset (`2026-11-02T08:00:00+08:00`; write `+` as `%2B` in a URL) or a date (`2026-11-02`, from "
    "midnight Beijing time); an invalid value → 400. Recommended loop: a full sync first with cursor "
    "pagination (`?cursor=`), keeping the `Sync-Watermark` response header; then pull with "
    "`updated_since` = that watermark minus a few minutes of overlap, upserting by id. Deletions and "
    "values derived from the date alone (e.g. `overdue`) do not show up: reconcile with a periodic full sync."
)
NOTE_APPEND_ONLY = (
    "\n\n此列表的记录只增不改：按创建时间筛选。 Rows of this list are never changed: filtered by creation time."
)
NOTE_RELATED = (
    "\n\n项目本身或其任一子资源（专用账户、人工费拨付、实名花名册、考勤、工资发放、保证金、维权公示牌、分包单位、班组）"
    "在此时间后有变化的项目均会返回。 A project is returned when it or any of its sub-resources (account, "
    "allocations, roster, attendance, payrolls, deposit, notice board, subcontractors, teams) changed."
)

NOTES = {
    "projects.ProjectWarning": (
        "\n\n预警没有修改时间：按日期筛选在该日（含）之后提出或解除的预警；在用预警的级别或文字调整不计。"
        " Warnings have no modification time: those raised or cleared on or after that day are returned; a change "
        "of an active warning's severity or text is not."
    ),
}

_SPACED_OFFSET = re.compile(r"^(.*\d) (\d{2}(:?\d{2})?)$")


def parse_updated_since(raw):
    """An aware datetime from `raw` (datetime with offset, naive datetime in the local time zone, or
    a date = its local midnight); ValidationError on `updated_since` otherwise."""
    value = raw.strip()
    # "+08:00" sent unescaped in a query string arrives as " 08:00": put the plus sign back.
    match = _SPACED_OFFSET.match(value)
    if match and "T" in value:
        value = f"{match.group(1)}+{match.group(2)}"
    try:
        moment = parse_datetime(value)
        day = None if moment else parse_date(value)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise ValidationError({PARAM: [_(
            "Give a datetime in ISO 8601 with its offset (2026-11-02T08:00:00+08:00) or a date (2026-11-02)."
        )]})
    if moment is None:
        moment = datetime.datetime.combine(day, datetime.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def sync_field(model, view=None):
    """The modification-time field of `model` in `view`'s list, or None if it has none."""
    if view is not None and hasattr(view, "updated_since_field"):
        return view.updated_since_field
    if _has_field(model, "last_updated"):
        return "last_updated"
    return APPEND_ONLY.get(model._meta.label)


def related_conditions(model, view, since):
    """Exists() conditions for child rows changed since `since`."""
    from django.apps import apps

    label = model._meta.label
    lookups = getattr(view, "updated_since_related", None)
    if lookups is None:
        lookups = RELATED_CHANGES.get(label, ())
    conditions = []
    for lookup in lookups:
        field = model._meta.get_field(lookup)
        child = field.related_model
        conditions.append(Exists(child._default_manager.filter(
            **{field.field.name: OuterRef("pk"), "last_updated__gte": since}
        )))
    if getattr(view, "updated_since_related", None) is None:
        for app_label, model_name, fk in RELATED_BY_MODEL.get(label, ()):
            child = apps.get_model(app_label, model_name)
            conditions.append(Exists(child._default_manager.filter(**{fk: OuterRef("pk"), "last_updated__gte": since})))
    return conditions


def _view_model(view):
    queryset = getattr(view, "queryset", None)
    if queryset is None:
        try:
            queryset = view.get_queryset()
        except Exception:  # a view whose queryset needs a real request: no parameter documented
            return None
    return getattr(queryset, "model", None)


class UpdatedSinceFilterBackend(BaseFilterBackend):
    """`?updated_since=`: rows created or changed at or after the given time, on lists only (a
    detail or a detail action is never hidden by it)."""

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(PARAM)
        if raw is None or not raw.strip() or getattr(view, "detail", False):
            return queryset
        model = queryset.model
        field = sync_field(model, view)
        dates = DATE_FIELDS.get(model._meta.label, ()) if field is None else ()
        if field is None and not dates:
            raise ValidationError({PARAM: [_("This list has no modification time; it cannot be filtered by it.")]})
        since = parse_updated_since(raw)
        if dates:
            day = timezone.localdate(since)
            condition = Q()
            for name in dates:
                condition |= Q(**{f"{name}__gte": day})
            return queryset.filter(condition)
        condition = Q(**{f"{field}__gte": since})
        for exists in related_conditions(model, view, since):
            condition |= exists
        return queryset.filter(condition)

    def get_schema_operation_parameters(self, view):
        model = _view_model(view)
        if model is None:
            return []
        field = sync_field(model, view)
        if field is None and model._meta.label not in DATE_FIELDS:
            return []
        description = DESCRIPTION + NOTES.get(model._meta.label, "")
        if field is not None and field != "last_updated":
            description += NOTE_APPEND_ONLY
        if RELATED_CHANGES.get(model._meta.label) or getattr(view, "updated_since_related", None):
            description += NOTE_RELATED
        return [{
            "name": PARAM,
            "required": False,
            "in": "query",
            "description": description,
            "schema": {"type": "string"},
            "examples": {
                "datetime": {"summary": "时间 / datetime", "value": "2026-11-02T08:00:00+08:00"},
                "date": {"summary": "日期 / date", "value": "2026-11-02"},
            },
        }]
