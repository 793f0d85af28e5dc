"""API serializers of projects: the ledger (with its parties as `{"uscc", "name"}`), the five core
systems' records (account, allocations, roster, payrolls, deposit, notice board), the compliance
report, arrears and warnings. Writes are done by projects.services; the serializers parse, check
and present."""
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from wagecase.core.api.exceptions import django_validation_error_to_drf
from wagecase.core.api.fields import NOT_ANNOTATED, PiiField, RegionCodeField, RowColumnField
from wagecase.core.api.serializers import ValidatedModelSerializer
from wagecase.core.choices import EnterpriseRole
from wagecase.core.models import Department, Enterprise
from wagecase.core.validators import normalize_id_number, normalize_uscc, validate_id_number, validate_uscc

from ..choices import DepositForm, NoticeItem, SystemCode, SystemStatus
from ..models import Attendance, ProjectSubcontractor, WorkTeam
from ..models import (
    Allocation, DedicatedAccount, Employment, NoticeBoard, Payroll, PayrollLine, Project, ProjectWarning, WageDeposit,
)
from ..services import enterprise_get_or_create, project_save

MONEY = {"max_digits": 16, "decimal_places": 2}
PARTY_ROLES = {"builder": EnterpriseRole.BUILDER, "general_contractor": EnterpriseRole.GENERAL_CONTRACTOR}
# A project code is a URL path segment (`/projects/{code}/`), and `bulk` is taken by the bulk route.
RESERVED_CODES = {"bulk"}


# --- Fields -------------------------------------------------------------------------------------


# Money is a decimal string in yuan with two places (API.md), also where a method computes it.
MONEY_STRING = {"type": "string", "format": "decimal", "pattern": r"^-?\d{0,14}(?:\.\d{0,2})?$", "example": "12500.00"}


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-03"})
class MonthField(serializers.Field):
    """A month as `"YYYY-MM"`, held as the date of its first day."""

    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, such as 2026-03.")}

    def to_internal_value(self, data):
        if isinstance(data, datetime.date):
            return data.replace(day=1)
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", str(data).strip()) if isinstance(data, str) else None
        # Years from 1900 (year 0000 is no date at all: it was a 500; 0600 came back as "600-04").
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
            self.fail("invalid")
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)

    def to_representation(self, value):
        return f"{value.year:04d}-{value.month:02d}"


@dataclass
class Party:
    """A construction unit or general contractor named by USCC: the enterprise when registered,
    else the name to register it under (created on save by enterprise_get_or_create)."""

    uscc: str
    name: str
    enterprise: Enterprise | None = None


class PartySerializer(serializers.Serializer):
    """An enterprise party to a project. An unknown USCC registers the enterprise, so give its name."""

    uscc = serializers.CharField(max_length=18, help_text="Unified social credit code (GB 32100-2015).")
    name = serializers.CharField(max_length=200, required=False, help_text="Needed when the USCC is not registered yet.")


@extend_schema_field(PartySerializer)
class PartyField(serializers.Field):
    """`{"uscc", "name"}` in and out; errors are keyed like a nested object (`{"uscc": [...]}`).

    Enterprises are looked up in the serializer context's `enterprises` ({uscc: Enterprise}) when
    a bulk caller preloaded every USCC its items name; `enterprise_names` ({uscc: name}) supplies a new enterprise's
    name given on another item of the same bulk request."""

    default_error_messages = {
        "not_an_object": _("Give an object with the enterprise's uscc and name."),
        "required_uscc": _("This field is required."),
        "name_needed": _("This enterprise is not registered yet: give its name."),
    }

    def get_attribute(self, instance):
        # A list row carries the party's two columns as annotations (ProjectViewSet.list_row_columns),
        # without the enterprise's row.
        uscc = instance.__dict__.get(f"row_{self.field_name}_uscc", NOT_ANNOTATED)
        if uscc is not NOT_ANNOTATED:
            return None if uscc is None else Party(uscc=uscc, name=instance.__dict__[f"row_{self.field_name}_name"])
        return super().get_attribute(instance)

    def to_representation(self, enterprise):
        return {"uscc": enterprise.uscc, "name": enterprise.name}

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_an_object")
        raw = data.get("uscc")
        if not isinstance(raw, str) or not raw.strip():
            raise serializers.ValidationError({"uscc": [self.error_messages["required_uscc"]]})
        uscc = normalize_uscc(raw)
        try:
            validate_uscc(uscc)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"uscc": list(error.messages)})
        name = data.get("name")
        if name is not None and not isinstance(name, str):
            raise serializers.ValidationError({"name": [_("Not a valid string.")]})
        name = (name or "").strip()
        if len(name) > 200:
            raise serializers.ValidationError({"name": [_("Ensure this field has no more than 200 characters.")]})
        cache = self.context.get("enterprises")
        if cache is not None:  # preloaded with every USCC of the request: absent = not registered
            enterprise = cache.get(uscc)
        else:
            enterprise = Enterprise.objects.filter(uscc=uscc).first()
        if enterprise is None:
            name = name or self.context.get("enterprise_names", {}).get(uscc, "")
            if not name:
                raise serializers.ValidationError({"name": [self.error_messages["name_needed"]]})
        return Party(uscc=uscc, name=name, enterprise=enterprise)


