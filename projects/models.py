"""Models of projects: the construction-project ledger and the five core systems (Regulation
arts. 23–34): dedicated account and allocations, real-name roster and attendance, contractor
payroll, wage deposit and drawdowns, rights notice board; plus early warnings."""
import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagecase.core.choices import Industry
from wagecase.core.models import BaseModel, ChangeLoggedModel
from wagecase.core.models.base import day_text, loaded_related, month_text
from wagecase.core.money import amount_text, yuan
from wagecase.core.validators import normalize_id_number, validate_id_number, validate_phone

from .choices import DepositForm, InvestmentType, NoticeItem, PaidVia, ProjectStatus, WarningSeverity

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(0)]}


def month_start(day):
    return day.replace(day=1)


class ProjectScoped(ChangeLoggedModel):
    """Rows that belong to a project: scoped by the project's region and industry."""

    scope_region_field = "project__region__code"
    scope_industry_field = "project__industry"

    class Meta:
        abstract = True

    def changelog_parent(self):
        return (Project, self.project_id)


# Path segments under /projects/ and /api/v1/projects/ that a project code must not take.
RESERVED_CODES = {"bulk", "add", "export", "import", "templates", "workers", "warnings", "risk", "rates", "roster"}


class Project(ChangeLoggedModel):
    code = models.CharField(
        _("project code"), max_length=64, unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z][0-9A-Za-z_.\-]*$", _("Use letters, digits, '-', '_' and '.' only."))],
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    region = models.ForeignKey("core.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="projects")
    township = models.ForeignKey(
        "core.Region", verbose_name=_("township"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    investment_type = models.CharField(_("investment type"), max_length=12, choices=InvestmentType.choices)
    industry = models.CharField(_("industry"), max_length=12, choices=Industry.choices, db_index=True)
    contract_amount = models.DecimalField(_("contract amount"), **MONEY)
    contract_signed_on = models.DateField(_("contract signed on"))
    start_date = models.DateField(_("start date"))
    planned_end_date = models.DateField(_("planned end date"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED, db_index=True)
    builder = models.ForeignKey(
        "core.Enterprise", verbose_name=_("construction unit"), on_delete=models.PROTECT, related_name="projects_built"
    )
    general_contractor = models.ForeignKey(
        "core.Enterprise", verbose_name=_("general contractor"), on_delete=models.PROTECT, related_name="projects_contracted"
    )
    regulator = models.ForeignKey(
        "core.Department", verbose_name=_("sector regulator"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    wage_officer_name = models.CharField(_("labour/wage officer"), max_length=50, blank=True)
    wage_officer_phone = models.CharField(_("labour/wage officer's phone"), max_length=20, blank=True, validators=[validate_phone])
    injury_insurance = models.BooleanField(_("work-injury insurance in place"), default=False)
    payment_guarantee = models.BooleanField(_("payment guarantee by the construction unit"), default=False)
    # Derived, stored so lists can filter and sort on them; kept current by projects.services.
    monitoring_required = models.BooleanField(_("monitoring required"), default=False, editable=False)
    compliance_score = models.PositiveSmallIntegerField(_("compliance score"), default=0, editable=False)
    compliance_evaluated_on = models.DateField(_("compliance evaluated on"), null=True, blank=True, editable=False)
    # What the project owes its workers on its payroll lines (the sum of due − paid where less was paid
    # than due), kept by project_refresh, which every payroll change runs: the risk ranking (the home
    # page's, the ranking page's) reads it instead of summing a city's payroll lines on each request
    # (at province scale 156,000 unpaid lines of 1.5 million for one city: ~1.1 s; issue 10).
    wages_owed = models.DecimalField(_("wages owed"), max_digits=16, decimal_places=2, default=0, editable=False)

    scope_region_field = "region__code"
    scope_industry_field = "industry"
    pii_fields = ("wage_officer_phone",)
    # Derived figures, recomputed nightly: their changes are not edits anyone made.
    changelog_exclude = ChangeLoggedModel.changelog_exclude + ("monitoring_required", "compliance_score", "compliance_evaluated_on",
                                                               "wages_owed")

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [models.Index(fields=["region", "status"], name="project_region_status_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.code])

    def clean(self):
        super().clean()
        errors = {}
        if self.code in RESERVED_CODES:
            errors["code"] = _("This project code is reserved.")
        if self.region_id and len(self.region_id) != 6:
            errors["region"] = _("A project lies in a county: give its 6-digit code.")
        if self.township_id and self.region_id and not self.township_id.startswith(self.region_id):
            errors["township"] = _("The township is not in the project's county.")
        if self.start_date and self.planned_end_date and self.planned_end_date < self.start_date:
            errors["planned_end_date"] = _("The planned end date is before the start date.")
        if self.completed_on and self.start_date and self.completed_on < self.start_date:
            errors["completed_on"] = _("The completion date is before the start date.")
        if self.status == ProjectStatus.COMPLETED and not self.completed_on:
            errors["completed_on"] = _("A completed project needs its completion date.")
        if self.completed_on and self.status != ProjectStatus.COMPLETED:
            errors["status"] = _("A project with a completion date is completed.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_government_type(self):
        return self.investment_type in (InvestmentType.GOVERNMENT, InvestmentType.SOE, InvestmentType.PPP)


class ProjectSubcontractor(ProjectScoped):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="subcontractors")
    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("subcontractor"), on_delete=models.PROTECT, related_name="+")
    scope_of_work = models.CharField(_("scope of work"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("subcontractor")
        verbose_name_plural = _("subcontractors")
        constraints = [models.UniqueConstraint(fields=["project", "enterprise"], name="project_subcontractor_unique")]

    def __str__(self):
        return f"{self.project} / {self.enterprise}"


class WorkTeam(ProjectScoped):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("team"), max_length=100)
    employer = models.ForeignKey("core.Enterprise", verbose_name=_("employer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    leader_name = models.CharField(_("team leader"), max_length=50, blank=True)
    leader_phone = models.CharField(_("team leader's phone"), max_length=20, blank=True, validators=[validate_phone])

    pii_fields = ("leader_phone",)

    class Meta:
        verbose_name = _("work team")
        verbose_name_plural = _("work teams")
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="work_team_unique_name")]

    def __str__(self):
        return self.name


class DedicatedAccount(ProjectScoped):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="account")
    bank_name = models.CharField(_("bank"), max_length=100)
    account_number = models.CharField(_("account number"), max_length=40)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("dedicated wage account")
        verbose_name_plural = _("dedicated wage accounts")

    def __str__(self):
        return f"{self.bank_name} {self.account_number}"


class Allocation(ProjectScoped):
    """Labour costs the construction unit paid into the dedicated account for a month."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="allocations")
    period = models.DateField(_("month"))
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"))

    class Meta:
        ordering = ["project_id", "period"]
        verbose_name = _("labour-cost allocation")
        verbose_name_plural = _("labour-cost allocations")
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="allocation_unique_period"),
            models.CheckConstraint(condition=models.Q(period__day=1), name="allocation_period_first_day"),
        ]

    def __str__(self):
        return f"{self.project} {self.period:%Y-%m}"


class Worker(ChangeLoggedModel):
    """One person, across projects over time."""

    id_number = models.CharField(_("ID number"), max_length=18, unique=True, validators=[validate_id_number])
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    bank_account = models.CharField(_("wage bank account"), max_length=40, blank=True)

    pii_fields = ("id_number", "phone", "bank_account")

    class Meta:
        ordering = ["name"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:worker_detail", args=[self.pk])

    def clean(self):
        super().clean()
        self.id_number = normalize_id_number(self.id_number)

    @classmethod
    def scope_filter(cls, user, action="view"):
        """A worker is in scope when on the roster of a project in scope."""
        condition = Project.scope_filter(user, action)
        if condition is None:
            return None
        return models.Q(pk__in=Employment.objects.filter(project__in=Project.objects.filter(condition)).values("worker_id"))


class Employment(ProjectScoped):
    """A worker on a project's real-name roster."""

    # No index of its own: the unique (project, worker) index begins with it (one index fewer to
    # maintain on every roster write; imports write tens of thousands).
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roster", db_index=False)
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="employments")
    employer = models.ForeignKey("core.Enterprise", verbose_name=_("employer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(WorkTeam, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    trade = models.CharField(_("trade"), max_length=50, blank=True)
    daily_wage = models.DecimalField(_("pay standard (per day)"), null=True, blank=True, **MONEY)
    contract_signed_on = models.DateField(_("labour contract signed on"), null=True, blank=True)
    entered_on = models.DateField(_("entered the site on"))
    exited_on = models.DateField(_("left the site on"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "worker__name"]
        verbose_name = _("roster entry")
        verbose_name_plural = _("real-name roster")
        constraints = [models.UniqueConstraint(fields=["project", "worker"], name="employment_unique_worker")]

    def __str__(self):
        return f"{self.worker} @ {self.project}"

    def clean(self):
        super().clean()
        if self.exited_on and self.entered_on and self.exited_on < self.entered_on:
            raise ValidationError({"exited_on": _("The exit date is before the entry date.")})

    @property
    def entered_before_contract(self):
        return self.contract_signed_on is None or (self.entered_on and self.entered_on < self.contract_signed_on)

    def active_on(self, day):
        return self.entered_on <= day and (self.exited_on is None or self.exited_on >= day)


class Attendance(ProjectScoped):
    employment = models.ForeignKey(Employment, on_delete=models.CASCADE, related_name="attendance")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    period = models.DateField(_("month"))
    days = models.DecimalField(_("days worked"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["employment", "period"], name="attendance_unique_period")]

    def clean(self):
        super().clean()
        if self.days is not None and self.period and self.days > 31:
            raise ValidationError({"days": _("A month has at most 31 days.")})

    def __str__(self):
        return _("%(month)s: %(days)s days") % {"month": month_text(self.period), "days": self.days}


class Payroll(ProjectScoped):
    """The pay sheet of one month, paid by the general contractor from the dedicated account."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="payrolls")
    period = models.DateField(_("month"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_via = models.CharField(_("paid via"), max_length=20, choices=PaidVia.choices, default=PaidVia.CONTRACTOR_BANK)

    class Meta:
        ordering = ["project_id", "period"]
        verbose_name = _("payroll")
        verbose_name_plural = _("payrolls")
        constraints = [models.UniqueConstraint(fields=["project", "period"], name="payroll_unique_period")]

    def __str__(self):
        return f"{self.project} {self.period:%Y-%m}"


class PayrollLine(ProjectScoped):
    payroll = models.ForeignKey(Payroll, on_delete=models.CASCADE, related_name="lines")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    employment = models.ForeignKey(Employment, on_delete=models.PROTECT, related_name="pay_lines")
    amount_due = models.DecimalField(_("amount due"), **MONEY)
    amount_paid = models.DecimalField(_("amount paid"), **MONEY)

    class Meta:
        verbose_name = _("payroll line")
        verbose_name_plural = _("payroll lines")
        constraints = [models.UniqueConstraint(fields=["payroll", "employment"], name="payroll_line_unique_worker")]

    @property
    def owed(self):
        return max(self.amount_due - self.amount_paid, 0)

    def __str__(self):
        # Only what the row holds (its worker's name when already loaded): the change log calls str()
        # for every line a payroll import or a cascade writes, and must not query for each.
        text = _("due ¥%(due)s, paid ¥%(paid)s") % {"due": amount_text(self.amount_due), "paid": amount_text(self.amount_paid)}
        worker = loaded_related(loaded_related(self, "employment"), "worker")
        return f"{worker.name} · {text}" if worker is not None else text


class WageDeposit(ProjectScoped):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="deposit")
    form = models.CharField(_("form"), max_length=20, choices=DepositForm.choices, blank=True)
    amount = models.DecimalField(_("amount"), default=0, **MONEY)
    deposited_on = models.DateField(_("deposited on"), null=True, blank=True)
    exempt = models.BooleanField(_("exempt"), default=False)
    exemption_reason = models.CharField(_("exemption reason"), max_length=300, blank=True)
    return_notice_on = models.DateField(_("return notice published on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)

    class Meta:
        verbose_name = _("wage deposit")
        verbose_name_plural = _("wage deposits")

    def clean(self):
        super().clean()
        if self.exempt and not self.exemption_reason:
            raise ValidationError({"exemption_reason": _("Give the reason for the exemption.")})
        if not self.exempt and self.amount and not self.form:
            raise ValidationError({"form": _("Choose the form of the deposit.")})

    def __str__(self):
        if self.exempt:
            return str(_("exempt"))
        return " · ".join(part for part in (self.get_form_display(), yuan(self.amount)) if part)


class DepositDrawdown(ProjectScoped):
    deposit = models.ForeignKey(WageDeposit, on_delete=models.CASCADE, related_name="drawdowns")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(_("amount"), **MONEY)
    drawn_on = models.DateField(_("drawn on"))
    reason = models.CharField(_("reason"), max_length=300)
    topped_up_on = models.DateField(_("topped up on"), null=True, blank=True)

    class Meta:
        ordering = ["drawn_on"]
        verbose_name = _("deposit drawdown")
        verbose_name_plural = _("deposit drawdowns")

    @property
    def topup_due(self):
        from wagecase.core.policy import get_policy
        from wagecase.core.workdays import add_working_days

        return add_working_days(self.drawn_on, get_policy("deposit_topup_days", self.project.region_id))

    def __str__(self):
        return f"{day_text(self.drawn_on)} · {yuan(self.amount)}"


def validate_photo(upload):
    """Type by content, size, and a full decode by Pillow (wagecase.core.validators)."""
    from wagecase.core.validators import validate_photo_upload

    validate_photo_upload(upload)


class NoticeBoard(ProjectScoped):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="notice_board")
    installed_on = models.DateField(_("installed on"))
    items = models.JSONField(_("items shown"), default=list, blank=True)
    photo = models.FileField(_("photo"), upload_to="notice-boards/%Y/", blank=True, validators=[validate_photo])

    class Meta:
        verbose_name = _("rights notice board")
        verbose_name_plural = _("rights notice boards")

    def clean(self):
        super().clean()
        if not isinstance(self.items, list) or any(i not in NoticeItem.values for i in self.items):
            raise ValidationError({"items": _("Unknown notice board item.")})
        self.items = [i for i in NoticeItem.values if i in set(self.items)]

    @property
    def missing_items(self):
        return [i for i in NoticeItem.values if i not in self.items]

    def __str__(self):
        return _("installed %(day)s") % {"day": day_text(self.installed_on)}


class ProjectWarning(BaseModel):
    """An early warning (预警) on a project, raised and cleared by the warning rules."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="warnings")
    rule = models.CharField(_("rule"), max_length=40)
    severity = models.CharField(_("severity"), max_length=10, choices=WarningSeverity.choices)
    message = models.CharField(_("message"), max_length=300)
    raised_on = models.DateField(_("raised on"))
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True, db_index=True)

    scope_region_field = "project__region__code"
    scope_industry_field = "project__industry"

    class Meta:
        ordering = ["-raised_on", "project_id"]
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        constraints = [
            models.UniqueConstraint(fields=["project", "rule"], condition=models.Q(active=True), name="warning_one_active_per_rule")
        ]

    def __str__(self):
        return self.message


def period_label(day: datetime.date):
    return f"{day:%Y-%m}"
