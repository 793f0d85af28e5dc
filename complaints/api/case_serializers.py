"""API serializers of arrears cases (欠薪案件, DOMAIN.md §6) and emergency incidents (突发事件, §8):
the case (opening fields in, amounts, due dates and enforcement state out), its workers, payments,
referral and timeline, the bodies of its actions, the incident, and the clear-to-zero figures.

Writes are made by complaints.services (all-or-nothing, in the viewset's transaction); the
serializers parse, check and present. A service's Django ValidationError comes back as a 400 on
the field the client sent (`region` → `region_code`, `project` → `project_code`)."""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from projects.models import Worker
from wagecase.core.api.exceptions import Conflict, django_validation_error_to_drf
from wagecase.core.api.fields import PiiField, RegionCodeField
from wagecase.core.api.serializers import blank_choice_field
from wagecase.core.validators import normalize_id_number, normalize_uscc, validate_id_number, validate_uscc

from .. import services
from ..choices import PaymentSource, ReferralStatus
from ..models import DESCRIPTION_MAX, TEXT_MAX, ArrearsCase, CaseEvent, CasePayment, Clue, CriminalReferral, Incident
from .serializers import ScopedProjectField, UserBriefSerializer

MONEY = {"max_digits": 14, "decimal_places": 2}
POSITIVE_MONEY = {**MONEY, "min_value": Decimal("0.01")}

# Model field → the name the client sends.
CASE_FIELD_MAP = {"region": "region_code", "project": "project_code", "order_pay_by": "pay_by",
                  "compensation_percent": "percent", "compensation_ordered_on": "ordered_on"}
INCIDENT_FIELD_MAP = {"region": "region_code", "project": "project_code"}


def as_drf(error, field_map):
    return django_validation_error_to_drf(error, field_map=field_map)


def _absolute(serializer, path):
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _request_user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# --- Fields -------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "example": "620502-2026-00001"})
class ScopedClueField(serializers.SlugRelatedField):
    """A clue by number, among those the caller may change: another county's clue is "no such clue"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "number")
        kwargs.setdefault("style", {"base_template": "input.html"})
        super().__init__(**kwargs)

    def get_queryset(self):
        return Clue.objects.restrict(_request_user(self), "change").select_related("region", "project", "employer")


@extend_schema_field(OpenApiTypes.INT)
class ScopedInspectionField(serializers.PrimaryKeyRelatedField):
    """An inspection by id, among those the caller may see: another county's is "no such inspection"."""

    def get_queryset(self):
        from inspections.models import Inspection

        return Inspection.objects.restrict(_request_user(self), "view").select_related("project")


@extend_schema_field(OpenApiTypes.INT)
class ScopedCaseField(serializers.PrimaryKeyRelatedField):
    """An arrears case by id, among those the caller may see."""

    def get_queryset(self):
        return ArrearsCase.objects.restrict(_request_user(self), "view")


# --- Arrears cases ------------------------------------------------------------------------------


class EnterpriseRefSerializer(serializers.Serializer):
    """The enterprise in arrears by USCC; an unknown USCC creates the enterprise (with this name)."""

    uscc = serializers.CharField(max_length=40, help_text="Unified social credit code (GB 32100-2015).")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                 help_text="Needed when the USCC is not known yet.")

    def validate_uscc(self, value):
        code = normalize_uscc(value).upper()
        try:
            validate_uscc(code)
        except DjangoValidationError as error:
            raise serializers.ValidationError(list(error.messages))
        return code