class ScopedDepartmentField(serializers.PrimaryKeyRelatedField):
    """A department by id, among those the caller may see."""

    def get_queryset(self):
        request = self.context.get("request")
        return Department.objects.restrict(getattr(request, "user", None), "view")


# --- Projects -----------------------------------------------------------------------------------


class ProjectSerializer(ValidatedModelSerializer):
    """A construction project in the ledger, looked up by its code."""

    region_code = RegionCodeField(source="region", label=_("county"), help_text="6-digit county code.")
    region_name = RowColumnField(source="region.full_name")
    township_code = RegionCodeField(
        source="township", levels=("township",), required=False, allow_null=True, label=_("township"),
        help_text="9-digit township code inside the county.",
    )
    builder = PartyField(label=_("construction unit"))
    general_contractor = PartyField(label=_("general contractor"))
    regulator = ScopedDepartmentField(
        required=False, allow_null=True, label=_("sector regulator"), help_text="Department id of the sector regulator."
    )
    # No `default`: with one, DRF leaves the field out of a PATCH's answer when there is no regulator.
    regulator_name = RowColumnField(source="regulator.name", allow_null=True)
    wage_officer_phone = PiiField(
        kind="phone", max_length=20, label=_("labour/wage officer's phone"),
        help_text="Masked (138****5678) unless the caller may see personal data.",
    )
    active_warnings = serializers.SerializerMethodField(help_text="Number of active early warnings.")

    full_clean_exclude = ("builder", "general_contractor")

    class Meta:
        model = Project
        fields = [
            "code", "name", "region_code", "region_name", "township_code", "address", "investment_type", "industry",
            "contract_amount", "contract_signed_on", "start_date", "planned_end_date", "completed_on", "status",
            "builder", "general_contractor", "regulator", "regulator_name", "wage_officer_name", "wage_officer_phone",
            "injury_insurance", "payment_guarantee", "monitoring_required", "compliance_score",
            "compliance_evaluated_on", "active_warnings",
        ]
        read_only_fields = ["monitoring_required", "compliance_score", "compliance_evaluated_on"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_active_warnings(self, project):
        # Annotated by the viewset's queryset; counted here for a project saved just now.
        count = getattr(project, "active_warnings_count", None)
        return project.warnings.filter(active=True).count() if count is None else count

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def validate_code(self, value):
        if self.instance is not None and value != self.instance.code:
            raise serializers.ValidationError(_("The code of a project cannot be changed."))
        if "/" in value or value.strip() != value or value.lower() in RESERVED_CODES:
            raise serializers.ValidationError(_("A project code may not contain “/”, surrounding spaces, or be “bulk”."))
        return value

    def validate_industry(self, value):
        user = self._user()
        if user is not None and getattr(user, "is_bureau", False) and value not in (user.industries or []):
            raise serializers.ValidationError(_("Your account may not manage projects of this industry."))
        return value

    def validate(self, attrs):
        # The parties are not model values yet (a new enterprise is made on save): keep them out
        # of the model's full_clean(), which skips those two fields.
        parties = {name: attrs.pop(name) for name in PARTY_ROLES if name in attrs}
        attrs = super().validate(attrs)
        attrs.update(parties)
        return attrs

    def _apply_parties(self, project, parties):
        for field, party in parties.items():
            try:
                enterprise = enterprise_get_or_create(
                    uscc=party.uscc, name=party.name, region_code=project.region_id, role=PARTY_ROLES[field]
                )
            except DjangoValidationError as error:
                raise serializers.ValidationError({field: django_validation_error_to_drf(error).detail})
            setattr(project, field, enterprise)
            cache = self.context.get("enterprises")
            if cache is not None:
                cache[enterprise.uscc] = enterprise

    def _save(self, project, validated_data):
        parties = {name: validated_data.pop(name) for name in PARTY_ROLES if name in validated_data}
        for key, value in validated_data.items():
            setattr(project, key, value)
        self._apply_parties(project, parties)
        try:
            return project_save(project=project, refresh=self.context.get("refresh", True))
        except DjangoValidationError as error:
            raise django_validation_error_to_drf(error, field_map=self.serializer_field_map())

    def create(self, validated_data):
        return self._save(Project(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class BulkItemErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the item in the list, from 0.")
    code = serializers.CharField(allow_null=True, help_text="The item's project code, as sent.")
    errors = serializers.DictField(help_text='The item\'s field errors: {"field": ["message", ...]}.')


class BulkErrorSerializer(serializers.Serializer):
    """400 of a bulk call: `errors` for the invalid items, or `non_field_errors` alone when the body is not a
    list of at most 1,000 items."""

    errors = BulkItemErrorSerializer(many=True, required=False, help_text="The invalid items.")
    non_field_errors = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="The body is not a JSON list of at most 1,000 items."
    )


# --- Compliance -----------------------------------------------------------------------------------


class SystemResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SystemStatus.choices)
    problems = serializers.ListField(child=serializers.CharField(), help_text="What is wrong, in the user's language.")


class SystemsSerializer(serializers.Serializer):
    dedicated_account = SystemResultSerializer()
    real_name = SystemResultSerializer()
    contractor_payroll = SystemResultSerializer()
    wage_deposit = SystemResultSerializer()
    notice_board = SystemResultSerializer()

    def get_fields(self):
        fields = super().get_fields()
        assert set(fields) == set(SystemCode.values), "SystemsSerializer must name every system code"
        return fields


class ComplianceSerializer(serializers.Serializer):
    """The five core systems of a project evaluated on a day; 20 points per system in place."""

    project = serializers.CharField(help_text="Project code.")
    as_of = serializers.DateField()
    score = serializers.IntegerField(min_value=0, max_value=100)
    systems = SystemsSerializer()


class AsOfSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="Evaluate on this day (default today).")


