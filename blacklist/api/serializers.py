"""API serializers of blacklist (credit punishment, DOMAIN.md §7): listings with their objections and
timeline, the bodies of their actions, the public view of the list, quarterly publication batches,
labour-compliance ratings and the pushes to the credit-information platform.

Writes are made by blacklist.services (one call per request, in the viewset's transaction); the
serializers parse the bodies and present the records. Persons' ID numbers are masked unless the
caller may see personal data (each unmasked value logged, see PiiField); on the public list they are
always masked."""
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.api.serializers import UserBriefSerializer
from complaints.models import ArrearsCase, Incident
from inspections.api.serializers import EnterpriseBriefSerializer
from wagecase.core.api.fields import PiiField, RegionCodeField
from wagecase.core.api.serializers import blank_choice_field
from wagecase.core.choices import CreditRating, RegionLevel
from wagecase.core.pii import mask_id_number

from ..choices import Basis, PersonRole, RemovalReason, SubjectType
from ..models import (
    TEXT_MAX, CreditExport, CreditExportEntry, EnterpriseRating, Listing, ListingEvent, Objection, PublicationBatch,
    PublicationEntry,
)
from ..services import RATING_RULES

OFFICE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY)


def _request(serializer):
    return serializer.context.get("request")


def _user(serializer):
    return getattr(_request(serializer), "user", None)


def _absolute(serializer, path):
    request = _request(serializer)
    return request.build_absolute_uri(path) if request is not None else path


def _page_url(serializer, obj):
    try:
        return _absolute(serializer, obj.get_absolute_url())
    except NoReverseMatch:  # the page is not routed (yet)
        return None


# --- Fields -------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class ScopedCaseField(serializers.PrimaryKeyRelatedField):
    """An arrears case by id, among those the caller may see: another county's case is "no such case"
    (a 400 on the field, as `source_clue` of the cases API)."""

    default_error_messages = {
        "does_not_exist": _("There is no arrears case {pk_value} in your jurisdiction."),
    }

    def get_queryset(self):
        return ArrearsCase.objects.restrict(_user(self), "view").select_related("enterprise", "region")


@extend_schema_field(OpenApiTypes.INT)
class ScopedIncidentField(serializers.PrimaryKeyRelatedField):
    """An emergency incident by id, among those the caller may see."""

    default_error_messages = {
        "does_not_exist": _("There is no incident {pk_value} in your jurisdiction."),
    }

    def get_queryset(self):
        return Incident.objects.restrict(_user(self), "view")


# --- Listings -----------------------------------------------------------------------------------


class ObjectionSerializer(serializers.ModelSerializer):
    """An objection (陈述申辩) to the advance notice, and its review."""

    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    reviewed_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Objection
        fields = ["id", "received_on", "text", "outcome", "outcome_display", "review", "reviewed_on", "reviewed_by",
                  "created"]
        read_only_fields = fields


class ListingEventSerializer(serializers.ModelSerializer):
    """One entry of a listing's timeline: by a user, or by a scheduled job (`job`)."""

    type_display = serializers.CharField(source="get_type_display", read_only=True)
    user = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ListingEvent
        fields = ["id", "type", "type_display", "created", "user", "job", "comment", "parameters"]
        read_only_fields = fields