class CaseWorkerSerializer(serializers.Serializer):
    """One worker owed (optional breakdown; the amounts add up to the case's amount owed)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=50)
    id_number = PiiField(kind="id_number", max_length=18, help_text="Resident ID number; masked unless the caller may "
                                                                     "see personal data.")
    amount_owed = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    amount_paid = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    worker = serializers.IntegerField(source="worker_id", read_only=True, allow_null=True, help_text="Roster worker (id), if linked.")
    worker_id_number = serializers.CharField(
        max_length=18, required=False, allow_blank=True, write_only=True,
        help_text="ID number of a worker on a roster in the caller's scope, to link this line to the roster.",
    )

    def validate_id_number(self, value):
        if not value:
            return ""
        value = normalize_id_number(value).upper()
        try:
            validate_id_number(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(list(error.messages))
        return value

    def validate_worker_id_number(self, value):
        if not value:
            return None
        worker = Worker.objects.restrict(_request_user(self), "view").filter(id_number=normalize_id_number(value).upper()).first()
        if worker is None:
            raise serializers.ValidationError(_("There is no worker with this ID number on a roster in your jurisdiction."))
        return worker

    def validate(self, attrs):
        worker = attrs.pop("worker_id_number", None)
        if worker is not None:
            attrs["worker"] = worker
        return attrs


class CasePaymentSerializer(serializers.ModelSerializer):
    """An instalment paid to the workers of a case."""

    amount = serializers.DecimalField(**POSITIVE_MONEY, help_text="Yuan, e.g. \"12500.00\"; at most what is outstanding.")
    workers = serializers.IntegerField(min_value=0, required=False, default=0, help_text="Workers paid by this instalment.")
    paid_on = serializers.DateField()
    source = serializers.ChoiceField(choices=PaymentSource.choices)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    drawdown = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                                  help_text="The wage-deposit drawdown (source `deposit`).")
    recorded_by = UserBriefSerializer(read_only=True, allow_null=True)
    case = serializers.PrimaryKeyRelatedField(read_only=True)
    case_status = serializers.CharField(source="case.status", read_only=True,
                                        help_text="The case's status after this payment was recorded (`cleared` at zero).")
    case_amount_outstanding = serializers.DecimalField(source="case.amount_outstanding", **MONEY, read_only=True,
                                                       help_text="What the case still owes now.")

    class Meta:
        model = CasePayment
        fields = ["id", "case", "amount", "workers", "paid_on", "source", "source_display", "drawdown", "recorded_by",
                  "created", "case_status", "case_amount_outstanding"]
        read_only_fields = ["id", "created"]


class CriminalReferralSerializer(serializers.ModelSerializer):
    """The referral to the police (行刑衔接, Criminal Law art. 276-1)."""

    referred_on = serializers.DateField()
    police_unit = serializers.CharField(max_length=200)
    status = serializers.ChoiceField(choices=ReferralStatus.choices, required=False, default=ReferralStatus.REFERRED)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    outcome = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default="")

    class Meta:
        model = CriminalReferral
        fields = ["id", "referred_on", "police_unit", "status", "status_display", "outcome", "created", "last_updated"]
        read_only_fields = ["id", "created", "last_updated"]


class CaseEventSerializer(serializers.ModelSerializer):
    """One entry of a case's timeline."""

    type_display = serializers.CharField(source="get_type_display", read_only=True)
    user = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "type", "type_display", "created", "user", "comment", "parameters"]
        read_only_fields = fields


