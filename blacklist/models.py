"""Models of blacklist: credit-punishment listings (失信联合惩戒名单, MOHRSS Decree 45) with their
objections, timeline and pushes to the credit-information platform; the quarterly publication of
major labour-law violations (重大劳动保障违法行为社会公布, Decree 29); and the enterprises'
labour-compliance ratings (守法诚信等级 A/B/C).

State changes are made by blacklist.services only; the models hold the state and the date
arithmetic's results (stored, so lists and the public page can filter on them)."""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagecase.core.choices import CreditRating, Industry
from wagecase.core.models import BaseModel, ChangeLoggedModel, ChangeLoggedQuerySet
from wagecase.core.models.base import day_text
from wagecase.core.validators import validate_id_number, validate_uscc

from .choices import (
    Basis, BatchStatus, ExportAction, ListingEventType, ListingStatus, ObjectionOutcome, PersonRole, PublicationReason,
    RemovalReason, SubjectType,
)

TEXT_MAX = 2000
# Decree 45 art. 12/14: the term on the list, and the wait before early removal (credit repair).
TERM_YEARS = 3
REPAIR_MONTHS = 6
# Art. 8: the party may object within 5 working days of the advance notice.
OBJECTION_WORKING_DAYS = 5


def add_years(day, years):
    """The same day `years` later; 29 February → 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day, months):
    """The same day `months` later, or the month's last day when it has none (31 Aug + 6 → 28/29 Feb)."""
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _today():
    return timezone.localdate()


def _now():
    # Looked up at call time, so a patched clock (the demo seeder's past dates) applies.
    return timezone.now()


class ListingQuerySet(ChangeLoggedQuerySet):
    def in_force(self, today=None):
        """Listed and not yet expired: what the public list shows and what has effects."""
        today = today or _today()
        return self.filter(status=ListingStatus.LISTED, expires_on__gt=today)

    def current(self):
        return self.filter(status__in=(ListingStatus.NOTIFIED, ListingStatus.LISTED))