class ListingSerializer(serializers.ModelSerializer):
    """A credit-punishment listing (失信联合惩戒名单, MOHRSS Decree 45): one subject — the enterprise, its
    legal representative or a directly responsible person — proposed on the basis of one arrears case,
    from the advance notice (`notified`) through the objection period to the decision (`listed` for 3
    years), and its end (`withdrawn` after an upheld objection, `removed` after credit repair, `expired`).
    Persons' ID numbers are masked unless the caller may see personal data."""

    url = serializers.SerializerMethodField(help_text="API address of the listing.")
    page_url = serializers.SerializerMethodField(help_text="Address of the listing's page.")
    case = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Id of the arrears case.")
    region_code = serializers.CharField(source="region_id", read_only=True, help_text="The deciding office's county.")
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    enterprise = EnterpriseBriefSerializer(read_only=True)
    subject_type_display = serializers.CharField(source="get_subject_type_display", read_only=True)
    person_role_display = serializers.CharField(source="get_person_role_display", read_only=True)
    id_number = PiiField(kind="id_number", read_only=True,
                         help_text="A person's resident ID number; masked (620502********123X) unless the caller may "
                                   "see personal data.")
    basis_display = serializers.CharField(source="get_basis_display", read_only=True)
    incident = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                                  help_text="Id of the emergency incident (basis `incident`).")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    removal_reason_display = serializers.CharField(source="get_removal_reason_display", read_only=True)
    in_force = serializers.BooleanField(read_only=True, help_text="Listed and not yet expired (what the public sees).")
    objections = ObjectionSerializer(many=True, read_only=True)
    proposed_by = UserBriefSerializer(read_only=True, allow_null=True)
    decided_by = UserBriefSerializer(read_only=True, allow_null=True)
    industry = blank_choice_field(Listing, "industry")
    person_role = blank_choice_field(Listing, "person_role")
    removal_reason = blank_choice_field(Listing, "removal_reason")

    class Meta:
        model = Listing
        fields = [
            "id", "url", "page_url", "case", "region_code", "region_name", "industry", "enterprise",
            "subject_type", "subject_type_display", "person_role", "person_role_display", "name", "uscc", "id_number",
            "basis", "basis_display", "incident", "facts", "status", "status_display",
            "notice_number", "notified_on", "objection_due", "listed_on", "expires_on", "decision_number",
            "published_on", "removed_on", "removal_reason", "removal_reason_display", "pledge", "ended_on", "in_force",
            "objections", "proposed_by", "decided_by", "created", "last_updated",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, listing):
        return _absolute(self, reverse("listing-detail", args=[listing.pk]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_page_url(self, listing):
        return _page_url(self, listing)


class ListingCreateSerializer(serializers.Serializer):
    """Propose a subject for the list from an arrears case and record the advance notice (告知书) served.

    The criteria (Decree 45 art. 5) are checked by the service: the case's order to pay was ignored, and
    `threshold` needs `criminal_threshold_met`, `incident` an emergency incident linked to the case."""

    case = ScopedCaseField(help_text="Id of the arrears case, in the caller's jurisdiction.")
    subject_type = serializers.ChoiceField(choices=SubjectType.choices)
    uscc = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                 help_text="The enterprise's USCC (subject `enterprise`; default: the case's enterprise, "
                                           "the only one that may be listed).")
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                      help_text="The person's resident ID number (subject `person`).")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                 help_text="The person's name (required for `person`); an enterprise's defaults to its "
                                           "registered name.")
    person_role = serializers.ChoiceField(choices=PersonRole.choices, required=False, allow_blank=True, default="",
                                          help_text="Default: `legal_representative` when the ID is the enterprise's "
                                                    "legal representative's, else `responsible`.")
    basis = serializers.ChoiceField(choices=Basis.choices)
    incident = ScopedIncidentField(required=False, allow_null=True, default=None,
                                   help_text="Basis `incident`: which incident (default: the case's first).")
    facts = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="",
                                  help_text="Facts as notified (default: drawn up from the case).")
    notified_on = serializers.DateField(required=False, allow_null=True, default=None,
                                        help_text="Day the written advance notice was served (default today).")


class ListingDecideSerializer(serializers.Serializer):
    decided_on = serializers.DateField(required=False, allow_null=True, default=None,
                                       help_text="Day of the decision (default today); after `objection_due`.")
    comment = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class ListingRemoveSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RemovalReason.choices)
    pledge = serializers.CharField(max_length=TEXT_MAX, allow_blank=True,
                                   help_text="The subject's written credit pledge (信用承诺书).")
    removed_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default today.")


class ObjectionCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)
    received_on = serializers.DateField(required=False, allow_null=True, default=None,
                                        help_text="Default today; at the latest `objection_due`.")


class ObjectionReviewSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[("upheld", "upheld"), ("rejected", "rejected")],
                                      help_text="`upheld` withdraws the listing; `rejected` lets the decision go ahead.")
    review = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


class ListingNoteSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


class PublicListingSerializer(serializers.ModelSerializer):
    """An entry of the public list of serious wage-arrears violators: only what is published. A
    person's ID number is always masked."""

    subject_type_display = serializers.CharField(source="get_subject_type_display", read_only=True)
    person_role_display = serializers.CharField(source="get_person_role_display", read_only=True)
    id_number = serializers.SerializerMethodField(help_text="A person's ID number, always masked (620502********123X).")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    basis_display = serializers.CharField(source="get_basis_display", read_only=True)
    deciding_office = serializers.SerializerMethodField(help_text="The labour inspection office that decided.")
    person_role = blank_choice_field(Listing, "person_role")

    class Meta:
        model = Listing
        fields = ["name", "subject_type", "subject_type_display", "person_role", "person_role_display", "uscc",
                  "id_number", "enterprise_name", "basis", "basis_display", "facts", "deciding_office",
                  "decision_number", "listed_on", "expires_on"]
        read_only_fields = fields

    def get_id_number(self, listing) -> str:
        return mask_id_number(listing.id_number) or ""

    def get_deciding_office(self, listing) -> str:
        region = listing.region
        return f"{region.full_name or region.name}人力资源和社会保障局"


# --- Publication of major violations ------------------------------------------------------------


class PublicationEntrySerializer(serializers.ModelSerializer):
    """One major violation in a batch, with the content Decree 29 requires (frozen when added)."""

    name = serializers.CharField(source="enterprise_name", read_only=True)
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    case = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Id of the arrears case.")

    class Meta:
        model = PublicationEntry
        fields = ["id", "case", "reason", "reason_display", "name", "uscc", "address", "legal_representative", "facts",
                  "handling"]
        read_only_fields = fields


