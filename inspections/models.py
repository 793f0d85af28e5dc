"""Models of inspections (DOMAIN.md §5): campaigns and their phases, double-random draws,
inspection records with their checklist and evidence photos, rectification orders with
re-inspections, penalty decisions, and the numbering of official documents.

State changes are made by inspections.services only; models hold validation and state checks."""
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import ProjectScoped, validate_photo
from wagecase.core.choices import Industry
from wagecase.core.models import BaseModel, ChangeLoggedModel
from wagecase.core.models.base import day_text
from wagecase.core.models.regions import ancestor_codes

from .choices import (
    CampaignKind, CheckResult, ChecklistItem, DocumentKind, InspectionMethod, OrderStatus, PenaltyArticle, PhaseKind,
)

TEXT_MAX = 4000

# Legal ranges of each article (Regulation arts. 54–57, DOMAIN.md §5) and whether it may order a stoppage.
PENALTY_RANGES = {
    PenaltyArticle.ART_54_UNIT: (Decimal("20000"), Decimal("50000"), False),
    PenaltyArticle.ART_54_PERSON: (Decimal("10000"), Decimal("30000"), False),
    PenaltyArticle.ART_55: (Decimal("50000"), Decimal("100000"), True),
    PenaltyArticle.ART_56: (Decimal("50000"), Decimal("100000"), False),
    PenaltyArticle.ART_57: (Decimal("50000"), Decimal("100000"), True),
}


class Campaign(ChangeLoggedModel):
    """A special enforcement action (专项行动) organised by an office for its region."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=CampaignKind.choices)
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="campaigns")
    industries = models.JSONField(_("industries"), default=list, blank=True, help_text=_("Empty: every industry."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    target_inspected_percent = models.DecimalField(
        _("target: share of projects inspected (%)"), max_digits=5, decimal_places=1, default=Decimal("100"),
        validators=[MinValueValidator(0)],
    )
    target_rectified_percent = models.DecimalField(
        _("target: share of orders written off (%)"), max_digits=5, decimal_places=1, default=Decimal("100"),
        validators=[MinValueValidator(0)],
    )
    description = models.TextField(_("description"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    daily_reporting = models.BooleanField(_("daily reporting"), default=False)

    scope_region_field = "region__code"

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:campaign_detail", args=[self.pk])

    @classmethod
    def scope_filter(cls, user, action="view"):
        """A campaign of the user's region or below, and (to view) one organised above it."""
        prefix = user.scope_prefix
        if prefix is None:
            return None
        condition = Q(region__code__startswith=prefix)
        if action == "view" and prefix:
            condition |= Q(region_id__in=ancestor_codes(prefix))
        if user.is_bureau:
            industries = user.industries or []
            industry_q = Q(industries=[])
            for industry in industries:
                industry_q |= Q(industries__icontains=f'"{industry}"')
            condition &= industry_q
        return condition

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date is before the start date.")
        valid = set(Industry.values)
        if not isinstance(self.industries, list) or any(i not in valid for i in self.industries):
            errors["industries"] = _("Unknown industry.")
        for field in ("target_inspected_percent", "target_rectified_percent"):
            value = getattr(self, field)
            if value is not None and value > 100:
                errors[field] = _("A share lies between 0 and 100 %.")
        if errors:
            raise ValidationError(errors)

    def projects(self):
        """The campaign's project population: projects in its region (and industries) under construction in its period."""
        from projects.models import Project

        qs = Project.objects.filter(region__code__startswith=self.region_id, start_date__lte=self.ends_on).filter(
            Q(completed_on__isnull=True) | Q(completed_on__gte=self.starts_on)
        )
        if self.industries:
            qs = qs.filter(industry__in=self.industries)
        return qs

    def current_phase(self, today=None):
        today = today or timezone.localdate()
        return next((p for p in self.phases.all() if p.starts_on <= today <= p.ends_on), None)


