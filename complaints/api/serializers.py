"""API serializers of complaints: the clue (intake fields in, workflow state and deadlines out), the
bodies of its workflow actions, its timeline, the duplicate check, the figures, and the caller's
notifications. Writes are made by complaints.services; the serializers parse, check and present."""
from urllib.parse import quote

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects.models import Project
from wagecase.core.api.exceptions import django_validation_error_to_drf
from wagecase.core.api.fields import PiiField, RegionCodeField, RowColumnField, RowRefMixin
from wagecase.core.api.serializers import ValidatedModelSerializer, blank_choice_field
from wagecase.core.models import Notification, User
from wagecase.core.validators import normalize_id_number, normalize_uscc

from .. import services
from ..choices import CLASSIFY_CATEGORIES, DeadlineState, TransferKind, TransferOutcome
from ..models import DESCRIPTION_MAX, TEXT_MAX, Clue, ClueEvent

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}
NUMBER_PLACEHOLDER = "CLUENUMBERPLACEHOLDER"  # letters only: reverse() and build_absolute_uri() keep it as is


# --- Fields -------------------------------------------------------------------------------------


class ScopedProjectField(serializers.SlugRelatedField):
    """A project by code, among those the caller may see: another county's project is "no such project"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("style", {"base_template": "input.html"})
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return Project.objects.restrict(getattr(request, "user", None), "view")

    def get_attribute(self, instance):
        # ClueViewSet annotates the code (a scalar subquery) rather than joining the project.
        if hasattr(instance, "project_code_value"):
            return instance.project_code_value
        return super().get_attribute(instance)

    def to_representation(self, value):
        return value if isinstance(value, str) else super().to_representation(value)


@extend_schema_field(OpenApiTypes.INT)
class ScopedUserField(serializers.PrimaryKeyRelatedField):
    """A user by id, among those the caller may see."""

    def get_queryset(self):
        request = self.context.get("request")
        return User.objects.restrict(getattr(request, "user", None), "view").filter(is_active=True)


@extend_schema_field({"type": "string", "enum": TransferOutcome.values})
class TransferOutcomeField(serializers.ChoiceField):
    """The department's outcome. Its schema is inline: the clue's `transfer_outcome` names the enum component."""

    def __init__(self, **kwargs):
        super().__init__(choices=TransferOutcome.choices, **kwargs)


class StrField(serializers.CharField):
    """str() of the object itself, read-only. (`source="__str__"` does the same, but DRF inspects
    the method's signature on every row to see whether it may call it.)"""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)


class UserBriefSerializer(RowRefMixin, serializers.Serializer):
    """A user, in short."""

    id = serializers.IntegerField(read_only=True)
    name = StrField()


class DepartmentRefSerializer(RowRefMixin, serializers.Serializer):
    """A department, in short."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)


class ChoiceLabelField(serializers.CharField):
    """The display label of a model field's choice, read-only: what `get_<field>_display()` gives,
    from a dict built once per serializer. (A `source="get_status_display"` field costs ~50 µs a
    row: DRF inspects the method's signature on every call and Django rebuilds the flat choices.)"""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        model_field = parent.Meta.model._meta.get_field(self.source_attrs[-1])
        self.labels = dict(model_field.flatchoices)

    def to_representation(self, value):
        return str(self.labels.get(value, value))


@extend_schema_field({"type": "string", "nullable": True})
class AnnotatedCodeField(serializers.Field):
    """A related object's code (a slug), read-only: from the queryset's annotation `annotation` when
    the row has it (ClueViewSet annotates it with a scalar subquery), else from the related object.
    Spares the list a join whose one column is shown."""

    def __init__(self, *, annotation, slug_field, **kwargs):
        kwargs["read_only"] = True
        self.annotation = annotation
        self.slug_field = slug_field
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        if hasattr(instance, self.annotation):
            return getattr(instance, self.annotation)
        related = super().get_attribute(instance)
        return None if related is None else getattr(related, self.slug_field)

    def to_representation(self, value):
        return value


# --- Clues --------------------------------------------------------------------------------------


class ClueSerializer(ValidatedModelSerializer):
    """A wage-arrears clue (欠薪线索). POST registers it (the caller becomes its first-responsible
    officer); the state changes only through the actions under `/clues/{number}/<action>/`."""

    complainant_phone = PiiField(
        kind="phone", max_length=20, required=True, allow_blank=False, label=_("complainant's phone"),
        help_text="Mobile or landline. Masked (138****5678) unless the caller may see personal data.",
    )
    complainant_id_number = PiiField(
        kind="id_number", max_length=18, label=_("complainant's ID number"),
        help_text="Optional resident ID number. Masked (620502********123X) unless the caller may see personal data.",
    )
    project_code = ScopedProjectField(
        source="project", required=False, allow_null=True, label=_("project"),
        help_text="Optional code of the project concerned, in the caller's scope and the clue's county.",
    )
    region_code = RegionCodeField(source="region", label=_("county"), help_text="6-digit code of the county handling the clue.")
    region_name = RowColumnField(source="region.full_name")
    employer_uscc = serializers.CharField(
        max_length=18, required=False, allow_blank=True, label=_("employer's USCC"),
        help_text="Optional unified social credit code of the employer (GB 32100-2015).",
    )
    description = serializers.CharField(max_length=DESCRIPTION_MAX, label=_("description"))
    amount_claimed = serializers.DecimalField(**MONEY, label=_("amount claimed"), help_text="Yuan, e.g. \"18600.00\".")

    status_display = ChoiceLabelField(source="status")
    category_display = ChoiceLabelField(source="category", allow_null=True)
    channel_display = ChoiceLabelField(source="channel")
    overdue = serializers.BooleanField(read_only=True, help_text="Open and past the deadline running now.")
    deadline_state = serializers.SerializerMethodField(help_text="`none`, `normal`, `warning` or `overdue`, today.")
    possible_duplicates = serializers.SerializerMethodField(
        help_text="Numbers of earlier clues (in the caller's scope) about the same employer, project or complainant."
    )
    owner = UserBriefSerializer(read_only=True, allow_null=True, help_text="The responsible officer now.")
    received_by = UserBriefSerializer(read_only=True, allow_null=True, help_text="Who registered the clue.")
    transferred_to = DepartmentRefSerializer(read_only=True, allow_null=True)
    merged_into = AnnotatedCodeField(annotation="merged_into_number", slug_field="number", allow_null=True,
                                     label=Clue._meta.get_field("number").verbose_name)
    url = serializers.SerializerMethodField(help_text="API address of the clue.")
    timeline_url = serializers.SerializerMethodField(help_text="API address of the clue's timeline (`events/`).")
    page_url = serializers.SerializerMethodField(help_text="Address of the clue's page.")

    industry = blank_choice_field(Clue, "industry")
    transfer_outcome = blank_choice_field(Clue, "transfer_outcome")

    full_clean_exclude = ("number", "accept_due", "accept_warn_on")

    class Meta:
        model = Clue
        fields = [
            "number", "url", "page_url", "timeline_url",
            # Intake (writable)
            "channel", "channel_display", "received_at", "complainant_name", "complainant_phone", "complainant_id_number",
            "project_code", "employer_name", "employer_uscc", "region_code", "region_name", "workers_involved",
            "amount_claimed", "description",
            # Workflow (read-only)
            "industry", "status", "status_display", "category", "category_display", "owner", "received_by",
            "accept_due", "accepted_at", "resolve_due", "due_on", "deadline_state", "overdue",
            "extension_requested_at", "extension_reason", "extended_at",
            "classified_at", "reject_reason",
            "transferred_to", "transferred_at", "transfer_reason", "transfer_due", "transfer_replied_at",
            "transfer_outcome", "transfer_reply",
            "workers_paid", "amount_recovered", "result", "result_explanation", "resolved_at",
            "reply", "closed_at", "revisited_at", "revisit_satisfied", "revisit_note",
            "merged_into", "possible_duplicates",
        ]
        read_only_fields = [
            "number", "industry", "status", "category", "accept_due", "accepted_at", "resolve_due", "due_on",
            "extension_requested_at", "extension_reason", "extended_at", "classified_at", "reject_reason",
            "transferred_at", "transfer_reason", "transfer_due", "transfer_replied_at", "transfer_outcome",
            "transfer_reply", "workers_paid", "amount_recovered", "result", "result_explanation", "resolved_at",
            "reply", "closed_at", "revisited_at", "revisit_satisfied", "revisit_note",
        ]

    # --- Read ---------------------------------------------------------------------------------

    @extend_schema_field(serializers.ChoiceField(choices=DeadlineState.choices))
    def get_deadline_state(self, clue):
        return str(clue.deadline_state())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_possible_duplicates(self, clue):
        # The viewset prefetches the links to candidates in the caller's scope (`scoped_duplicates`).
        links = getattr(clue, "scoped_duplicates", None)
        if links is None:
            request = self.context.get("request")
            visible = Clue.objects.restrict(getattr(request, "user", None), "view")
            links = clue.duplicate_links.filter(candidate__in=visible).select_related("candidate")
        return [link.candidate.number for link in links]

    def _absolute(self, path):
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def _clue_address(self, url_name, clue):
        """The absolute address `url_name` gives for this clue's number. Reversed and made absolute
        once per response, with a placeholder for the number, then filled in per row as reverse()
        would quote it: three reverse() calls a row were ~2 ms of a 50-row page."""
        templates = self.context.setdefault("_clue_address_templates", {})
        if url_name not in templates:
            templates[url_name] = self._absolute(reverse(url_name, args=[NUMBER_PLACEHOLDER]))
        return templates[url_name].replace(NUMBER_PLACEHOLDER, quote(clue.number, safe=RFC3986_SUBDELIMS + "/~:@"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, clue):
        return self._clue_address("clue-detail", clue)

    @extend_schema_field(OpenApiTypes.URI)
    def get_timeline_url(self, clue):
        return self._clue_address("clue-events", clue)

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, clue):
        return self._clue_address("complaints:clue_detail", clue)  # clue.get_absolute_url()

    # --- Write --------------------------------------------------------------------------------

    def validate_employer_uscc(self, value):
        return normalize_uscc(value) if value else ""

    def validate_complainant_id_number(self, value):
        return normalize_id_number(value).upper() if value else ""

    def validate_complainant_phone(self, value):
        return value.strip()

    def create(self, validated_data):
        request = self.context.get("request")
        try:
            return services.clue_receive(user=getattr(request, "user", None), **validated_data)
        except DjangoValidationError as error:
            raise django_validation_error_to_drf(error, field_map=self.serializer_field_map())

    def update(self, instance, validated_data):
        raise NotImplementedError("Clues change through their workflow actions only.")


class ClueEventSerializer(serializers.ModelSerializer):
    """One entry of a clue's timeline."""

    type_display = serializers.CharField(source="get_type_display", read_only=True)
    user = UserBriefSerializer(read_only=True, allow_null=True)
    user_name = serializers.SerializerMethodField()

    class Meta:
        model = ClueEvent
        fields = ["id", "type", "type_display", "created", "user", "user_name", "comment", "parameters"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_user_name(self, event):
        return str(event.user) if event.user_id else ""


# --- Bodies of the workflow actions ----------------------------------------------------------------


class ClueAcceptSerializer(serializers.Serializer):
    """Accept the clue (received → accepted); the 60-working-day handling period starts."""

    comment = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class ClueRejectSerializer(serializers.Serializer):
    """Do not accept the clue (received → closed, category `not_accepted`)."""

    reason = serializers.CharField(max_length=TEXT_MAX, help_text="Why the clue is not accepted.")


class ClueClassifySerializer(serializers.Serializer):
    """Classify an accepted clue (accepted → in_progress)."""

    category = serializers.ChoiceField(choices=[(c.value, c.label) for c in CLASSIFY_CATEGORIES])
    comment = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class ClueTransferSerializer(serializers.Serializer):
    """Transfer to the department of that kind responsible for the clue's region (accepted/in_progress → transferred)."""

    department = serializers.ChoiceField(choices=TransferKind.choices, help_text="Kind of department.")
    reason = serializers.CharField(max_length=TEXT_MAX)


class ClueResolveSerializer(serializers.Serializer):
    """The result of the handling (in_progress → resolved)."""

    workers_paid = serializers.IntegerField(min_value=0)
    amount_recovered = serializers.DecimalField(**MONEY)
    result = serializers.CharField(max_length=DESCRIPTION_MAX)
    result_explanation = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True,
        help_text="Needed when the figures do not match the clue (e.g. more workers paid than involved).",
    )


class ClueCloseSerializer(serializers.Serializer):
    """Close a resolved clue with the reply given to the complainant (resolved → closed)."""

    reply = serializers.CharField(max_length=DESCRIPTION_MAX)


class ClueTransferReplySerializer(serializers.Serializer):
    """The receiving department's answer: `handled` (→ resolved, with the figures) or `returned` (→ back to the office)."""

    outcome = TransferOutcomeField(help_text="`handled` or `returned`.")
    reply = serializers.CharField(max_length=TEXT_MAX)
    workers_paid = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    amount_recovered = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    result_explanation = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class ClueHandOverSerializer(serializers.Serializer):
    """Hand the clue to another officer, who becomes responsible for it."""

    to_user = ScopedUserField(help_text="Id of the officer taking the clue over.")
    comment = serializers.CharField(max_length=TEXT_MAX)


class ClueExtensionRequestSerializer(serializers.Serializer):
    """Ask the office head for the one extension of the handling period."""

    reason = serializers.CharField(max_length=TEXT_MAX)


class ClueExtensionApproveSerializer(serializers.Serializer):
    """The office head approves the extension (+30 working days, once)."""

    comment = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class ClueRevisitSerializer(serializers.Serializer):
    """The return visit to the complainant after resolution."""

    satisfied = serializers.BooleanField()
    note = serializers.CharField(max_length=TEXT_MAX)


class ClueMergeSerializer(serializers.Serializer):
    """Merge this clue, a duplicate, into an earlier one (this one closes as `duplicate`)."""

    into = serializers.CharField(max_length=32, help_text="Number of the clue to merge into.")
    comment = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)

    def validate_into(self, value):
        request = self.context.get("request")
        target = Clue.objects.restrict(getattr(request, "user", None), "change").filter(number=value.strip()).first()
        if target is None:
            raise serializers.ValidationError(_("There is no clue with this number in your jurisdiction."))
        return target


class ClueNoteSerializer(serializers.Serializer):
    """A note on the clue's timeline."""

    comment = serializers.CharField(max_length=DESCRIPTION_MAX)


# --- Duplicate check ---------------------------------------------------------------------------


class DuplicateQuerySerializer(serializers.Serializer):
    """What the intake form knows so far."""

    employer_uscc = serializers.CharField(required=False, allow_blank=True, max_length=40)
    employer_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    project_code = serializers.CharField(required=False, allow_blank=True, max_length=100)
    complainant_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    region_code = serializers.RegexField(r"^\d{6}$", required=False, allow_blank=True,
                                         help_text="County of the new clue (its duplicate window).")
    received_at = serializers.DateTimeField(required=False, help_text="Time of receipt (default now).")


class DuplicateCandidateSerializer(serializers.Serializer):
    """An earlier clue that may be about the same arrears, and why."""

    number = serializers.CharField(source="clue.number")
    received_at = serializers.DateTimeField(source="clue.received_at")
    status = serializers.CharField(source="clue.status")
    status_display = serializers.CharField(source="clue.get_status_display")
    employer_name = serializers.CharField(source="clue.employer_name")
    region_code = serializers.CharField(source="clue.region_id")
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=list(services.DUPLICATE_REASONS)),
        help_text="`employer_uscc`, `employer_name`, `project`, `complainant_phone`.",
    )
    reasons_display = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_reasons_display(self, item):
        return [str(services.DUPLICATE_REASONS.get(reason, reason)) for reason in item["reasons"]]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, item):
        path = reverse("clue-detail", args=[item["clue"].number])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