class Listing(ChangeLoggedModel):
    """One subject (the enterprise, its legal representative, or a directly responsible person)
    proposed for the list of serious wage-arrears violators on the basis of one arrears case."""

    case = models.ForeignKey("complaints.ArrearsCase", verbose_name=_("arrears case"), on_delete=models.PROTECT,
                             related_name="listings")
    region = models.ForeignKey("core.Region", verbose_name=_("deciding office (county)"), on_delete=models.PROTECT,
                               related_name="+")
    industry = models.CharField(_("industry"), max_length=12, choices=Industry.choices, blank=True, db_index=True)
    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="listings")
    subject_type = models.CharField(_("subject"), max_length=12, choices=SubjectType.choices)
    person_role = models.CharField(_("person's role"), max_length=24, choices=PersonRole.choices, blank=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, validators=[validate_uscc],
                            db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, validators=[validate_id_number])
    basis = models.CharField(_("basis"), max_length=12, choices=Basis.choices)
    incident = models.ForeignKey("complaints.Incident", verbose_name=_("incident"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    facts = models.TextField(_("facts"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    status = models.CharField(_("status"), max_length=12, choices=ListingStatus.choices, default=ListingStatus.NOTIFIED,
                              db_index=True)
    # Advance notice (告知书) and the objection period.
    notice_number = models.CharField(_("notice number"), max_length=60, unique=True)
    notified_on = models.DateField(_("notice served on"))
    objection_due = models.DateField(_("objections until"))
    # Decision and publication.
    listed_on = models.DateField(_("listed on"), null=True, blank=True, db_index=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    # End.
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.CharField(_("removal reason"), max_length=20, choices=RemovalReason.choices, blank=True)
    pledge = models.TextField(_("written credit pledge"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = ListingQuerySet.as_manager()

    scope_region_field = "region__code"
    scope_industry_field = "industry"
    pii_fields = ("id_number",)

    class Meta:
        ordering = ["-notified_on", "-pk"]
        verbose_name = _("credit-punishment listing")
        verbose_name_plural = _("credit-punishment listings")
        indexes = [models.Index(fields=["status", "expires_on"], name="listing_status_expiry_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(subject_type=SubjectType.ENTERPRISE) & ~Q(uscc="") & Q(id_number=""))
                | (Q(subject_type=SubjectType.PERSON) & ~Q(id_number="") & Q(uscc="")),
                name="listing_subject_identified",
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.notice_number}"

    def get_absolute_url(self):
        return reverse("blacklist:listing_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.subject_type == SubjectType.PERSON and not self.person_role:
            raise ValidationError({"person_role": _("Say whether the person is the legal representative or a directly "
                                                    "responsible person.")})

    @property
    def in_force(self):
        return self.status == ListingStatus.LISTED and self.expires_on is not None and self.expires_on > _today()

    @property
    def is_person(self):
        return self.subject_type == SubjectType.PERSON

    def objection_open(self, today=None):
        return self.status == ListingStatus.NOTIFIED and (today or _today()) <= self.objection_due

    def repair_possible_from(self):
        """The first day of early removal: 6 months after the case was cleared (None while open)."""
        if not self.case.cleared_on:
            return None
        return add_months(self.case.cleared_on, REPAIR_MONTHS)


class Objection(ChangeLoggedModel):
    """An objection (陈述申辩) to the advance notice, and its review."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField(_("received on"))
    text = models.TextField(_("objection"), validators=[MaxLengthValidator(TEXT_MAX)])
    outcome = models.CharField(_("review outcome"), max_length=10, choices=ObjectionOutcome.choices,
                               default=ObjectionOutcome.PENDING)
    review = models.TextField(_("review"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    scope_region_field = "listing__region__code"
    scope_industry_field = "listing__industry"

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def changelog_parent(self):
        return (Listing, self.listing_id)

    def __str__(self):
        return f"{day_text(self.received_on)} · {self.get_outcome_display()}"


class ListingEvent(BaseModel):
    """One entry of a listing's timeline."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("event"), max_length=20, choices=ListingEventType.choices)
    created = models.DateTimeField(_("time"), default=_now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    job = models.CharField(_("by job"), max_length=60, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    parameters = models.JSONField(_("details"), default=dict, blank=True)

    scope_region_field = "listing__region__code"
    scope_industry_field = "listing__industry"

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("listing event")
        verbose_name_plural = _("listing events")


class CreditExport(BaseModel):
    """One push to the credit-information platform (信用信息共享平台): the listings decided,
    removed or expired since the office's previous push, as a structured JSON file."""

    region = models.ForeignKey("core.Region", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to="credit_exports/%Y/")
    entry_count = models.PositiveIntegerField(_("entries"), default=0)

    scope_region_field = "region__code"

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("credit-platform export")
        verbose_name_plural = _("credit-platform exports")

    def __str__(self):
        return f"{self.region_id} · {timezone.localtime(self.created):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("blacklist:export_detail", args=[self.pk])


class CreditExportEntry(BaseModel):
    export = models.ForeignKey(CreditExport, on_delete=models.CASCADE, related_name="entries")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="exports")
    action = models.CharField(_("action"), max_length=10, choices=ExportAction.choices)

    scope_region_field = "export__region__code"

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["listing", "action"], name="credit_export_once_per_action")]


# --- Major-violation publication (Decree 29) ------------------------------------------------------

class PublicationBatch(ChangeLoggedModel):
    """The quarterly publication of major labour-law violations by a county or city office."""

    region = models.ForeignKey("core.Region", verbose_name=_("publishing office"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)])
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.DRAFT,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True, db_index=True)

    scope_region_field = "region__code"

    class Meta:
        ordering = ["-year", "-quarter", "region"]
        verbose_name = _("major-violation publication")
        verbose_name_plural = _("major-violation publications")
        constraints = [models.UniqueConstraint(fields=["region", "year", "quarter"], name="publication_batch_unique")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("blacklist:batch_detail", args=[self.pk])

    @property
    def period_start(self):
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def period_end(self):
        return add_months(self.period_start, 3) - datetime.timedelta(days=1)


class PublicationEntry(ChangeLoggedModel):
    """One violation in a batch, with the content Decree 29 requires, frozen when it is added."""

    batch = models.ForeignKey(PublicationBatch, on_delete=models.CASCADE, related_name="entries")
    case = models.ForeignKey("complaints.ArrearsCase", verbose_name=_("arrears case"), on_delete=models.PROTECT,
                             related_name="publications")
    reason = models.CharField(_("reason"), max_length=16, choices=PublicationReason.choices)
    enterprise_name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    address = models.CharField(_("address"), max_length=300, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    facts = models.TextField(_("facts of the violation"), validators=[MaxLengthValidator(TEXT_MAX)])
    handling = models.TextField(_("handling"), validators=[MaxLengthValidator(TEXT_MAX)])

    scope_region_field = "batch__region__code"
    scope_industry_field = "case__industry"

    class Meta:
        ordering = ["batch", "pk"]
        verbose_name = _("publication entry")
        verbose_name_plural = _("publication entries")
        constraints = [models.UniqueConstraint(fields=["case"], name="publication_once_per_case")]

    def __str__(self):
        return self.enterprise_name

    def changelog_parent(self):
        return (PublicationBatch, self.batch_id)


# --- Labour-compliance rating ---------------------------------------------------------------------

class EnterpriseRating(ChangeLoggedModel):
    """An enterprise's labour-compliance rating as computed from its record (with the reasons), and
    the office head's adjustment, if any, with its recorded reason. The rating in force is copied to
    Enterprise.credit_rating."""

    enterprise = models.OneToOneField("core.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                      related_name="rating")
    computed = models.CharField(_("computed rating"), max_length=1, choices=CreditRating.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    computed_on = models.DateField(_("computed on"))
    adjusted = models.CharField(_("adjusted rating"), max_length=1, choices=CreditRating.choices, blank=True)
    adjustment_reason = models.TextField(_("reason for the adjustment"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    adjusted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("adjusted by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    adjusted_on = models.DateField(_("adjusted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("labour-compliance rating")
        verbose_name_plural = _("labour-compliance ratings")

    def __str__(self):
        return f"{self.enterprise} · {self.rating}"

    @property
    def rating(self):
        return self.adjusted or self.computed

    @classmethod
    def scope_filter(cls, user, action="view"):
        from wagecase.core.models import Enterprise

        condition = Enterprise.scope_filter(user, action)
        if condition is None:
            return None
        return Q(enterprise__in=Enterprise.objects.filter(condition).values("pk"))

    def changelog_parent(self):
        from wagecase.core.models import Enterprise

        return (Enterprise, self.enterprise_id)
