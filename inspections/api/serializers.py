"""API serializers of inspections: inspection records (with the order they issued and their photos),
rectification orders with their re-inspections, penalty decisions, campaigns with their phases and
progress, and double-random draws. Writes go through inspections.services; the serializers parse,
check (the models' own `full_clean()`) and present."""
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.api.serializers import ScopedProjectField
from complaints.models import Clue
from projects.filtersets import ProjectFilterSet
from wagecase.core.api.exceptions import django_validation_error_to_drf
from wagecase.core.api.fields import RegionCodeField
from wagecase.core.api.serializers import ValidatedModelSerializer
from wagecase.core.choices import Industry, RegionLevel
from wagecase.core.models import User
from wagecase.core.models.regions import ancestor_codes

from .. import services
from ..choices import CheckResult, ChecklistItem, OrderStatus, PenaltyArticle
from ..models import (
    TEXT_MAX, Campaign, CampaignPhase, Draw, Inspection, InspectionPhoto, PenaltyDecision, RectificationOrder, Reinspection,
)

CAMPAIGN_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)
ITEM_LABELS = dict(ChecklistItem.choices)


def _request_user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def _absolute(serializer, url):
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


def _file_url(serializer, field_file):
    return _absolute(serializer, field_file.url) if field_file else None


def visible_inspectors(user):
    """Active users who may inspect, whose jurisdiction lies in the caller's or above it (a city
    inspector may join a county's inspection); anyone else is an unknown username."""
    queryset = User.objects.filter(is_active=True, role__in=services.INSPECTOR_ROLES)
    prefix = getattr(user, "scope_prefix", None)
    if prefix is None:
        return queryset.none()
    if prefix:
        queryset = queryset.filter(Q(jurisdiction__code__startswith=prefix) | Q(jurisdiction_id__in=ancestor_codes(prefix)))
    return queryset


class UsernamesField(serializers.ListField):
    """Inspectors: written as usernames (among `visible_inspectors` of the caller; unknown names
    are a 400), read as `{username, name}` objects."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.CharField(max_length=150))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        names = list(dict.fromkeys(name.strip() for name in super().to_internal_value(data)))
        users = {u.username: u for u in visible_inspectors(_request_user(self)).filter(username__in=names)}
        unknown = [name for name in names if name not in users]
        if unknown:
            raise serializers.ValidationError(_("Unknown inspectors: %s.") % ", ".join(unknown))
        if self.min_length and len(names) < self.min_length:
            raise serializers.ValidationError(_("An inspection needs at least two inspectors."))
        return [users[name] for name in names]

    def to_representation(self, value):
        users = value.all() if hasattr(value, "all") else value
        return [{"username": u.username, "name": str(u)} for u in users]


class UsernamesFieldExtension(OpenApiSerializerFieldExtension):
    """Usernames in requests, `Inspector` objects in responses."""

    target_class = UsernamesField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            schema = {"type": "array", "items": {"type": "string"}}
            if self.target.min_length:
                schema["minItems"] = self.target.min_length
            return schema
        component = auto_schema.resolve_serializer(InspectorSerializer, direction)
        return {"type": "array", "items": component.ref}


class InspectorSerializer(serializers.Serializer):
    """An inspector, in short."""

    username = serializers.CharField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class EnterpriseBriefSerializer(serializers.Serializer):
    """An enterprise, in short."""

    uscc = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ItemLabelSerializer(serializers.Serializer):
    """A checklist item and its label in the caller's language."""

    item = serializers.ChoiceField(choices=ChecklistItem.choices, read_only=True)
    label = serializers.CharField(read_only=True)


# --- Inspections ----------------------------------------------------------------------------------


class OrderBriefSerializer(serializers.Serializer):
    """The rectification order an inspection issued."""

    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    status = serializers.SerializerMethodField(help_text="Today's status: an open order past `rectify_by` is `overdue`.")
    rectify_by = serializers.DateField(read_only=True)

    @extend_schema_field(serializers.ChoiceField(choices=OrderStatus.choices))
    def get_status(self, order):
        return str(order.current_status())


