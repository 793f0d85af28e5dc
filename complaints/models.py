"""Models of complaints: wage-arrears clues (欠薪线索) from intake to closure, their timeline of
events, their per-county yearly numbering and the duplicate candidates found at intake.

State changes are made by complaints.services only; the models hold the state checks
(`can_accept()`…) and the deadline arithmetic's results (stored, so lists can filter on them)."""
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagecase.core.choices import Industry
from wagecase.core.models import BaseModel, ChangeLoggedModel, ChangeLoggedQuerySet
from wagecase.core.models.base import day_text
from wagecase.core.money import yuan
from wagecase.core.validators import validate_id_number, validate_phone, validate_uscc

from .choices import (
    OPEN_STATUSES, CaseEventType, CaseStatus, Channel, ClueCategory, ClueEventType, ClueStatus, DeadlineState,
    IncidentKind, PaymentSource, ReferralStatus, SupervisionLevel, TransferOutcome,
)

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}

# Field limits: the public form, the staff form and the API reject the same things.
DESCRIPTION_MAX = 2000
TEXT_MAX = 1000


class ClueQuerySet(ChangeLoggedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def counted(self):
        """Clues that count in figures: a duplicate merged into another counts once, there."""
        return self.filter(merged_into__isnull=True)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_on__lt=today)

    def in_warning(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(warn_on__lte=today, due_on__gte=today)

    def not_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.exclude(pk__in=self.overdue(today).values("pk"))


class Clue(ChangeLoggedModel):
    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, db_index=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    # No index of its own (nor Django's second, varchar_pattern_ops one): clue_region_status_idx serves
    # `region_id = …`, clue_region_received_idx the scope's `region_id LIKE '<prefix>%'`.
    region = models.ForeignKey("core.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="clues",
                               db_index=False)
    complainant_name = models.CharField(_("complainant"), max_length=50)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=20, validators=[validate_phone], db_index=True)
    complainant_id_number = models.CharField(
        _("complainant's ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), null=True, blank=True, on_delete=models.PROTECT, related_name="clues"
    )
    employer_name = models.CharField(_("employer"), max_length=200, db_index=True)
    employer_uscc = models.CharField(_("employer's USCC"), max_length=18, blank=True, validators=[validate_uscc], db_index=True)
    employer = models.ForeignKey(
        "core.Enterprise", verbose_name=_("employer (registered)"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="clues",
    )
    workers_involved = models.PositiveIntegerField(_("workers involved"), validators=[MinValueValidator(1)])
    amount_claimed = models.DecimalField(_("amount claimed"), **MONEY)
    description = models.TextField(_("description"), validators=[MaxLengthValidator(DESCRIPTION_MAX)])
    industry = models.CharField(_("industry"), max_length=12, choices=Industry.choices, blank=True, db_index=True)

    status = models.CharField(_("status"), max_length=12, choices=ClueStatus.choices, default=ClueStatus.RECEIVED, db_index=True)
    category = models.CharField(_("category"), max_length=16, choices=ClueCategory.choices, null=True, blank=True, db_index=True)

    # First-responsible officer (首问负责制): who received it, and who owns it now.
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible officer"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="owned_clues",
    )

    # Deadlines on the working-day calendar (complaints.deadlines).
    accept_due = models.DateField(_("accept by"))
    accept_warn_on = models.DateField(_("acceptance warning from"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    resolve_due = models.DateField(_("resolve by"), null=True, blank=True)
    resolve_warn_on = models.DateField(_("handling warning from"), null=True, blank=True)
    extension_requested_at = models.DateTimeField(_("extension requested at"), null=True, blank=True)
    extension_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("extension requested by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    extension_reason = models.CharField(_("reason for the extension"), max_length=TEXT_MAX, blank=True)
    extended_at = models.DateTimeField(_("extension approved at"), null=True, blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("extension approved by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # The deadline running now and the day its warning period starts: what lists filter on.
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    warn_on = models.DateField(_("warning from"), null=True, blank=True)

    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for not accepting"), max_length=TEXT_MAX, blank=True)

    transferred_to = models.ForeignKey(
        "core.Department", verbose_name=_("transferred to"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="transferred_clues",
    )
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    transfer_reason = models.CharField(_("reason for the transfer"), max_length=TEXT_MAX, blank=True)
    transfer_due = models.DateField(_("department to reply by"), null=True, blank=True)
    transfer_replied_at = models.DateTimeField(_("department replied at"), null=True, blank=True)
    transfer_outcome = models.CharField(_("department's outcome"), max_length=10, choices=TransferOutcome.choices, blank=True)
    transfer_reply = models.CharField(_("department's reply"), max_length=TEXT_MAX, blank=True)

    workers_paid = models.PositiveIntegerField(_("workers paid"), null=True, blank=True)
    amount_recovered = models.DecimalField(_("amount recovered"), null=True, blank=True, **MONEY)
    result = models.TextField(_("result"), blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX)])
    result_explanation = models.CharField(
        _("explanation of the figures"), max_length=TEXT_MAX, blank=True,
        help_text=_("Required when the figures of the result do not match the clue (e.g. more workers paid than involved)."),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    reply = models.TextField(_("reply to the complainant"), blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX)])
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    revisited_at = models.DateTimeField(_("revisited at"), null=True, blank=True)
    revisit_satisfied = models.BooleanField(_("complainant satisfied"), null=True, blank=True)
    revisit_note = models.CharField(_("revisit note"), max_length=TEXT_MAX, blank=True)

    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged_clues"
    )
    duplicates = models.ManyToManyField(
        "self", through="ClueDuplicate", through_fields=("clue", "candidate"), symmetrical=False, related_name="+",
        blank=True,
    )

    objects = ClueQuerySet.as_manager()

    scope_region_field = "region__code"
    scope_industry_field = "industry"
    pii_fields = ("complainant_phone", "complainant_id_number")
    # Stored derivations of the deadlines: their changes follow from the transitions logged anyway.
    changelog_exclude = ChangeLoggedModel.changelog_exclude + ("due_on", "warn_on", "accept_warn_on", "resolve_warn_on")

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("clue")
        verbose_name_plural = _("clues")
        indexes = [
            models.Index(fields=["region", "status"], name="clue_region_status_idx"),
            models.Index(fields=["status", "due_on"], name="clue_status_due_idx"),
            # The overdue list, its count and its page of ids (issue 10; see migration 0004).
            models.Index(fields=["region", "due_on"], include=["received_at", "id"], name="clue_open_region_due_idx",
                         opclasses=["varchar_pattern_ops", "date_ops"], condition=Q(status__in=OPEN_STATUSES)),
            # The dashboard's clue figures of a region over a period (by week, channel and status; the
            # totals): read from the index alone, not from the ~40,000 clue rows of a city scattered over
            # ~19,000 pages (see migration 0005).
            models.Index(fields=["region", "received_at"], name="clue_region_received_idx",
                         include=["id", "channel", "status", "merged_into", "workers_paid", "amount_recovered"],
                         opclasses=["varchar_pattern_ops", "timestamptz_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ClueStatus.CLOSED) | Q(closed_at__isnull=False), name="clue_closed_has_time"
            ),
            models.CheckConstraint(condition=Q(workers_involved__gte=1), name="clue_workers_involved_positive"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("complaints:clue_detail", args=[self.number])

    def clean(self):
        super().clean()
        errors = {}
        if self.region_id and len(self.region_id) != 6:
            errors["region"] = _("A clue is handled by a county: give its 6-digit code.")
        if self.received_at and self.received_at > timezone.now() + datetime.timedelta(minutes=5):
            errors["received_at"] = _("The time of receipt cannot be in the future.")
        if self.project_id and self.region_id and self.project.region_id != self.region_id:
            errors["project"] = _("The project lies in another county than the clue's.")
        if errors:
            raise ValidationError(errors)

    # --- State checks (the services call these; a False is a 409) --------------------------------

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def can_accept(self):
        return self.status == ClueStatus.RECEIVED

    can_reject = can_accept

    def can_classify(self):
        return self.status == ClueStatus.ACCEPTED

    def can_transfer(self):
        return self.status in (ClueStatus.ACCEPTED, ClueStatus.IN_PROGRESS)

    def can_reply_transfer(self):
        return self.status == ClueStatus.TRANSFERRED

    def can_resolve(self):
        return self.status == ClueStatus.IN_PROGRESS

    def can_close(self):
        return self.status == ClueStatus.RESOLVED

    def can_revisit(self):
        return self.status in (ClueStatus.RESOLVED, ClueStatus.CLOSED) and self.merged_into_id is None

    def can_extend(self):
        return self.status in (ClueStatus.ACCEPTED, ClueStatus.IN_PROGRESS, ClueStatus.TRANSFERRED) and self.extended_at is None

    def can_hand_over(self):
        return self.is_open

    def can_merge(self):
        return self.is_open and self.merged_into_id is None

    # --- Deadlines ---------------------------------------------------------------------------

    def deadline_state(self, today=None):
        if not self.is_open or self.due_on is None:
            return DeadlineState.NONE
        today = today or timezone.localdate()
        if today > self.due_on:
            return DeadlineState.OVERDUE
        if self.warn_on and today >= self.warn_on:
            return DeadlineState.WARNING
        return DeadlineState.NORMAL

    @property
    def overdue(self):
        return self.deadline_state() == DeadlineState.OVERDUE

    @property
    def accepted_on_time(self):
        decided = self.accepted_at or (self.closed_at if self.category == ClueCategory.NOT_ACCEPTED else None)
        return decided is not None and timezone.localtime(decided).date() <= self.accept_due

    @property
    def received_on(self):
        return timezone.localtime(self.received_at).date()


class ClueSequence(models.Model):
    """The last number given per county and year: clue numbers `620502-2026-000123`."""

    region_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region_code", "year"], name="clue_sequence_unique")]


def _now():
    # Looked up at call time, so a patched clock (the demo seeder's past dates) applies.
    return timezone.now()


class ClueEvent(BaseModel):
    """One entry of a clue's timeline: a transition, hand-over, extension, revisit or reminder."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("event"), max_length=20, choices=ClueEventType.choices)
    created = models.DateTimeField(_("time"), default=_now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    parameters = models.JSONField(_("details"), default=dict, blank=True)

    scope_region_field = "clue__region__code"
    scope_industry_field = "clue__industry"

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("clue event")
        verbose_name_plural = _("clue events")

    def __str__(self):
        return f"{self.clue_id} {self.type}"


class ClueDuplicate(BaseModel):
    """An earlier clue found at intake that may be about the same arrears, with the reasons."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="duplicate_links")
    candidate = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(_("reasons"), default=list)

    scope_region_field = "clue__region__code"
    scope_industry_field = "clue__industry"

    class Meta:
        ordering = ["clue", "-candidate__received_at"]
        constraints = [models.UniqueConstraint(fields=["clue", "candidate"], name="clue_duplicate_unique")]


# --- Arrears cases (欠薪案件/问题台账, DOMAIN.md §6) --------------------------------------------------

KEY_MONITORING_AMOUNT = Decimal("1000000")
KEY_MONITORING_WORKERS = 30


def zero_clearance_due(occurred_on, government_type):
    """两清零: government/SOE/PPP arrears by 31 December of their year; all others by the day before the
    first lunar New Year's Eve after the case's date (lunar calendar from lunardate, not a table)."""
    from wagecase.core.workdays import next_new_years_eve

    if government_type:
        return datetime.date(occurred_on.year, 12, 31)
    return next_new_years_eve(occurred_on + datetime.timedelta(days=1)) - datetime.timedelta(days=1)


class ArrearsCaseQuerySet(ChangeLoggedQuerySet):
    def open(self):
        return self.filter(status=CaseStatus.OPEN)


class ArrearsCase(ChangeLoggedModel):
    """One arrears problem of an enterprise (on a project), kept until nothing is outstanding
    (不解决不销账), with its five haves (五个有) and supervision."""

    region = models.ForeignKey("core.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="arrears_cases")
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="arrears_cases")
    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("enterprise in arrears"), on_delete=models.PROTECT,
                                   related_name="arrears_cases")
    industry = models.CharField(_("industry"), max_length=12, choices=Industry.choices, blank=True, db_index=True)
    source_clue = models.OneToOneField(Clue, verbose_name=_("source clue"), null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="arrears_case")
    source_inspection = models.ForeignKey("inspections.Inspection", verbose_name=_("source inspection"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="arrears_cases")
    occurred_on = models.DateField(_("arrears occurred on"), db_index=True)
    workers_owed = models.PositiveIntegerField(_("workers owed"), validators=[MinValueValidator(1)])
    amount_owed = models.DecimalField(_("amount owed"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    description = models.TextField(pgettext_lazy("arrears case", "facts"), blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX)])
    # The five haves (五个有): all required.
    responsible_unit = models.CharField(_("responsible unit"), max_length=200)
    responsible_leader = models.CharField(_("responsible leader"), max_length=50)
    responsible_person = models.CharField(_("responsible person"), max_length=50)
    measures = models.TextField(_("measures"), validators=[MaxLengthValidator(DESCRIPTION_MAX)])
    deadline = models.DateField(_("completion deadline"))
    supervision_level = models.CharField(_("supervision"), max_length=10, choices=SupervisionLevel.choices,
                                         default=SupervisionLevel.NONE, db_index=True)
    leader_in_charge = models.CharField(_("leader in charge (包案领导)"), max_length=50, blank=True)
    # Stored derivations, kept by the services: lists and figures filter on them.
    government_type = models.BooleanField(_("government-investment, SOE or PPP project"), default=False, db_index=True)
    zero_clearance_due = models.DateField(_("clear to zero by"), db_index=True)
    amount_paid = models.DecimalField(pgettext_lazy("arrears case", "amount paid"), max_digits=14, decimal_places=2, default=Decimal("0"))
    workers_paid = models.PositiveIntegerField(_("workers paid"), default=0)
    key_monitoring = models.BooleanField(_("key monitoring"), default=False, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True)
    cleared_on = models.DateField(pgettext_lazy("arrears case", "cleared on"), null=True, blank=True)
    # The written order to pay (限期支付指令) and, when ignored, the extra compensation (50–100 %).
    order_issued_on = models.DateField(_("order to pay issued on"), null=True, blank=True)
    order_pay_by = models.DateField(_("pay by"), null=True, blank=True)
    compensation_percent = models.PositiveSmallIntegerField(_("extra compensation (%)"), null=True, blank=True)
    compensation_ordered_on = models.DateField(_("extra compensation ordered on"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    objects = ArrearsCaseQuerySet.as_manager()

    scope_region_field = "region__code"
    scope_industry_field = "industry"

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("arrears case")
        verbose_name_plural = _("arrears cases")
        indexes = [models.Index(fields=["region", "status"], name="case_region_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_paid__lte=F("amount_owed")), name="case_paid_within_owed"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {yuan(self.amount_owed)}"

    def get_absolute_url(self):
        return reverse("complaints:arrearscase_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        today = timezone.localdate()
        if self.region_id and len(self.region_id) != 6:
            errors["region"] = _("A case is handled by a county: give its 6-digit code.")
        if self.occurred_on and self.occurred_on > today:
            errors["occurred_on"] = _("The date cannot be in the future.")
        if self.project_id and self.region_id and self.project.region_id != self.region_id:
            errors["project"] = _("The project lies in another county than the case's.")
        if self.source_inspection_id and self.source_inspection.project_id != self.project_id:
            errors["source_inspection"] = _("The inspection is of another project than the case's.")
        if self.deadline and self.occurred_on and self.deadline < self.occurred_on:
            errors["deadline"] = _("The completion deadline is before the arrears occurred.")
        for field in ("responsible_unit", "responsible_leader", "responsible_person", "measures"):
            if not (getattr(self, field) or "").strip():
                errors[field] = _("The five haves are all required.")
        if self.order_pay_by and self.order_issued_on and self.order_pay_by < self.order_issued_on:
            errors["order_pay_by"] = _("The payment deadline is before the order.")
        if self.compensation_percent is not None and not 50 <= self.compensation_percent <= 100:
            errors["compensation_percent"] = _("Extra compensation lies between 50 % and 100 %.")
        if errors:
            raise ValidationError(errors)

    @property
    def amount_outstanding(self):
        return (self.amount_owed or Decimal("0")) - (self.amount_paid or Decimal("0"))

    def paid_by(self, day):
        return sum((p.amount for p in self.payments.all() if p.paid_on <= day), Decimal("0"))

    def order_ignored(self, today=None):
        """The pay-by day has passed and what was paid by then is less than the amount owed."""
        today = today or timezone.localdate()
        if not self.order_pay_by or today <= self.order_pay_by:
            return False
        return self.paid_by(self.order_pay_by) < self.amount_owed

    def criminal_threshold_met(self):
        from wagecase.core.policy import get_policy

        total = Decimal(get_policy("criminal_threshold_total", self.region_id))
        per_worker = Decimal(get_policy("criminal_threshold_per_worker", self.region_id))
        if self.amount_owed >= total and self.workers_owed >= 10:
            return True
        return self.workers_owed > 0 and self.amount_owed / self.workers_owed >= per_worker

    def days_left(self, as_of=None):
        as_of = as_of or timezone.localdate()
        return (self.zero_clearance_due - as_of).days

    def refresh_derived(self):
        self.government_type = bool(self.project_id and self.project.is_government_type) if self.project_id else self.government_type
        self.zero_clearance_due = zero_clearance_due(self.occurred_on, self.government_type)
        self.key_monitoring = self.amount_owed >= KEY_MONITORING_AMOUNT or self.workers_owed >= KEY_MONITORING_WORKERS
        if self.project_id:
            self.industry = self.project.industry


class CaseScoped(ChangeLoggedModel):
    scope_region_field = "case__region__code"
    scope_industry_field = "case__industry"

    class Meta:
        abstract = True

    def changelog_parent(self):
        return (ArrearsCase, self.case_id)


class CaseWorker(CaseScoped):
    """Optional per-worker breakdown, linked to the roster when the project has one."""

    case = models.ForeignKey(ArrearsCase, on_delete=models.CASCADE, related_name="workers")
    worker = models.ForeignKey("projects.Worker", verbose_name=_("worker"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, validators=[validate_id_number])
    amount_owed = models.DecimalField(_("amount owed"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    amount_paid = models.DecimalField(pgettext_lazy("arrears case", "amount paid"), max_digits=12, decimal_places=2, default=Decimal("0"))

    pii_fields = ("id_number",)

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("worker owed")
        verbose_name_plural = pgettext_lazy("per-worker rows", "workers owed")

    def __str__(self):
        return f"{self.name} · {yuan(self.amount_owed)}"


class CasePayment(CaseScoped):
    case = models.ForeignKey(ArrearsCase, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    workers = models.PositiveIntegerField(_("workers paid"), default=0)
    paid_on = models.DateField(_("paid on"))
    source = models.CharField(_("source"), max_length=16, choices=PaymentSource.choices)
    drawdown = models.OneToOneField("projects.DepositDrawdown", null=True, blank=True, on_delete=models.PROTECT, related_name="case_payment")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case", "paid_on", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{day_text(self.paid_on)} · {yuan(self.amount)}"


class CriminalReferral(CaseScoped):
    """行刑衔接: referral to the police for refusing to pay wages (Criminal Law art. 276-1)."""

    case = models.OneToOneField(ArrearsCase, on_delete=models.PROTECT, related_name="referral")
    referred_on = models.DateField(_("referred on"))
    police_unit = models.CharField(_("police unit"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED)
    outcome = models.TextField(_("outcome"), blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX)])

    class Meta:
        verbose_name = _("criminal referral")
        verbose_name_plural = _("criminal referrals")

    def __str__(self):
        return f"{self.police_unit} · {day_text(self.referred_on)}"


class CaseEvent(BaseModel):
    """One entry of a case's timeline."""

    case = models.ForeignKey(ArrearsCase, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("event"), max_length=20, choices=CaseEventType.choices)
    created = models.DateTimeField(_("time"), default=_now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    parameters = models.JSONField(_("details"), default=dict, blank=True)

    scope_region_field = "case__region__code"
    scope_industry_field = "case__industry"

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")


# --- Emergency incidents (突发事件, DOMAIN.md §8) ---------------------------------------------------

class Incident(ChangeLoggedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices)
    serious = models.BooleanField(_("serious"), default=False)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    reported_at = models.DateTimeField(_("reported at"))
    region = models.ForeignKey("core.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="incidents")
    place = models.CharField(_("place"), max_length=200, blank=True)
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="incidents")
    case = models.ForeignKey(ArrearsCase, verbose_name=_("arrears case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="incidents")
    industry = models.CharField(_("industry"), max_length=12, choices=Industry.choices, blank=True, db_index=True)
    people_involved = models.PositiveIntegerField(_("people involved"), validators=[MinValueValidator(1)])
    damage = models.CharField(_("injuries and damage"), max_length=TEXT_MAX, blank=True)
    cause = models.TextField(_("cause"), blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX)])
    description = models.TextField(_("description"), validators=[MaxLengthValidator(DESCRIPTION_MAX)])
    measures = models.TextField(_("measures taken"), blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX)])
    public_reaction = models.CharField(_("public and media reaction"), max_length=TEXT_MAX, blank=True)
    closing_report = models.TextField(_("closing report"), blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX)])
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    scope_region_field = "region__code"
    scope_industry_field = "industry"

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("emergency incident")
        verbose_name_plural = _("emergency incidents")

    def __str__(self):
        return f"{self.get_kind_display()} · {timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("complaints:incident_detail", args=[self.pk])

    @property
    def report_limit_minutes(self):
        return 5 if self.serious else 10

    @property
    def report_late(self):
        return (self.reported_at - self.occurred_at) > datetime.timedelta(minutes=self.report_limit_minutes)

    def clean(self):
        super().clean()
        errors = {}
        now = timezone.now() + datetime.timedelta(minutes=5)
        if self.occurred_at and self.occurred_at > now:
            errors["occurred_at"] = _("The time cannot be in the future.")
        if self.reported_at and self.reported_at > now:
            errors["reported_at"] = _("The time cannot be in the future.")
        if self.occurred_at and self.reported_at and self.reported_at < self.occurred_at:
            errors["reported_at"] = _("The report cannot come before the incident.")
        if self.region_id and len(self.region_id) != 6:
            errors["region"] = _("An incident is handled by a county: give its 6-digit code.")
        if self.project_id and self.region_id and self.project.region_id != self.region_id:
            errors["project"] = _("The project lies in another county than the incident's.")
        if self.case_id and self.region_id and self.case.region_id != self.region_id:
            errors["case"] = _("The case lies in another county than the incident's.")
        if self.closed_at and not (self.closing_report or "").strip():
            errors["closing_report"] = _("A closed incident needs its closing report.")
        if errors:
            raise ValidationError(errors)