# --- Arrears ---------------------------------------------------------------------------------------


class ArrearsPeriodSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="Month, YYYY-MM.")
    workers_owed = serializers.IntegerField()
    amount_owed = serializers.DecimalField(**MONEY)


class ArrearsSerializer(serializers.Serializer):
    """What the project owes its workers, from the payroll lines (due − paid)."""

    workers_owed = serializers.IntegerField()
    amount_owed = serializers.DecimalField(**MONEY)
    by_period = ArrearsPeriodSerializer(many=True)


# --- Dedicated account and allocations -------------------------------------------------------------


class DedicatedAccountSerializer(serializers.ModelSerializer):
    """The project's dedicated wage account (one per project)."""

    class Meta:
        model = DedicatedAccount
        fields = ["bank_name", "account_number", "opened_on", "closed_on"]
        read_only_fields = ["closed_on"]


class AllocationSerializer(serializers.ModelSerializer):
    """Labour costs paid into the dedicated account for a month (upserted by period)."""

    period = MonthField(help_text="Month, YYYY-MM; not in the future.")
    amount = serializers.DecimalField(min_value=0, **MONEY)

    class Meta:
        model = Allocation
        fields = ["period", "amount", "paid_on"]


# --- Real-name roster --------------------------------------------------------------------------------