class ArrearsCaseSerializer(serializers.ModelSerializer):
    """An arrears case (欠薪案件): one enterprise's arrears (on a project), kept until nothing is
    outstanding, with its five haves (五个有: responsible unit, leader, person, measures, deadline).

    POST opens it. With `source_clue`, the clue's employer, project, county, workers, amount and facts
    are carried over (each may be given to override). Without a project or clue, `region_code` names
    the county. Amounts, due dates and the enforcement state are read-only: they change through
    `payments/`, `order/`, `compensation/` and `referral/`."""

    url = serializers.SerializerMethodField(help_text="API address of the case.")
    page_url = serializers.SerializerMethodField(help_text="Address of the case's page.")
    project_code = ScopedProjectField(source="project", required=False, allow_null=True, label=_("project"),
                                      help_text="Optional code of the project, in the caller's scope.")
    project_name = serializers.CharField(source="project.name", read_only=True, allow_null=True)
    enterprise = EnterpriseRefSerializer(required=False, help_text="The enterprise in arrears (required without source_clue).")
    region_code = RegionCodeField(source="region", required=False, allow_null=True, label=_("county"),
                                  help_text="6-digit county; needed when neither project_code nor source_clue is given.")
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    source_clue = ScopedClueField(required=False, allow_null=True,
                                  help_text="Number of the wage-arrears clue the case comes from (one case per clue).")
    source_inspection = ScopedInspectionField(
        required=False, allow_null=True,
        help_text="Id of the inspection that found the arrears; its project is the case's project unless one is given.")
    occurred_on = serializers.DateField(required=False, help_text="Day the arrears arose (not in the future).")
    workers_owed = serializers.IntegerField(min_value=1, required=False)
    amount_owed = serializers.DecimalField(**POSITIVE_MONEY, required=False, help_text="Yuan, e.g. \"96000.00\".")
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True)
    responsible_unit = serializers.CharField(max_length=200)
    responsible_leader = serializers.CharField(max_length=50)
    responsible_person = serializers.CharField(max_length=50)
    measures = serializers.CharField(max_length=DESCRIPTION_MAX)
    deadline = serializers.DateField(help_text="Completion deadline of the measures.")
    leader_in_charge = serializers.CharField(max_length=50, required=False, allow_blank=True)
    workers = CaseWorkerSerializer(many=True, required=False)

    status_display = serializers.CharField(source="get_status_display", read_only=True)
    supervision_level_display = serializers.CharField(source="get_supervision_level_display", read_only=True)
    amount_outstanding = serializers.DecimalField(**MONEY, read_only=True)
    pay_by = serializers.DateField(source="order_pay_by", read_only=True, allow_null=True,
                                   help_text="Deadline of the written order to pay.")
    order_ignored = serializers.SerializerMethodField(
        help_text="`pay_by` has passed and what was paid by that day is less than the amount owed.")
    criminal_threshold_met = serializers.SerializerMethodField(
        help_text="Amount owed ≥ the region's total threshold with ≥ 10 workers, or ≥ its per-worker threshold per worker.")
    days_left = serializers.SerializerMethodField(help_text="Days from today to the clear-to-zero date (negative: past).")
    overdue = serializers.SerializerMethodField(help_text="Open and past its clear-to-zero date.")
    referral = CriminalReferralSerializer(read_only=True, allow_null=True)
    payments = CasePaymentSerializer(many=True, read_only=True)
    incidents = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="Ids of the linked incidents.")
    opened_by = UserBriefSerializer(read_only=True, allow_null=True)
    industry = blank_choice_field(ArrearsCase, "industry")

    class Meta:
        model = ArrearsCase
        fields = [
            "id", "url", "page_url",
            # Opening (writable)
            "project_code", "project_name", "enterprise", "region_code", "region_name", "source_clue", "source_inspection", "occurred_on",
            "workers_owed", "amount_owed", "description", "workers",
            "responsible_unit", "responsible_leader", "responsible_person", "measures", "deadline",
            "supervision_level", "supervision_level_display", "leader_in_charge",
            # Read-only
            "industry", "amount_paid", "workers_paid", "amount_outstanding", "status", "status_display", "cleared_on",
            "government_type", "zero_clearance_due", "days_left", "overdue", "key_monitoring",
            "order_issued_on", "pay_by", "order_ignored", "criminal_threshold_met",
            "compensation_percent", "compensation_ordered_on",
            "referral", "payments", "incidents", "opened_by", "created", "last_updated",
        ]
        read_only_fields = [
            "industry", "amount_paid", "workers_paid", "status", "cleared_on", "government_type", "zero_clearance_due",
            "key_monitoring", "order_issued_on", "compensation_percent", "compensation_ordered_on", "created", "last_updated",
        ]

    # --- Read ---------------------------------------------------------------------------------

    def _today(self):
        return self.context.setdefault("today", timezone.localdate())

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, case):
        return _absolute(self, reverse("arrearscase-detail", args=[case.pk]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_page_url(self, case):
        try:
            return _absolute(self, case.get_absolute_url())
        except NoReverseMatch:
            return None

    @extend_schema_field(serializers.BooleanField())
    def get_order_ignored(self, case):
        return case.order_ignored(self._today())

    @extend_schema_field(serializers.BooleanField())
    def get_criminal_threshold_met(self, case):
        return case.criminal_threshold_met()

    @extend_schema_field(serializers.IntegerField())
    def get_days_left(self, case):
        return case.days_left(self._today())

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, case):
        return case.status == "open" and case.zero_clearance_due < self._today()

    # --- Write --------------------------------------------------------------------------------

    def validate(self, attrs):
        if attrs.get("source_clue") is None:
            missing = [name for name in ("enterprise", "occurred_on", "workers_owed", "amount_owed") if attrs.get(name) is None]
            if missing:
                raise serializers.ValidationError({name: [_("This field is required.")] for name in missing})
            if attrs.get("region") is None and attrs.get("project") is None and attrs.get("source_inspection") is None:
                raise serializers.ValidationError({"region_code": [_("Give the county of the case.")]})
        return attrs

    def create(self, validated_data):
        from projects.services import enterprise_get_or_create

        user = _request_user(self)
        data = dict(validated_data)
        clue = data.pop("source_clue", None)
        enterprise = data.pop("enterprise", None)
        if data.get("source_inspection") is not None and data.get("project") is None:
            data["project"] = data["source_inspection"].project
        if data.get("project") is None:
            data.pop("project", None)
        if data.get("region") is None:
            data.pop("region", None)
        try:
            services.office_only(user)
            if enterprise is not None:
                region = data.get("region") or (data["project"].region if data.get("project") else None) or (
                    clue.region if clue is not None else None)
                try:
                    data["enterprise"] = enterprise_get_or_create(
                        uscc=enterprise["uscc"], name=(enterprise.get("name") or "").strip(),
                        region_code=region.pk if region is not None else None)
                except DjangoValidationError as error:
                    detail = {key: [str(m) for m in messages] for key, messages in error.message_dict.items()} \
                        if hasattr(error, "error_dict") else {"uscc": list(error.messages)}
                    raise serializers.ValidationError({"enterprise": detail})
            if clue is not None:
                return services.case_open_from_clue(clue=clue, user=user, **data)
            return services.case_open(user=user, **data)
        except services.CaseConflict as error:
            raise Conflict(str(error.detail), code=error.error_code)
        except DjangoValidationError as error:
            raise as_drf(error, CASE_FIELD_MAP)

    def update(self, instance, validated_data):
        raise NotImplementedError("Cases change through case_update and their actions only.")


def _only_known_fields(serializer, data, parse):
    """A PATCH naming a field it may not change is a 400 on that field (with the other fields' errors)."""
    unknown = sorted(set(data) - set(serializer.fields)) if hasattr(data, "keys") else []
    errors = {name: [_("This field cannot be changed here.")] for name in unknown}
    try:
        value = parse(data)
    except serializers.ValidationError as error:
        if not unknown or not isinstance(error.detail, dict):
            raise
        raise serializers.ValidationError({**error.detail, **errors})
    if errors:
        raise serializers.ValidationError(errors)
    return value


class ArrearsCaseUpdateSerializer(serializers.Serializer):
    """What PATCH may change: the five haves, the description, the supervision level and the leader in
    charge (包案领导). Each change is on the timeline."""

    responsible_unit = serializers.CharField(max_length=200, required=False)
    responsible_leader = serializers.CharField(max_length=50, required=False)
    responsible_person = serializers.CharField(max_length=50, required=False)
    measures = serializers.CharField(max_length=DESCRIPTION_MAX, required=False)
    deadline = serializers.DateField(required=False)
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True)
    supervision_level = serializers.ChoiceField(choices=ArrearsCase._meta.get_field("supervision_level").choices, required=False)
    leader_in_charge = serializers.CharField(max_length=50, required=False, allow_blank=True)
    comment = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True,
                                    help_text="Why (on the timeline).")

    def to_internal_value(self, data):
        return _only_known_fields(self, data, super().to_internal_value)


