"""Tables of blacklist's list pages: listings, ratings and credit-platform exports. Columns read
only what the views' querysets select_related, so a page costs a fixed number of queries; persons'
ID numbers are always masked here (the full value only on the listing's page, logged)."""
import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagecase.core.pii import mask_id_number
from wagecase.core.tables import NOWRAP, BaseTable, RegionNameColumn

from .choices import ListingStatus
from .models import CreditExport, EnterpriseRating, Listing

STATUS_CLASSES = {
    ListingStatus.NOTIFIED: "warning",
    ListingStatus.LISTED: "danger",
    ListingStatus.WITHDRAWN: "secondary",
    ListingStatus.REMOVED: "success",
    ListingStatus.EXPIRED: "secondary",
}
RATING_CLASSES = {"A": "success", "B": "warning", "C": "danger"}
MONO_NOWRAP = {"td": {"class": "font-monospace text-nowrap"}}


def listing_status_badge(listing, today=None):
    """The status; a listing past its term that the daily job has not yet expired reads as expired."""
    status = listing.status
    if status == ListingStatus.LISTED and listing.expires_on and listing.expires_on <= (today or timezone.localdate()):
        status = ListingStatus.EXPIRED
    return format_html('<span class="badge text-bg-{}" data-status="{}">{}</span>', STATUS_CLASSES.get(status, "secondary"),
                       status, ListingStatus(status).label)


def rating_badge(rating):
    if not rating:
        return format_html('<span class="text-body-secondary">{}</span>', "—")
    return format_html('<span class="badge text-bg-{}" data-rating="{}">{}</span>', RATING_CLASSES.get(rating, "secondary"),
                       rating, rating)


def listing_identifier(listing):
    """The USCC of an enterprise, the masked ID number of a person."""
    if listing.uscc:
        return listing.uscc
    return mask_id_number(listing.id_number)


class ListingTable(BaseTable):
    name = tables.Column(linkify=True, attrs={"td": {"class": "wc-col-name"}})
    identifier = tables.Column(verbose_name=gettext_lazy("USCC or ID number"), accessor="uscc", orderable=False,
                               empty_values=(), attrs=MONO_NOWRAP)
    subject_type = tables.Column(attrs=NOWRAP)
    enterprise = tables.Column(order_by=("enterprise__name",), attrs={"td": {"class": "wc-col-name"}})
    case = tables.Column(verbose_name=gettext_lazy("case"), accessor="case_id", attrs=MONO_NOWRAP,
                         linkify=lambda record: reverse("complaints:arrearscase_detail", args=[record.case_id]))
    region = RegionNameColumn(attrs=NOWRAP)
    status = tables.Column(attrs=NOWRAP)
    notified_on = tables.DateColumn(format="Y-m-d", attrs=MONO_NOWRAP)
    objection_due = tables.DateColumn(format="Y-m-d", attrs=MONO_NOWRAP)
    listed_on = tables.DateColumn(format="Y-m-d", attrs=MONO_NOWRAP)
    expires_on = tables.DateColumn(format="Y-m-d", attrs=MONO_NOWRAP)

    class Meta(BaseTable.Meta):
        model = Listing
        fields = ("name", "identifier", "subject_type", "enterprise", "case", "region", "status", "notified_on",
                  "objection_due", "listed_on", "expires_on")
        row_attrs = {"data-listing": lambda record: record.pk}

    def before_render(self, request):
        self.today = timezone.localdate()

    def render_identifier(self, record):
        return listing_identifier(record)

    def value_identifier(self, record):
        return listing_identifier(record)

    def render_subject_type(self, record):
        if record.person_role:
            return format_html('{}<div class="small text-body-secondary">{}</div>', record.get_subject_type_display(),
                               record.get_person_role_display())
        return record.get_subject_type_display()

    def render_enterprise(self, record):
        return format_html('{}<div class="font-monospace small text-body-secondary">{}</div>', record.enterprise.name,
                           record.enterprise.uscc)

    def value_enterprise(self, record):
        return record.enterprise.name

    def render_case(self, value):
        return f"#{value}"

    def render_status(self, record):
        return listing_status_badge(record, getattr(self, "today", None))


class EnterpriseRatingTable(BaseTable):
    enterprise = tables.Column(order_by=("enterprise__name",), attrs={"td": {"class": "wc-col-name"}},
                               linkify=lambda record: reverse("blacklist:rating_detail", args=[record.enterprise_id]))
    uscc = tables.Column(verbose_name=gettext_lazy("unified social credit code"), accessor="enterprise__uscc",
                         order_by=("enterprise__uscc",), attrs=MONO_NOWRAP)
    region = RegionNameColumn(verbose_name=gettext_lazy("region"), accessor="enterprise__region",
                              order_by=("enterprise__region_id",), attrs=NOWRAP)
    rating = tables.Column(verbose_name=gettext_lazy("rating in force"), accessor="computed", orderable=False,
                           empty_values=(), attrs={"td": {"class": "text-center"}})
    computed = tables.Column(attrs={"td": {"class": "text-center"}})
    adjusted = tables.Column(attrs={"td": {"class": "text-center"}}, empty_values=())
    reasons = tables.Column(orderable=False, attrs={"td": {"class": "small"}})
    computed_on = tables.DateColumn(format="Y-m-d", attrs=MONO_NOWRAP)

    class Meta(BaseTable.Meta):
        model = EnterpriseRating
        fields = ("enterprise", "uscc", "region", "rating", "computed", "adjusted", "reasons", "computed_on")
        row_attrs = {"data-rating": lambda record: record.rating, "data-enterprise": lambda record: record.enterprise_id}

    def render_enterprise(self, record):
        return record.enterprise.name

    def render_rating(self, record):
        return rating_badge(record.rating)

    def value_rating(self, record):
        return record.rating

    def render_computed(self, record):
        return rating_badge(record.computed)

    def render_adjusted(self, record):
        if not record.adjusted:
            return format_html('<span class="text-body-secondary">{}</span>', "—")
        return format_html('{} <span class="small text-body-secondary">{}</span>', rating_badge(record.adjusted),
                           record.adjusted_on.isoformat() if record.adjusted_on else "")

    def render_reasons(self, value):
        if not value:
            return "—"
        first = value[0]
        more = len(value) - 1
        if more:
            return format_html('{} <span class="text-body-secondary">{}</span>', first,
                               _("(+%(n)d more)") % {"n": more})
        return first


class CreditExportTable(BaseTable):
    created = tables.DateTimeColumn(format="Y-m-d H:i", linkify=True, attrs=MONO_NOWRAP)
    region = RegionNameColumn(attrs=NOWRAP)
    entry_count = tables.Column(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    created_by = tables.Column(attrs=NOWRAP)
    file = tables.Column(verbose_name=gettext_lazy("file"), orderable=False, empty_values=(), attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = CreditExport
        fields = ("created", "region", "entry_count", "created_by", "file")
        row_attrs = {"data-export": lambda record: record.pk}

    def render_file(self, record):
        return format_html('<a href="{}"><i class="bi bi-download"></i> {}</a>',
                           reverse("blacklist:export_download", args=[record.pk]), _("Download"))

    def value_file(self, record):
        return record.file.name
