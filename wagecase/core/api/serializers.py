"""Serializers of the shared core, and `ValidatedModelSerializer`, the base every app's API uses so
that the API rejects exactly what the UI rejects, with the same messages (the model's
`full_clean()`)."""
import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.validators import UniqueValidator

from ..choices import EnterpriseRole, Industry
from ..models import Department, Enterprise, Region, User
from ..pii import can_view_pii
from ..validators import normalize_uscc
from .exceptions import django_validation_error_to_drf
from .fields import ALL_LEVELS, PiiField, RegionCodeField


def blank_choice_field(model, name, **kwargs):
    """A read-only choice field whose model field may stay blank ("" until set). DRF drops `allow_blank`
    from the read-only fields it builds, and the schema would then claim the value is always one of the
    choices (found by tests/test_api_fuzz.py)."""
    field = model._meta.get_field(name)
    return serializers.ChoiceField(choices=field.choices, allow_blank=True, read_only=True, label=field.verbose_name,
                                   **kwargs)


class ColumnReadMixin:
    """A ModelSerializer's to_representation(), as DRF's, with a shortcut for the plain columns
    (every ValidatedModelSerializer has it).

    DRF reads every field of every row through Field.get_attribute(): a generic walk of the source
    path with a callable check and exception handling, ~3 µs a field, ~60 fields a clue. A field
    that reads one concrete, non-relational column of the model, with the base class's
    get_attribute() (no PiiField and the like), is read here with getattr(); what
    to_representation() then makes of the value is unchanged. Other fields and other objects (a
    dict, another model) go the usual way. The plan is made once per serializer, not per row."""

    def _column_read_plan(self):
        plan = self.__dict__.get("_column_plan")
        if plan is None:
            columns = {f.attname for f in self.Meta.model._meta.concrete_fields if not f.is_relation}
            plan = [
                (field.field_name, field,
                 field.source_attrs[0] if type(field).get_attribute is serializers.Field.get_attribute
                 and len(field.source_attrs) == 1 and field.source_attrs[0] in columns else None)
                for field in self._readable_fields
            ]
            self._column_plan = plan
        return plan

    def to_representation(self, instance):
        if not isinstance(instance, self.Meta.model):
            return super().to_representation(instance)
        ret = {}
        for name, field, column in self._column_read_plan():
            if column is not None:
                attribute = getattr(instance, column)
            else:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if check_for_none is None else field.to_representation(attribute)
        return ret


# What ModelSerializer.build_field() made of a model field, per serializer class and language:
# (serializer class, field name, nesting depth, language) -> (field class, keyword arguments).
_BUILT_FIELDS = {}


class ValidatedModelSerializer(ColumnReadMixin, serializers.ModelSerializer):
    # A ModelSerializer whose validation is the model's own `full_clean()`.
    #
    # Field types and required-ness still come from DRF, but the checks that matter (validators on
    # model fields, `clean()`, uniqueness and named constraints) run on an unsaved model instance,
    # so the messages are the UI's. Values that `clean()` normalises (a USCC in upper case, roles
    # in a fixed order) are what gets saved. DRF's own uniqueness validators are left out: the
    # model checks uniqueness after normalising, and reports it once, in its own words.

    # Model fields `full_clean()` should not check (e.g. ones a service fills in on save).
    full_clean_exclude = ()

    def build_field(self, field_name, info, model_class, nested_depth):
        # DRF builds every model field of the serializer again for each one it makes (each request):
        # it introspects the model field (get_field_kwargs) and translates its label to compare it
        # with the default one. That was 1.3 ms of a project list's request and 2 ms of a clue list's,
        # the same result every time for a class and a language (the labels are lazy, but whether
        # one is passed at all depends on the language). Each field still gets its own instance
        # and its own copy of the keyword arguments (DRF appends to a field's `validators`).
        key = (type(self), field_name, nested_depth, get_language())
        built = _BUILT_FIELDS.get(key)
        if built is None:
            built = _BUILT_FIELDS[key] = super().build_field(field_name, info, model_class, nested_depth)
        field_class, kwargs = built
        return field_class, {name: list(value) if isinstance(value, list) else value for name, value in kwargs.items()}

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if "validators" in kwargs:
            kwargs["validators"] = [v for v in kwargs["validators"] if not isinstance(v, UniqueValidator)]
        return field_class, kwargs

    def get_validators(self):
        return list(getattr(getattr(self, "Meta", None), "validators", None) or [])

    def model_field_names(self):
        model = self.Meta.model
        return {f.name for f in model._meta.concrete_fields} | {f.attname for f in model._meta.concrete_fields}

    def serializer_field_map(self):
        """Model field name → the serializer field a client knows it by (`region` → `region_code`)."""
        mapping = {}
        for name, field in self.fields.items():
            if field.read_only or not getattr(field, "source_attrs", None):
                continue
            mapping.setdefault(field.source_attrs[0], name)
        return mapping

    def build_instance(self, attrs):
        """An unsaved instance carrying `attrs`, for `full_clean()`; the stored one is untouched."""
        model = self.Meta.model
        names = self.model_field_names()
        values = {k: v for k, v in attrs.items() if k in names}
        if not isinstance(self.instance, model):  # creating (or a list serializer's child)
            return model(**values)
        instance = copy.copy(self.instance)
        for key, value in values.items():
            setattr(instance, key, value)
        return instance

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.build_instance(attrs)
        try:
            instance.full_clean(exclude=list(self.full_clean_exclude) or None)
        except DjangoValidationError as error:
            raise django_validation_error_to_drf(error, field_map=self.serializer_field_map())
        names = self.model_field_names()
        for key in list(attrs):
            if key in names:
                attrs[key] = getattr(instance, key)
        return attrs