class EmploymentSerializer(serializers.ModelSerializer):
    """A worker on the project's real-name roster (upserted by ID number)."""

    id_number = PiiField(
        source="worker.id_number", kind="id_number", max_length=18, required=True, allow_blank=False,
        label=_("ID number"), help_text="Resident ID number; masked (620502********123X) unless the caller may see personal data.",
    )
    name = serializers.CharField(source="worker.name", max_length=50, label=pgettext_lazy("person", "name"))
    phone = PiiField(
        source="worker.phone", kind="phone", max_length=20, label=_("phone"),
        help_text="Masked (138****5678) unless the caller may see personal data.",
    )
    employer_uscc = serializers.CharField(
        source="employer.uscc", required=False, allow_blank=True, allow_null=True, default=None, max_length=18,
        help_text="USCC of the employing enterprise (must be registered).",
    )
    employer_name = serializers.CharField(source="employer.name", read_only=True, allow_null=True, default=None)
    team = serializers.CharField(
        source="team.name", required=False, allow_blank=True, allow_null=True, default=None, max_length=100,
        help_text="Name of one of the project's work teams.",
    )
    daily_wage = serializers.DecimalField(min_value=0, required=False, allow_null=True, **MONEY)
    entered_before_contract = serializers.BooleanField(
        read_only=True, help_text="No contract, or entered the site before signing it (a real-name violation)."
    )

    class Meta:
        model = Employment
        fields = [
            "id_number", "name", "phone", "trade", "employer_uscc", "employer_name", "team", "daily_wage",
            "contract_signed_on", "entered_on", "exited_on", "entered_before_contract",
        ]
        extra_kwargs = {"contract_signed_on": {"required": False}, "exited_on": {"required": False}}

    def validate_id_number(self, value):
        value = normalize_id_number(value)
        try:
            validate_id_number(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(list(error.messages))
        return value

    def validate(self, attrs):
        project = self.context["project"]
        worker = attrs.get("worker", {})
        employer = attrs.pop("employer", None) or {}
        uscc = normalize_uscc(employer.get("uscc") or "")
        attrs["employer"] = None
        if uscc:
            attrs["employer"] = Enterprise.objects.filter(uscc=uscc).first()
            if attrs["employer"] is None:
                raise serializers.ValidationError({"employer_uscc": [_("No enterprise with this code is registered; add it first.")]})
        team = (attrs.pop("team", None) or {}).get("name") or ""
        attrs["team"] = None
        if team:
            attrs["team"] = project.teams.filter(name=team).first()
            if attrs["team"] is None:
                raise serializers.ValidationError({"team": [_("The project has no work team of this name.")]})
        entered, exited = attrs.get("entered_on"), attrs.get("exited_on")
        if entered and exited and exited < entered:
            raise serializers.ValidationError({"exited_on": [_("The exit date is before the entry date.")]})
        attrs["worker"] = worker
        return attrs


# --- Payroll -------------------------------------------------------------------------------------------


class PayrollLineSerializer(serializers.ModelSerializer):
    id_number = PiiField(
        source="employment.worker.id_number", kind="id_number", max_length=18, required=True, allow_blank=False,
        help_text="ID number of a worker on the project's roster; masked unless the caller may see personal data.",
    )
    name = serializers.CharField(source="employment.worker.name", read_only=True)
    amount_due = serializers.DecimalField(min_value=0, **MONEY)
    amount_paid = serializers.DecimalField(min_value=0, **MONEY)
    owed = serializers.DecimalField(read_only=True, **MONEY)

    class Meta:
        model = PayrollLine
        fields = ["id_number", "name", "amount_due", "amount_paid", "owed"]

    def validate_id_number(self, value):
        value = normalize_id_number(value)
        roster = self.context.get("roster")
        if roster is not None and value not in roster:
            raise serializers.ValidationError(_("This person is not on the project's roster."))
        return value


class PayrollSerializer(serializers.ModelSerializer):
    """A month's pay sheet paid by the general contractor; posting a month again replaces it."""

    period = MonthField(help_text="Month, YYYY-MM; not in the future.")
    lines = PayrollLineSerializer(many=True)
    amount_due = serializers.SerializerMethodField()
    amount_paid = serializers.SerializerMethodField()

    class Meta:
        model = Payroll
        fields = ["period", "paid_on", "paid_via", "amount_due", "amount_paid", "lines"]
        extra_kwargs = {"paid_on": {"required": True, "allow_null": True}, "paid_via": {"required": False}}

    def validate_lines(self, lines):
        # Errors keyed by the line's index, as DRF reports the lines' own field errors.
        seen, errors = set(), {}
        for index, line in enumerate(lines):
            id_number = line["employment"]["worker"]["id_number"]
            if id_number in seen:
                errors[index] = {"id_number": [_("This person appears twice in the payroll.")]}
            seen.add(id_number)
        if errors:
            if not api_settings.LIST_SERIALIZER_ERRORS_AS_DICT:
                errors = [errors.get(index, {}) for index in range(len(lines))]
            raise serializers.ValidationError(errors)
        return lines

    @extend_schema_field(MONEY_STRING)
    def get_amount_due(self, payroll):
        return f"{sum((line.amount_due for line in payroll.lines.all()), 0):.2f}"

    @extend_schema_field(MONEY_STRING)
    def get_amount_paid(self, payroll):
        return f"{sum((line.amount_paid for line in payroll.lines.all()), 0):.2f}"


# --- Wage deposit --------------------------------------------------------------------------------------


class WageDepositSerializer(serializers.ModelSerializer):
    """The wage deposit; the response adds what policy requires of this project today, and why."""

    form = serializers.ChoiceField(choices=DepositForm.choices, required=False, allow_blank=True)
    amount = serializers.DecimalField(min_value=0, required=False, **MONEY)
    required_amount = serializers.SerializerMethodField()
    required_rate = serializers.SerializerMethodField(help_text="Percent of the contract amount applied.")
    required_reasons = serializers.SerializerMethodField()

    class Meta:
        model = WageDeposit
        fields = [
            "form", "amount", "deposited_on", "exempt", "exemption_reason", "return_notice_on", "returned_on",
            "required_amount", "required_rate", "required_reasons",
        ]
        read_only_fields = ["return_notice_on", "returned_on"]
        extra_kwargs = {"deposited_on": {"required": False}, "exemption_reason": {"required": False}}

    def _requirement(self):
        return self.context["requirement"]

    @extend_schema_field(MONEY_STRING)
    def get_required_amount(self, deposit):
        return f"{self._requirement().amount:.2f}"

    @extend_schema_field(MONEY_STRING)
    def get_required_rate(self, deposit):
        return f"{self._requirement().rate.normalize():f}"

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_required_reasons(self, deposit):
        return [str(reason) for reason in self._requirement().reasons]


# --- Notice board ----------------------------------------------------------------------------------------


class NoticeItemsField(serializers.ListField):
    """The item codes the board shows; an unknown one is named in a flat message."""

    child = serializers.ChoiceField(choices=NoticeItem.choices)

    def to_internal_value(self, data):
        if isinstance(data, list):
            unknown = [str(item) for item in data if item not in NoticeItem.values]
            if unknown:
                raise serializers.ValidationError(
                    _("Unknown notice board item: %(items)s. Use: %(codes)s.")
                    % {"items": ", ".join(unknown), "codes": ", ".join(NoticeItem.values)}
                )
        return super().to_internal_value(data)


class NoticeBoardSerializer(serializers.ModelSerializer):
    """The rights notice board at the site entrance and the items it shows."""

    items = NoticeItemsField(help_text="Item codes shown on the board.")
    missing_items = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Item codes the board does not show."
    )
    photo = serializers.FileField(read_only=True, allow_null=True, use_url=True)

    class Meta:
        model = NoticeBoard
        fields = ["installed_on", "items", "missing_items", "photo"]