class PublicationBatchSerializer(serializers.ModelSerializer):
    """A quarterly publication of major labour-law violations (重大劳动保障违法行为社会公布, Decree 29):
    drafted with the qualifying cases, reviewed, approved by the office head (not the reviewer) and published."""

    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    region_code = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    entry_count = serializers.IntegerField(read_only=True)
    created_by = UserBriefSerializer(read_only=True, allow_null=True)
    reviewed_by = UserBriefSerializer(read_only=True, allow_null=True)
    approved_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = PublicationBatch
        fields = ["id", "url", "page_url", "region_code", "region_name", "year", "quarter", "title", "status",
                  "status_display", "entry_count", "created_by", "reviewed_by", "reviewed_on", "approved_by",
                  "approved_on", "published_on", "created", "last_updated"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, batch):
        return _absolute(self, reverse("publicationbatch-detail", args=[batch.pk]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_page_url(self, batch):
        return _page_url(self, batch)


class PublicationBatchDetailSerializer(PublicationBatchSerializer):
    """A publication batch with its entries and download links."""

    entries = PublicationEntrySerializer(many=True, read_only=True)
    xlsx_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta(PublicationBatchSerializer.Meta):
        fields = PublicationBatchSerializer.Meta.fields + ["entries", "xlsx_url", "pdf_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_xlsx_url(self, batch):
        return _absolute(self, reverse("publicationbatch-xlsx", args=[batch.pk]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, batch):
        return _absolute(self, reverse("publicationbatch-pdf", args=[batch.pk]))


class PublicationBatchCreateSerializer(serializers.Serializer):
    region_code = RegionCodeField(levels=OFFICE_LEVELS, help_text="The publishing office: a city (4) or county (6) code "
                                                                  "in the caller's jurisdiction.")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)


class PublicationPublishSerializer(serializers.Serializer):
    published_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default today.")


class PublicationEntryAddSerializer(serializers.Serializer):
    case = ScopedCaseField(help_text="Id of a qualifying arrears case of the office's region.")


# --- Ratings ------------------------------------------------------------------------------------


class EnterpriseRatingSerializer(serializers.ModelSerializer):
    """An enterprise's labour-compliance rating (守法诚信等级): `computed` from its record by the documented
    rules, with the `reasons`; `adjusted` by the office head with a recorded reason; `rating` is the one
    in force (the adjusted one when set)."""

    url = serializers.SerializerMethodField()
    enterprise = EnterpriseBriefSerializer(read_only=True)
    rating = serializers.ChoiceField(choices=CreditRating.choices, read_only=True, help_text="The rating in force.")
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    adjusted_by = UserBriefSerializer(read_only=True, allow_null=True)
    listed = serializers.SerializerMethodField(help_text="The enterprise is on the credit-punishment list in force.")
    adjusted = blank_choice_field(EnterpriseRating, "adjusted", help_text="The office head's rating; blank when not adjusted.")

    class Meta:
        model = EnterpriseRating
        fields = ["id", "url", "enterprise", "rating", "computed", "adjusted", "reasons", "computed_on",
                  "adjustment_reason", "adjusted_by", "adjusted_on", "listed", "last_updated"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, rating):
        return _absolute(self, reverse("enterpriserating-detail", args=[rating.enterprise.uscc]))

    def get_listed(self, rating) -> bool:
        return rating.enterprise_id in self.context.get("listed_ids", ())


class EnterpriseRatingDetailSerializer(EnterpriseRatingSerializer):
    rules = serializers.SerializerMethodField(help_text="The documented rules of the computation.")

    class Meta(EnterpriseRatingSerializer.Meta):
        fields = EnterpriseRatingSerializer.Meta.fields + ["rules"]
        read_only_fields = fields

    def get_rules(self, rating) -> str:
        return RATING_RULES


class RatingAdjustSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=[("", "")] + list(CreditRating.choices), allow_blank=True,
                                     help_text="`A`, `B` or `C`; empty returns to the computed rating.")
    reason = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


# --- Credit-platform exports --------------------------------------------------------------------


class CreditExportEntrySerializer(serializers.ModelSerializer):
    listing = serializers.PrimaryKeyRelatedField(read_only=True)
    name = serializers.CharField(source="listing.name", read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = CreditExportEntry
        fields = ["listing", "name", "action", "action_display"]
        read_only_fields = fields


class CreditExportSerializer(serializers.ModelSerializer):
    """One push to the credit-information platform (信用信息共享平台): the decisions, removals and expiries
    since the office's previous push, as a JSON file (full identifiers: downloading needs the
    personal-data permission)."""

    url = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()
    region_code = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    created_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CreditExport
        fields = ["id", "url", "file_url", "region_code", "region_name", "created", "created_by", "entry_count"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, export):
        return _absolute(self, reverse("creditexport-detail", args=[export.pk]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_file_url(self, export):
        return _absolute(self, reverse("creditexport-file", args=[export.pk]))


class CreditExportDetailSerializer(CreditExportSerializer):
    entries = CreditExportEntrySerializer(many=True, read_only=True)

    class Meta(CreditExportSerializer.Meta):
        fields = CreditExportSerializer.Meta.fields + ["entries"]
        read_only_fields = fields


class CreditExportCreateSerializer(serializers.Serializer):
    region_code = RegionCodeField(levels=OFFICE_LEVELS, required=False, allow_null=True, default=None,
                                  help_text="The office (default: the caller's jurisdiction).")