# --- Regions ------------------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    """A region (GB/T 2260); its code is a prefix of every code below it."""

    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True, help_text="Parent region code.")

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "full_name"]
        read_only_fields = fields


# --- Enterprises --------------------------------------------------------------------------------


class EnterpriseSerializer(ValidatedModelSerializer):
    """An enterprise, identified by its unified social credit code (USCC, GB 32100-2015)."""

    legal_representative_id_number = PiiField(
        kind="id_number", max_length=18, label=_("legal representative's ID number"),
        help_text="Resident ID number; masked (620502********123X) unless the caller may see personal data.",
    )
    contact_phone = PiiField(
        kind="phone", max_length=20, label=_("contact phone"),
        help_text="Masked (138****5678) unless the caller may see personal data.",
    )
    region_code = RegionCodeField(
        source="region", levels=("county", "township"), label=_("registered region"),
    )
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=EnterpriseRole.choices), required=False, label=_("roles"),
        help_text="The roles the enterprise plays on projects.",
    )

    class Meta:
        model = Enterprise
        fields = [
            "uscc", "name", "legal_representative", "legal_representative_id_number", "contact_phone", "address",
            "region_code", "roles", "credit_rating",
        ]

    def validate_uscc(self, value):
        # The USCC is the enterprise's identity and the API's lookup key: it is never changed.
        if self.instance is not None and normalize_uscc(value) != self.instance.uscc:
            raise serializers.ValidationError(_("The unified social credit code of an enterprise cannot be changed."))
        return value


# --- Departments --------------------------------------------------------------------------------


class DepartmentSerializer(ValidatedModelSerializer):
    """A government department and the region it is responsible for."""

    region_code = RegionCodeField(source="region", levels=ALL_LEVELS, label=_("region"))

    class Meta:
        model = Department
        fields = ["id", "kind", "name", "region_code", "phone", "address"]


class DepartmentBriefSerializer(serializers.ModelSerializer):
    """A department, in short."""

    region_code = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "kind", "name", "region_code"]
        read_only_fields = fields


# --- Users --------------------------------------------------------------------------------------


class CurrentUserSerializer(serializers.ModelSerializer):
    """Who am I: the caller's role, jurisdiction, industries and department."""

    role_display = serializers.CharField(source="get_role_display", read_only=True)
    jurisdiction = serializers.CharField(
        source="jurisdiction_id", read_only=True, allow_null=True, help_text="Region code prefix of the jurisdiction."
    )
    jurisdiction_name = serializers.SerializerMethodField()
    industries = serializers.ListField(
        child=serializers.ChoiceField(choices=Industry.choices), read_only=True,
        help_text="For bureau clients: the industries they may see.",
    )
    department = DepartmentBriefSerializer(read_only=True, allow_null=True)
    can_view_pii = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id", "username", "full_name", "role", "role_display", "jurisdiction", "jurisdiction_name",
            "industries", "department", "can_view_pii",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_jurisdiction_name(self, user):
        return user.jurisdiction.full_name if user.jurisdiction_id else None

    @extend_schema_field(serializers.BooleanField())
    def get_can_view_pii(self, user):
        return can_view_pii(user)
