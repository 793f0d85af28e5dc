"""Tables (django-tables2) of the shared core, and the base table and columns other apps reuse.

Columns never follow a relation that the view's queryset does not select_related, and personal
data is always shown masked (PiiColumn)."""
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .choices import JobStatus
from .models import Department, Enterprise, Job, PiiAccessLog, PolicyValue, Region, User
from .pii import mask, pii_kind

JOB_STATUS_CLASSES = {
    JobStatus.PENDING: "secondary",
    JobStatus.RUNNING: "primary",
    JobStatus.DONE: "success",
    JobStatus.FAILED: "danger",
}


def cache_cell_signatures():
    """Make django-tables2 look up each render function's parameters once, not once per cell.

    Every cell's render_<column>() / Column.render() is called through
    django_tables2.utils.call_with_appropriate, which runs inspect.signature() on it to pass only the
    arguments it takes: 650 times for a page of 50 rows and 13 columns, ~15% of the page's rendering
    (issue 10). The parameters of a function never change, so the answer is kept per function (a
    bound method by its function: the same parameters for every table and column instance). Closures
    and other callables are left to the library (a closure made per request must not be kept alive).
    Installed by CoreConfig.ready()."""
    import inspect

    from django_tables2 import utils

    original = getattr(utils.signature, "__wrapped__", utils.signature)
    cache = {}

    def signature(fn):
        function = getattr(fn, "__func__", None) if inspect.ismethod(fn) else fn
        if not inspect.isfunction(function) or function.__closure__ is not None:
            return original(fn)
        key = (function, inspect.ismethod(fn))
        found = cache.get(key)
        if found is None:
            found = cache[key] = original(fn)
        return found

    signature.__wrapped__ = original
    utils.signature = signature


class BaseTable(tables.Table):
    class Meta:
        template_name = "inc/table.html"
        attrs = {"class": "table table-sm table-hover table-striped align-middle mb-0 wc-table"}
        empty_text = _("No records match.")


class PiiColumn(tables.Column):
    """Personal data, masked (ID 620502********123X, phone 138****5678). The full value is only
    ever shown on the record's page, through the logged reveal view."""

    def render(self, value, bound_column):
        return format_html('<span class="font-monospace">{}</span>', mask(pii_kind(bound_column.name), value))

    def value(self, value, bound_column):
        return mask(pii_kind(bound_column.name), value)


class RegionNameColumn(tables.Column):
    """A region shown by its short name, with the full name as a tooltip."""

    def render(self, value):
        return format_html('<span title="{}">{}</span>', value.full_name or value.name, value.name)


class RegionTable(BaseTable):
    code = tables.Column(linkify=True, attrs={"td": {"class": "font-monospace"}})
    name = tables.Column(linkify=True)
    level = tables.Column()
    parent = RegionNameColumn()
    full_name = tables.Column()

    class Meta(BaseTable.Meta):
        model = Region
        fields = ("code", "name", "level", "parent", "full_name")


NOWRAP = {"td": {"class": "text-nowrap"}}


class EnterpriseTable(BaseTable):
    name = tables.Column(linkify=True, attrs={"td": {"class": "wc-col-name"}})
    uscc = tables.Column(attrs={"td": {"class": "font-monospace text-nowrap"}})
    region = RegionNameColumn(attrs=NOWRAP)
    legal_representative = tables.Column(attrs=NOWRAP)
    legal_representative_id_number = PiiColumn(attrs=NOWRAP)
    contact_phone = PiiColumn(attrs=NOWRAP)
    roles = tables.Column(accessor="get_roles_display", orderable=False, verbose_name=_("Roles"), attrs={"td": {"class": "wc-col-roles"}})
    credit_rating = tables.Column(attrs={"th": {"class": "wc-th-wrap"}, "td": {"class": "text-center"}})

    class Meta(BaseTable.Meta):
        model = Enterprise
        fields = (
            "name", "uscc", "region", "legal_representative", "legal_representative_id_number", "contact_phone", "roles",
            "credit_rating",
        )

    def render_credit_rating(self, value, record):
        css = {"A": "success", "B": "warning", "C": "danger"}.get(record.credit_rating, "secondary")
        return format_html('<span class="badge text-bg-{}">{}</span>', css, record.credit_rating)