class CaseOrderSerializer(serializers.Serializer):
    """The written order to pay (限期支付指令), once per case."""

    issued_on = serializers.DateField()
    pay_by = serializers.DateField()

    def validate(self, attrs):
        if attrs["pay_by"] < attrs["issued_on"]:
            raise serializers.ValidationError({"pay_by": [_("The payment deadline is before the order.")]})
        return attrs


class CaseCompensationSerializer(serializers.Serializer):
    """Extra compensation (加付赔偿金) of 50–100 % of the amount owed, on an ignored order."""

    percent = serializers.IntegerField(min_value=50, max_value=100)
    ordered_on = serializers.DateField(required=False, help_text="Default today.")

    def validate_ordered_on(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError(_("The date cannot be in the future."))
        return value


class CaseReferralUpdateSerializer(serializers.Serializer):
    """The referral's progress at the police."""

    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    outcome = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default="")


class CaseNoteSerializer(serializers.Serializer):
    """A note on the case's timeline."""

    comment = serializers.CharField(max_length=DESCRIPTION_MAX)


# --- Emergency incidents -------------------------------------------------------------------------


class IncidentSerializer(serializers.ModelSerializer):
    """An emergency incident (突发事件) over wages: reported within 10 minutes of occurring (5 if serious).
    POST reports it; PATCH adds measures, cause, damage, reaction and closes it with the closing report."""

    url = serializers.SerializerMethodField()
    region_code = RegionCodeField(source="region", label=_("county"))
    project_code = ScopedProjectField(source="project", required=False, allow_null=True, label=_("project"))
    case = ScopedCaseField(required=False, allow_null=True, help_text="Id of the arrears case it concerns.")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    report_late = serializers.BooleanField(read_only=True, help_text="Reported more than 10 minutes (5 if serious) after it occurred.")
    reported_by = UserBriefSerializer(read_only=True, allow_null=True)
    description = serializers.CharField(max_length=DESCRIPTION_MAX)
    industry = blank_choice_field(Incident, "industry")

    class Meta:
        model = Incident
        fields = [
            "id", "url", "kind", "kind_display", "serious", "occurred_at", "reported_at", "region_code", "project_code",
            "case", "people_involved", "place", "description", "measures", "damage", "cause", "public_reaction",
            "closing_report", "closed_at", "industry", "report_late", "reported_by", "created", "last_updated",
        ]
        read_only_fields = ["industry", "created", "last_updated"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, incident):
        return _absolute(self, reverse("incident-detail", args=[incident.pk]))

    def create(self, validated_data):
        user = _request_user(self)
        data = dict(validated_data)
        closing = {key: data.pop(key) for key in ("closing_report", "closed_at") if key in data}
        try:
            incident = services.incident_report(user=user, **data)
            if any(closing.values()):
                incident = services.incident_update(incident=incident, user=user, **closing)
            return incident
        except DjangoValidationError as error:
            raise as_drf(error, INCIDENT_FIELD_MAP)

    def update(self, instance, validated_data):
        raise NotImplementedError("Incidents change through incident_update only.")