class InspectionPhotoSerializer(serializers.ModelSerializer):
    """An evidence photo of an inspection."""

    url = serializers.SerializerMethodField(help_text="Address of the image.")

    class Meta:
        model = InspectionPhoto
        fields = ["id", "url", "caption"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, photo):
        return _file_url(self, photo.image)


class InspectionPhotoUploadSerializer(serializers.Serializer):
    """A photo upload (multipart/form-data): a JPEG, PNG or WebP image of at most 5 MB, and a caption."""

    image = serializers.FileField(help_text="JPEG, PNG or WebP, at most 5 MB.")
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True)


class InspectionSerializer(ValidatedModelSerializer):
    """An inspection record (检查记录). POST records it through the service: at least two inspectors,
    every checklist item answered; any `fail` issues a rectification order (`order`)."""

    project_code = ScopedProjectField(
        source="project", label=_("project"), help_text="Code of the project inspected, in the caller's scope.",
    )
    project_name = serializers.CharField(source="project.name", read_only=True)
    region_code = serializers.CharField(source="project.region_id", read_only=True)
    inspectors = UsernamesField(
        min_length=2, label=_("inspectors"), help_text="Usernames of the inspectors (at least two, of the project's county).",
    )
    checklist = serializers.DictField(
        child=serializers.ChoiceField(choices=CheckResult.choices), label=_("checklist"),
        help_text="Every item (" + ", ".join(ChecklistItem.values) + ") → `pass`, `fail` or `na`.",
    )
    checklist_notes = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=True), required=False, label=_("notes per item"),
        help_text="Optional note per checklist item.",
    )
    failed_items = serializers.ListField(child=serializers.ChoiceField(choices=ChecklistItem.choices), read_only=True)
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.none(), required=False, allow_null=True, help_text="Id of the campaign, if any.",
    )
    clue = serializers.SlugRelatedField(
        slug_field="number", queryset=Clue.objects.none(), required=False, allow_null=True,
        help_text="Number of the clue that triggered the inspection, if any.",
    )
    rectify_by = serializers.DateField(
        write_only=True, required=False, allow_null=True,
        help_text="Deadline of the order when an item fails (default: the policy's working days after the inspection).",
    )
    order = serializers.SerializerMethodField(help_text="The rectification order issued, or null.")
    photos = InspectionPhotoSerializer(many=True, read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Inspection
        fields = [
            "id", "project_code", "project_name", "region_code", "inspected_on", "method", "inspectors", "checklist",
            "checklist_notes", "failed_items", "findings", "workers_interviewed", "interview_notes", "campaign", "clue", "draw", "rectify_by", "order", "photos", "recorded_by",
        ]
        read_only_fields = ["draw"]

    def get_fields(self):
        fields = super().get_fields()
        user = _request_user(self)
        fields["campaign"].queryset = Campaign.objects.restrict(user, "view")
        fields["clue"].queryset = Clue.objects.restrict(user, "view")
        return fields

    # --- Read -----------------------------------------------------------------------------------

    @extend_schema_field(OrderBriefSerializer(allow_null=True))
    def get_order(self, inspection):
        try:
            order = inspection.order
        except ObjectDoesNotExist:
            return None
        return OrderBriefSerializer(order).data if order is not None else None

    # --- Write ----------------------------------------------------------------------------------

    def validate_checklist_notes(self, value):
        unknown = [key for key in value if key not in ChecklistItem.values]
        if unknown:
            raise serializers.ValidationError(_("Unknown checklist items: %s.") % ", ".join(unknown))
        return value

    def create(self, validated_data):
        try:
            return services.inspection_record(user=_request_user(self), **validated_data)
        except DjangoValidationError as error:
            raise django_validation_error_to_drf(error, field_map=self.serializer_field_map())

    def update(self, instance, validated_data):
        raise NotImplementedError("Inspection records are not edited through the API.")


# --- Rectification orders -------------------------------------------------------------------------


class ReinspectionSerializer(serializers.ModelSerializer):
    """A re-inspection (复查) of an order and its outcome."""

    user = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Reinspection
        fields = ["id", "reinspected_on", "rectified", "note", "outcome", "user"]
        read_only_fields = fields


class PenaltyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PenaltyDecision
        fields = ["id", "number", "article", "amount", "work_stoppage", "decided_on"]
        read_only_fields = fields


class RectificationOrderSerializer(serializers.ModelSerializer):
    """A rectification order (限期整改指令书): the failed items, the deadline, and its status today
    (`open` → `overdue` past `rectify_by` → `closed` on a rectified re-inspection, or `escalated`)."""

    status = serializers.SerializerMethodField(help_text="Today's status: an open order past `rectify_by` is `overdue`.")
    items = serializers.ListField(child=serializers.ChoiceField(choices=ChecklistItem.choices), read_only=True)
    item_labels = serializers.SerializerMethodField()
    project_code = serializers.CharField(source="project.code", read_only=True)
    project_name = serializers.CharField(source="project.name", read_only=True)
    region_code = serializers.CharField(source="project.region_id", read_only=True)
    enterprise = EnterpriseBriefSerializer(read_only=True)
    inspection = serializers.PrimaryKeyRelatedField(read_only=True)
    reinspections = ReinspectionSerializer(many=True, read_only=True)
    penalties = PenaltyBriefSerializer(many=True, read_only=True)
    document_url = serializers.SerializerMethodField(help_text="Address of the PDF, or null when none is stored.")

    class Meta:
        model = RectificationOrder
        fields = [
            "id", "number", "inspection", "project_code", "project_name", "region_code", "enterprise", "items",
            "item_labels", "issued_on", "rectify_by", "status", "closed_on", "escalated_on", "reinspections", "penalties",
            "document_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=OrderStatus.choices))
    def get_status(self, order):
        return str(order.current_status())

    @extend_schema_field(ItemLabelSerializer(many=True))
    def get_item_labels(self, order):
        return [{"item": item, "label": str(ITEM_LABELS.get(item, item))} for item in order.items or []]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_document_url(self, order):
        if not order.document:
            return None
        return _absolute(self, reverse("rectificationorder-document", args=[order.pk]))


class ReinspectSerializer(serializers.Serializer):
    """A re-inspection: `rectified` closes (writes off) the order; not rectified after the deadline
    escalates it; not rectified before the deadline leaves it open."""

    reinspected_on = serializers.DateField(help_text="Day of the re-inspection; not in the future.")
    rectified = serializers.BooleanField()
    note = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)


class PenaltyDecideSerializer(serializers.Serializer):
    """A penalty decision after an escalated order: the amount within the article's legal range."""

    article = serializers.ChoiceField(choices=PenaltyArticle.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, help_text="Yuan, e.g. \"60000.00\".")
    facts = serializers.CharField(max_length=TEXT_MAX)
    decided_on = serializers.DateField(required=False, help_text="Default today; not in the future, not before the deadline.")
    work_stoppage = serializers.BooleanField(required=False, default=False,
                                             help_text="Only under arts. 55 and 57.")
    responsible_person = serializers.CharField(max_length=50, required=False, allow_blank=True,
                                               help_text="Required under art. 54 (responsible person).")


class PenaltyDecisionSerializer(serializers.ModelSerializer):
    """A penalty decision (行政处罚决定书)."""

    order = serializers.PrimaryKeyRelatedField(read_only=True)
    order_number = serializers.CharField(source="order.number", read_only=True)
    project_code = serializers.CharField(source="project.code", read_only=True)
    region_code = serializers.CharField(source="project.region_id", read_only=True)
    enterprise = EnterpriseBriefSerializer(read_only=True)
    article_display = serializers.CharField(source="get_article_display", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    document_url = serializers.SerializerMethodField(help_text="Address of the PDF, or null when none is stored.")

    class Meta:
        model = PenaltyDecision
        fields = [
            "id", "number", "order", "order_number", "project_code", "region_code", "enterprise", "article",
            "article_display", "responsible_person", "amount", "work_stoppage", "facts", "decided_on", "decided_by",
            "document_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_document_url(self, penalty):
        if not penalty.document:
            return None
        return _absolute(self, reverse("penaltydecision-document", args=[penalty.pk]))


# --- Campaigns ------------------------------------------------------------------------------------


class CampaignPhaseSerializer(serializers.ModelSerializer):
    """A phase of a campaign, within its dates."""

    class Meta:
        model = CampaignPhase
        fields = ["kind", "starts_on", "ends_on", "note"]


class CampaignSerializer(ValidatedModelSerializer):
    """A special enforcement campaign (专项行动). `phases`, when sent, replaces the campaign's phases."""

    region_code = RegionCodeField(
        source="region", levels=CAMPAIGN_LEVELS, label=_("region"),
        help_text="Code of the organising region (province, city or county) within the caller's jurisdiction.",
    )
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    industries = serializers.ListField(
        child=serializers.ChoiceField(choices=Industry.choices), required=False, help_text="Empty: every industry.",
    )
    phases = CampaignPhaseSerializer(many=True, required=False)
    current_phase = serializers.SerializerMethodField(help_text="The phase running today, if any.")

    class Meta:
        model = Campaign
        fields = [
            "id", "name", "kind", "region_code", "region_name", "industries", "starts_on", "ends_on",
            "target_inspected_percent", "target_rectified_percent", "description", "daily_reporting", "phases",
            "current_phase",
        ]

    @extend_schema_field(CampaignPhaseSerializer(allow_null=True))
    def get_current_phase(self, campaign):
        phase = campaign.current_phase()
        return CampaignPhaseSerializer(phase).data if phase is not None else None

    def validate(self, attrs):
        phases = attrs.get("phases")
        attrs = super().validate(attrs)
        campaign = self.build_instance(attrs)
        if phases is None and campaign.pk:
            self._check_phases(campaign, [
                {"kind": p.kind, "starts_on": p.starts_on, "ends_on": p.ends_on, "note": p.note} for p in campaign.phases.all()
            ])
        elif phases is not None:
            self._check_phases(campaign, phases)
        return attrs

    @staticmethod
    def _check_phases(campaign, phases):
        """Each phase as its model checks it (dates in order, within the campaign's), before anything is saved."""
        errors, failed = [], False
        for data in phases:
            phase = CampaignPhase(**data)
            phase_errors = {}
            try:
                phase.full_clean(exclude=["campaign"])
            except DjangoValidationError as error:
                phase_errors = {k: [str(m) for m in v] for k, v in error.message_dict.items()}
            if campaign.starts_on and campaign.ends_on and phase.starts_on and phase.ends_on and "starts_on" not in phase_errors:
                if phase.starts_on < campaign.starts_on or phase.ends_on > campaign.ends_on:
                    phase_errors["starts_on"] = [str(_("A phase lies within its campaign's dates."))]
            failed = failed or bool(phase_errors)
            errors.append(phase_errors)
        if failed:
            raise serializers.ValidationError({"phases": errors})

    def _save(self, campaign, validated_data):
        phases = validated_data.pop("phases", None)
        for key, value in validated_data.items():
            setattr(campaign, key, value)
        try:
            return services.campaign_save(campaign=campaign, phases=phases)
        except DjangoValidationError as error:
            raise django_validation_error_to_drf(error, field_map=self.serializer_field_map())

    def create(self, validated_data):
        return self._save(Campaign(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class OrderCountsSerializer(serializers.Serializer):
    issued = serializers.IntegerField()
    open = serializers.IntegerField(help_text="Open and within the deadline today.")
    overdue = serializers.IntegerField(help_text="Open and past the deadline today.")
    closed = serializers.IntegerField(help_text="Written off (销号).")
    escalated = serializers.IntegerField()


class CampaignProgressSerializer(serializers.Serializer):
    """A campaign's progress against its targets, counted in the caller's scope."""

    campaign = serializers.IntegerField()
    projects_in_population = serializers.IntegerField(
        help_text="Projects of the campaign's region and industries under construction in its period.")
    projects_inspected = serializers.IntegerField(
        help_text="Of those, projects with an inspection in the campaign or within its dates.")
    inspected_percent = serializers.DecimalField(max_digits=5, decimal_places=1)
    target_inspected_percent = serializers.DecimalField(max_digits=5, decimal_places=1)
    inspected_target_met = serializers.BooleanField()
    orders = OrderCountsSerializer()
    rectified_percent = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True,
                                                 help_text="Orders written off / orders issued; null when none issued.")
    target_rectified_percent = serializers.DecimalField(max_digits=5, decimal_places=1)


# --- Draws ----------------------------------------------------------------------------------------


class DrawPairSerializer(serializers.Serializer):
    project = serializers.CharField(help_text="Project code.")
    inspectors = serializers.ListField(child=serializers.CharField(), help_text="Usernames.")


class DrawSerializer(serializers.ModelSerializer):
    """A double-random draw (双随机) with its seed and pools: `compute_draw(seed, project_pool,
    inspector_pool, count, inspectors_per_project)` gives `result` again (`verified`)."""

    region_code = serializers.CharField(source="region_id", read_only=True)
    drawn_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    project_pool = serializers.ListField(child=serializers.CharField(), read_only=True)
    inspector_pool = serializers.ListField(child=serializers.CharField(), read_only=True)
    result = DrawPairSerializer(many=True, read_only=True)
    pool_filter = serializers.DictField(read_only=True)
    verified = serializers.SerializerMethodField(help_text="Re-running the draw from its seed and pools gives `result`.")

    class Meta:
        model = Draw
        fields = [
            "id", "campaign", "region_code", "drawn_at", "drawn_by", "seed", "pool_filter", "project_pool",
            "inspector_pool", "count", "inspectors_per_project", "result", "published", "verified",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_verified(self, draw):
        return services.draw_verify(draw)


class DrawCreateSerializer(serializers.Serializer):
    """Make a draw: `count` projects from the campaign's population in the region (further narrowed by
    `project_filter`, the parameters of the project list), two inspectors each from `inspectors`
    (default: the region's active inspectors)."""

    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.none())
    count = serializers.IntegerField(min_value=1, max_value=10000)
    region_code = RegionCodeField(source="region", levels=CAMPAIGN_LEVELS, help_text="Region drawn in, within the caller's.")
    project_filter = serializers.DictField(required=False, default=dict,
                                           help_text="Project list filters, e.g. {\"industry\": [\"housing\"]}.")
    inspectors = serializers.ListField(child=serializers.CharField(max_length=150), required=False,
                                       help_text="Usernames of the inspector pool (default: the region's inspectors).")
    seed = serializers.IntegerField(min_value=0, max_value=2**53 - 1, required=False,
                                    help_text="Seed of the draw (default: a random 48-bit number).")

    def get_fields(self):
        fields = super().get_fields()
        fields["campaign"].queryset = Campaign.objects.restrict(_request_user(self), "view")
        return fields

    def validate_project_filter(self, value):
        unknown = sorted(set(value) - set(ProjectFilterSet.base_filters))
        if unknown:
            # A misspelt filter would silently widen the pool.
            raise serializers.ValidationError(_("Unknown project filters: %s.") % ", ".join(unknown))
        for key, item in value.items():
            values = item if isinstance(item, list) else [item]
            if not all(isinstance(v, (str, int, float, bool)) for v in values):
                raise serializers.ValidationError(_("Give each filter as a value or a list of values."))
        return value

    def validate(self, attrs):
        region = attrs["region"]
        names = attrs.get("inspectors")
        if names is not None:
            names = list(dict.fromkeys(n.strip() for n in names))
            pool = {u.username: u for u in services.inspector_pool_for(region.code).filter(username__in=names)}
            unknown = [n for n in names if n not in pool]
            if unknown:
                raise serializers.ValidationError(
                    {"inspectors": [_("Not active inspectors of the region: %s.") % ", ".join(unknown)]})
            attrs["inspectors"] = list(pool.values())
        return attrs