class DepartmentTable(BaseTable):
    name = tables.Column(linkify=True)
    kind = tables.Column()
    region = RegionNameColumn(attrs=NOWRAP)
    phone = tables.Column(attrs=NOWRAP)
    address = tables.Column()

    class Meta(BaseTable.Meta):
        model = Department
        fields = ("name", "kind", "region", "phone", "address")


class UserTable(BaseTable):
    username = tables.Column(linkify=True)
    full_name = tables.Column()
    role = tables.Column()
    department = tables.Column()
    jurisdiction = RegionNameColumn()
    is_active = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = User
        fields = ("username", "full_name", "role", "department", "jurisdiction", "is_active")


class PolicyValueTable(BaseTable):
    key = tables.Column(verbose_name=_("Policy"), linkify=lambda record: reverse("core:policyvalue_detail", args=[record.pk]))
    region = RegionNameColumn(default=_("National"))
    value = tables.Column(attrs={"td": {"class": "text-end font-monospace"}})
    unit = tables.Column(verbose_name=_("Unit"), accessor="key", orderable=False)
    basis = tables.Column()
    last_updated = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = PolicyValue
        fields = ("key", "region", "value", "unit", "basis", "last_updated")

    def render_key(self, record):
        return record.definition.label if record.definition else record.key

    def render_value(self, value):
        # 3000000.00 → 3000000, 2.50 → 2.5
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    def render_unit(self, record):
        return record.definition.unit if record.definition else ""


class JobTable(BaseTable):
    title = tables.Column(linkify=True)
    kind = tables.Column()
    status = tables.Column()
    progress = tables.Column(verbose_name=_("Progress"), accessor="done", orderable=False)
    created = tables.DateTimeColumn(format="Y-m-d H:i:s")
    finished = tables.DateTimeColumn(format="Y-m-d H:i:s")

    class Meta(BaseTable.Meta):
        model = Job
        fields = ("title", "kind", "status", "progress", "created", "finished")

    def render_status(self, record):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', JOB_STATUS_CLASSES.get(record.status, "secondary"), record.get_status_display()
        )

    def render_progress(self, record):
        return f"{record.progress}%"


class PiiAccessLogTable(BaseTable):
    """Who saw which personal data unmasked: the record is named and linked (its objects are
    prefetched per type, one query each), the value itself is never shown here."""

    time = tables.DateTimeColumn(format="Y-m-d H:i:s")
    user = tables.Column(verbose_name=_("User"), order_by=("user__full_name",))
    object = tables.Column(verbose_name=_("Record"), orderable=False, empty_values=())
    field = tables.Column()
    channel = tables.Column()
    request_id = tables.Column()

    class Meta(BaseTable.Meta):
        model = PiiAccessLog
        fields = ("time", "user", "object", "field", "channel", "request_id")

    def render_user(self, record):
        user = record.user
        return format_html("{} <span class=\"text-body-secondary\">{}</span>", user.full_name or user.username,
                           user.jurisdiction.name if user.jurisdiction_id else "")

    def render_object(self, record):
        target = record.object
        label = f"{record.object_type.model_class()._meta.verbose_name if record.object_type.model_class() else record.object_type}"
        if target is None:
            return f"{label} #{record.object_id}"
        url = target.get_absolute_url() if hasattr(target, "get_absolute_url") else None
        text = f"{label}：{target}"
        return format_html('<a href="{}">{}</a>', url, text) if url else text

    def render_field(self, record):
        model = record.object_type.model_class()
        try:
            return model._meta.get_field(record.field).verbose_name if model else record.field
        except Exception:  # a field since renamed: its stored name
            return record.field

    def render_channel(self, value):
        return {"web": _("Web page"), "api": _("API"), "export": _("Export")}.get(value, value)