# --- Figures -----------------------------------------------------------------------------------


class FiguresQuerySerializer(serializers.Serializer):
    region_code = serializers.RegexField(r"^(\d{2}|\d{4}|\d{6})$", required=False, allow_blank=True,
                                         help_text="Region code prefix (62 = the province).")
    date_from = serializers.DateField(required=False, help_text="First day of receipt, inclusive.")
    date_to = serializers.DateField(required=False, help_text="Last day of receipt, inclusive.")

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": [_("The end of the period is before its start.")]})
        return attrs


class FigureRowSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    closed = serializers.IntegerField()
    overdue = serializers.IntegerField()
    closure_rate = serializers.FloatField(allow_null=True, help_text="Percent, one decimal; null when nothing was received.")


class ClueFiguresSerializer(serializers.Serializer):
    """Clue figures of a region and period (merged duplicates count once)."""

    region_code = serializers.CharField(allow_blank=True)
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    received = serializers.IntegerField()
    accepted_on_time = serializers.IntegerField(help_text="Accepted (or not accepted) by the acceptance deadline.")
    closed = serializers.IntegerField()
    closure_rate = serializers.FloatField(allow_null=True, help_text="closed ÷ received, percent with one decimal.")
    overdue = serializers.IntegerField(help_text="Open and past the running deadline today.")
    in_warning = serializers.IntegerField()
    workers_paid = serializers.IntegerField()
    amount_recovered = serializers.DecimalField(max_digits=16, decimal_places=2)
    by_channel = serializers.DictField(child=FigureRowSerializer(), help_text="Keyed by channel.")
    by_category = serializers.DictField(child=FigureRowSerializer(), help_text="Keyed by category (`unclassified` for none).")


# --- Notifications -----------------------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    """An in-app notification of the caller."""

    unread = serializers.SerializerMethodField()
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "created", "level", "level_display", "title", "body", "url", "read_at", "unread"]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_unread(self, notification):
        return notification.read_at is None


class ReadAllResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()