class CampaignPhase(ChangeLoggedModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=14, choices=PhaseKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_region_field = "campaign__region__code"

    class Meta:
        ordering = ["campaign", "starts_on"]
        verbose_name = _("campaign phase")
        verbose_name_plural = _("campaign phases")

    def __str__(self):
        return f"{self.campaign} · {self.get_kind_display()}"

    def changelog_parent(self):
        return (Campaign, self.campaign_id)

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date is before the start date.")
        if self.campaign_id and self.starts_on and self.ends_on:
            c = self.campaign
            if self.starts_on < c.starts_on or self.ends_on > c.ends_on:
                errors["starts_on"] = _("A phase lies within its campaign's dates.")
        if errors:
            raise ValidationError(errors)


class Draw(ChangeLoggedModel):
    """A double-random draw (双随机): N projects from a project pool, two inspectors each from an
    inspector pool. The seed and both pools are stored, so anyone can re-run it (inspections.draw)
    and obtain the same result."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="draws")
    region = models.ForeignKey("core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True, on_delete=models.PROTECT,
                                 related_name="+")
    seed = models.BigIntegerField(_("seed"))
    pool_filter = models.JSONField(_("pool filter"), default=dict, blank=True)
    project_pool = models.JSONField(_("project pool"), default=list)
    inspector_pool = models.JSONField(_("inspector pool"), default=list)
    count = models.PositiveIntegerField(_("projects drawn"), validators=[MinValueValidator(1)])
    inspectors_per_project = models.PositiveSmallIntegerField(_("inspectors per project"), default=2,
                                                              validators=[MinValueValidator(2)])
    result = models.JSONField(_("result"), default=list)
    published = models.BooleanField(_("published"), default=False)

    scope_region_field = "region__code"

    class Meta:
        ordering = ["-drawn_at"]
        verbose_name = _("double-random draw")
        verbose_name_plural = _("double-random draws")

    def __str__(self):
        return f"{self.campaign} · {timezone.localtime(self.drawn_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("inspections:draw_detail", args=[self.pk])

    def changelog_parent(self):
        return (Campaign, self.campaign_id)


class Inspection(ProjectScoped):
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="inspections")
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="inspections")
    draw = models.ForeignKey(Draw, verbose_name=_("draw"), null=True, blank=True, on_delete=models.PROTECT, related_name="inspections")
    clue = models.ForeignKey("complaints.Clue", verbose_name=_("clue"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="inspections")
    inspected_on = models.DateField(_("inspected on"), db_index=True)
    method = models.CharField(_("method"), max_length=14, choices=InspectionMethod.choices)
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="inspections")
    checklist = models.JSONField(_("checklist"), default=dict)
    checklist_notes = models.JSONField(_("notes per item"), default=dict, blank=True)
    findings = models.TextField(_("findings"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    workers_interviewed = models.PositiveIntegerField(_("workers interviewed"), default=0)
    interview_notes = models.TextField(_("worker interviews"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["project", "inspected_on"], name="inspection_project_day_idx")]

    def __str__(self):
        return f"{self.project} · {self.inspected_on}"

    def get_absolute_url(self):
        return reverse("inspections:inspection_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.inspected_on and self.inspected_on > timezone.localdate():
            errors["inspected_on"] = _("The inspection date cannot be in the future.")
        if not isinstance(self.checklist, dict) or not self.checklist:
            errors["checklist"] = _("Record the checklist.")
        else:
            unknown = [k for k in self.checklist if k not in ChecklistItem.values]
            bad = [k for k, v in self.checklist.items() if k in ChecklistItem.values and v not in CheckResult.values]
            missing = [k for k in ChecklistItem.values if k not in self.checklist]
            if unknown:
                errors["checklist"] = _("Unknown checklist items: %s.") % ", ".join(unknown)
            elif bad:
                errors["checklist"] = _("Each item is pass, fail or na: %s.") % ", ".join(bad)
            elif missing:
                errors["checklist"] = _("Every checklist item needs a result; missing: %s.") % ", ".join(missing)
        if errors:
            raise ValidationError(errors)

    @property
    def failed_items(self):
        return [item for item in ChecklistItem.values if (self.checklist or {}).get(item) == CheckResult.FAIL]


class InspectionPhoto(ProjectScoped):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    image = models.FileField(_("photo"), upload_to="inspections/%Y/%m/", validators=[validate_photo])
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")

    def __str__(self):
        return self.caption or self.image.name


class DocumentSequence(models.Model):
    """Numbers of official documents per prefix, kind and year: one counter per number text, so two
    offices whose default prefixes coincide (临夏市 and 临夏县 both give 临夏人社监令) share it and never
    give out the same number. `office_code` is the office that started the sequence."""

    prefix = models.CharField(max_length=30)
    office_code = models.CharField(max_length=9)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "kind", "year"], name="document_sequence_unique_prefix")]


class DocumentPrefix(ChangeLoggedModel):
    """The configurable prefix of an office's document numbers, e.g. 秦人社监令 → 秦人社监令〔2026〕第12号."""

    region = models.ForeignKey("core.Region", verbose_name=_("office region"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    prefix = models.CharField(_("prefix"), max_length=30)

    scope_region_field = "region__code"

    class Meta:
        ordering = ["region", "kind"]
        verbose_name = _("document number prefix")
        verbose_name_plural = _("document number prefixes")
        constraints = [models.UniqueConstraint(fields=["region", "kind"], name="document_prefix_unique")]

    def __str__(self):
        return self.prefix


class RectificationOrder(ProjectScoped):
    """限期整改指令书: issued for the failed items of an inspection, closed (销号) on a rectified
    re-inspection, escalated when not rectified after the deadline."""

    number = models.CharField(_("number"), max_length=60, unique=True)
    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="order")
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="rectification_orders")
    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("addressed to"), on_delete=models.PROTECT, related_name="+")
    items = models.JSONField(_("failed items"), default=list)
    issued_on = models.DateField(_("issued on"), db_index=True)
    rectify_by = models.DateField(_("rectify by"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN, db_index=True)
    closed_on = models.DateField(_("written off on"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    document = models.FileField(_("document (PDF)"), upload_to="documents/orders/%Y/", blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("inspections:rectificationorder_detail", args=[self.pk])

    def current_status(self, today=None):
        """open/closed/escalated as stored; an open order past its deadline is overdue."""
        today = today or timezone.localdate()
        if self.status in (OrderStatus.OPEN, OrderStatus.OVERDUE):
            return OrderStatus.OVERDUE if today > self.rectify_by else OrderStatus.OPEN
        return self.status

    def can_reinspect(self):
        return self.status in (OrderStatus.OPEN, OrderStatus.OVERDUE)

    def can_penalise(self):
        return self.status == OrderStatus.ESCALATED


class Reinspection(ProjectScoped):
    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="reinspections")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    reinspected_on = models.DateField(_("re-inspected on"))
    rectified = models.BooleanField(_("rectified"))
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=OrderStatus.choices)

    class Meta:
        ordering = ["order", "reinspected_on", "pk"]
        verbose_name = _("re-inspection")
        verbose_name_plural = _("re-inspections")

    def __str__(self):
        return f"{day_text(self.reinspected_on)} · {_('Rectified') if self.rectified else _('Not rectified')}"


class PenaltyDecision(ProjectScoped):
    """行政处罚决定书 after an escalated order: the amount lies in the article's legal range."""

    number = models.CharField(_("number"), max_length=60, unique=True)
    order = models.ForeignKey(RectificationOrder, on_delete=models.PROTECT, related_name="penalties")
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="penalties")
    article = models.CharField(_("article"), max_length=10, choices=PenaltyArticle.choices)
    enterprise = models.ForeignKey("core.Enterprise", verbose_name=_("party"), on_delete=models.PROTECT, related_name="penalties")
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True,
                                          help_text=_("For art. 54 penalties on a responsible person."))
    amount = models.DecimalField(_("fine"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    work_stoppage = models.BooleanField(_("work stoppage ordered"), default=False)
    facts = models.TextField(_("facts"), validators=[MaxLengthValidator(TEXT_MAX)])
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.PROTECT,
                                   related_name="+")
    document = models.FileField(_("document (PDF)"), upload_to="documents/penalties/%Y/", blank=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("penalty decision")
        verbose_name_plural = _("penalty decisions")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("inspections:penaltydecision_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.article in PENALTY_RANGES and self.amount is not None:
            low, high, stoppage = PENALTY_RANGES[self.article]
            if not (low <= self.amount <= high):
                errors["amount"] = _("Under %(article)s the fine lies between ¥%(low)s and ¥%(high)s.") % {
                    "article": PenaltyArticle(self.article).label, "low": f"{low:,.0f}", "high": f"{high:,.0f}"}
            if self.work_stoppage and not stoppage:
                errors["work_stoppage"] = _("This article does not provide for a work stoppage.")
        if self.article == PenaltyArticle.ART_54_PERSON and not (self.responsible_person or "").strip():
            errors["responsible_person"] = _("Name the responsible person.")
        if self.decided_on and self.decided_on > timezone.localdate():
            errors["decided_on"] = _("The decision date cannot be in the future.")
        if errors:
            raise ValidationError(errors)