# --- Warnings ------------------------------------------------------------------------------------------------


class ProjectWarningSerializer(serializers.ModelSerializer):
    """An early warning raised on a project by a warning rule."""

    project = serializers.CharField(source="project.code", read_only=True, help_text="Project code.")
    project_name = serializers.CharField(source="project.name", read_only=True)

    class Meta:
        model = ProjectWarning
        fields = ["id", "project", "project_name", "rule", "severity", "message", "raised_on", "cleared_on", "active"]
        read_only_fields = fields


# --- Parties: subcontractors and work teams ---------------------------------------------------------------


def _checked_uscc(value):
    uscc = normalize_uscc(value)
    try:
        validate_uscc(uscc)
    except DjangoValidationError as error:
        raise serializers.ValidationError(list(error.messages))
    return uscc


class SubcontractorSerializer(serializers.ModelSerializer):
    """A subcontractor of the project, named by USCC (upserted by USCC); an unknown USCC registers the
    enterprise under `name`."""

    uscc = serializers.CharField(source="enterprise.uscc", max_length=18, help_text="Unified social credit code (GB 32100-2015).")
    name = serializers.CharField(
        source="enterprise.name", max_length=200, required=False, allow_blank=True,
        help_text="Needed when the USCC is not registered yet.",
    )
    scope_of_work = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        model = ProjectSubcontractor
        fields = ["uscc", "name", "scope_of_work"]

    def validate_uscc(self, value):
        return _checked_uscc(value)

    def validate(self, attrs):
        party = attrs.pop("enterprise", {})
        uscc, name = party["uscc"], (party.get("name") or "").strip()
        enterprise = Enterprise.objects.filter(uscc=uscc).first()
        if enterprise is None and not name:
            raise serializers.ValidationError({"name": [_("This enterprise is not registered yet: give its name.")]})
        attrs.update(uscc=uscc, name=name, enterprise=enterprise)
        return attrs