class IncidentUpdateSerializer(serializers.Serializer):
    """What PATCH may change on an incident; giving the closing report closes it (closed_at defaults to now)."""

    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    people_involved = serializers.IntegerField(min_value=1, required=False)
    measures = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True)
    damage = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    cause = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True)
    public_reaction = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    closing_report = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True)
    closed_at = serializers.DateTimeField(required=False, allow_null=True)

    def to_internal_value(self, data):
        return _only_known_fields(self, data, super().to_internal_value)


# --- Clear-to-zero figures ------------------------------------------------------------------------


class ZeroClearanceQuerySerializer(serializers.Serializer):
    region_code = serializers.RegexField(r"^(\d{2}|\d{4}|\d{6})$", required=False, allow_blank=True,
                                         help_text="Region code prefix (62 = the province).")
    as_of = serializers.DateField(required=False, help_text="Day of the figures (default today), 1901–2098.")

    def validate_as_of(self, value):
        # The lunar calendar (lunardate) knows 1900–2099, and the `other` due date needs the next New Year's Eve.
        if not datetime.date(1901, 1, 1) <= value <= datetime.date(2098, 12, 31):
            raise serializers.ValidationError(_("Enter a day between 1901 and 2098."))
        return value


class ZeroClearanceCategorySerializer(serializers.Serializer):
    due = serializers.DateField(help_text="The category's clear-to-zero date.")
    days_left = serializers.IntegerField(help_text="due − as_of, in days.")
    open_cases = serializers.IntegerField(help_text="Open cases of the category that must be cleared by `due`.")
    amount_outstanding = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="What those cases still owe.")
    overdue_cases = serializers.IntegerField(help_text="Open cases of the category already past their own date.")


class ZeroClearanceCountyCategorySerializer(serializers.Serializer):
    open_cases = serializers.IntegerField()
    amount_outstanding = serializers.DecimalField(max_digits=16, decimal_places=2)
    overdue_cases = serializers.IntegerField()


class ZeroClearanceCountySerializer(serializers.Serializer):
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    government = ZeroClearanceCountyCategorySerializer()
    other = ZeroClearanceCountyCategorySerializer()
    overdue_cases = serializers.IntegerField()


# One object, though answered by the viewset's `list` action (else the schema would say an array).
@extend_schema_serializer(many=False)
class ZeroClearanceSerializer(serializers.Serializer):
    """两清零 figures: government/SOE/PPP arrears by 31 December, all others before the Spring Festival."""

    as_of = serializers.DateField()
    region_code = serializers.CharField(allow_blank=True)
    government = ZeroClearanceCategorySerializer()
    other = ZeroClearanceCategorySerializer()
    overdue_cases = serializers.IntegerField(help_text="Open cases past their own clear-to-zero date, both categories.")
    by_county = ZeroClearanceCountySerializer(many=True)