class WorkTeamSerializer(serializers.ModelSerializer):
    """A work team of the project (upserted by name); the leader's phone is masked unless the caller
    may see personal data."""

    employer_uscc = serializers.CharField(
        source="employer.uscc", required=False, allow_blank=True, allow_null=True, default=None, max_length=18,
        help_text="USCC of the employing enterprise (must be registered).",
    )
    employer_name = serializers.CharField(source="employer.name", read_only=True, allow_null=True, default=None)
    leader_phone = PiiField(kind="phone", max_length=20, help_text="Masked (138****5678) unless the caller may see personal data.")

    class Meta:
        model = WorkTeam
        fields = ["name", "employer_uscc", "employer_name", "leader_name", "leader_phone"]
        extra_kwargs = {"leader_name": {"required": False}}
        validators = []  # (project, name) is the upsert key, not a uniqueness error

    def validate_name(self, value):
        value = value.strip()
        if not value:
            raise serializers.ValidationError(_("This field may not be blank."))
        return value

    def validate(self, attrs):
        employer = attrs.pop("employer", None) or {}
        uscc = normalize_uscc(employer.get("uscc") or "")
        attrs["employer"] = None
        if uscc:
            attrs["employer"] = Enterprise.objects.filter(uscc=uscc).first()
            if attrs["employer"] is None:
                raise serializers.ValidationError({"employer_uscc": [_("No enterprise with this code is registered; add it first.")]})
        return attrs


# --- Attendance ---------------------------------------------------------------------------------------------


class AttendanceLineSerializer(serializers.ModelSerializer):
    id_number = PiiField(
        source="employment.worker.id_number", kind="id_number", max_length=18, required=True, allow_blank=False,
        help_text="ID number of a worker on the project's roster; masked unless the caller may see personal data.",
    )
    name = serializers.CharField(source="employment.worker.name", read_only=True)
    days = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=31)

    class Meta:
        model = Attendance
        fields = ["id_number", "name", "days"]

    def validate_id_number(self, value):
        return normalize_id_number(value)


class AttendanceMonthSerializer(serializers.Serializer):
    """A month's attendance days per worker on the roster; posting a month again replaces it."""

    period = MonthField(help_text="Month, YYYY-MM; not in the future.")
    days = AttendanceLineSerializer(many=True)

    def validate_days(self, lines):
        seen, errors = set(), {}
        for index, line in enumerate(lines):
            id_number = line["employment"]["worker"]["id_number"]
            if id_number in seen:
                errors[index] = {"id_number": [_("This person appears twice in the attendance.")]}
            seen.add(id_number)
        if errors:
            if not api_settings.LIST_SERIALIZER_ERRORS_AS_DICT:
                errors = [errors.get(index, {}) for index in range(len(lines))]
            raise serializers.ValidationError(errors)
        return lines


# --- Account closing and deposit return ---------------------------------------------------------------------


class AccountCloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField()


class DepositReturnNoticeSerializer(serializers.Serializer):
    notice_on = serializers.DateField()


class DepositReturnSerializer(serializers.Serializer):
    returned_on = serializers.DateField()
