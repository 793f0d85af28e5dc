"""Serializer fields every app's API reuses: regions as `region_code`, and personal data that is
masked unless the caller may see it (each unmasked value recorded)."""
import re

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers
from rest_framework.fields import SkipField, get_attribute

from ..choices import RegionLevel
from ..models import Region
from ..pii import can_view_pii, mask, pii_kind, pii_log_access

CODE_LENGTH = {RegionLevel.PROVINCE: 2, RegionLevel.CITY: 4, RegionLevel.COUNTY: 6, RegionLevel.TOWNSHIP: 9}
ALL_LEVELS = tuple(RegionLevel)


class RegionCodeField(serializers.RelatedField):
    """A foreign key to Region, written and read as its code (`"620502"`).

    `levels`: the region levels this field accepts (default: counties).
    `check_scope`: on write, refuse a region outside the caller's jurisdiction, so that nobody
    creates (or moves) a record where they could no longer see it."""

    default_error_messages = {
        "required": _("This field is required."),
        "invalid": _("Enter a region code of %(lengths)s digits, such as 620502."),
        "does_not_exist": _("There is no region with code %(code)s."),
        "wrong_level": _("%(name)s (%(code)s) is a %(level)s; give a %(expected)s code."),
        "out_of_scope": _("%(name)s (%(code)s) lies outside your jurisdiction."),
    }

    def __init__(self, *, levels=(RegionLevel.COUNTY,), check_scope=True, **kwargs):
        self.levels = tuple(levels)
        self.check_scope = check_scope
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Region.objects.all())
        # A text box, not a <select> of 40,000 regions, in the browsable API.
        kwargs.setdefault("style", {"base_template": "input.html"})
        super().__init__(**kwargs)

    @property
    def code_lengths(self):
        return sorted(CODE_LENGTH[level] for level in self.levels)

    def use_pk_only_optimization(self):
        # The code is the primary key: reading it needs no query.
        return True

    def to_representation(self, value):
        return value.pk

    def fail_with(self, key, **params):
        # DRF formats messages with str.format; these use %-placeholders, which gettext tools
        # understand, so format them here.
        raise serializers.ValidationError(self.error_messages[key] % params, code=key)

    def to_internal_value(self, data):
        lengths = "/".join(str(n) for n in self.code_lengths)
        if isinstance(data, int) and not isinstance(data, bool):
            data = str(data)
        if not isinstance(data, str) or not re.fullmatch(r"\d+", data.strip()):
            self.fail_with("invalid", lengths=lengths)
        code = data.strip()
        if len(code) not in CODE_LENGTH.values():
            self.fail_with("invalid", lengths=lengths)
        region = self.get_queryset().filter(code=code).first()
        if region is None:
            self.fail_with("does_not_exist", code=code)
        if region.level not in self.levels:
            expected = _(" or ").join(str(RegionLevel(level).label) for level in self.levels)
            self.fail_with(
                "wrong_level", name=region.name, code=code, level=RegionLevel(region.level).label, expected=expected
            )
        if self.check_scope:
            request = self.context.get("request")
            user = getattr(request, "user", None)
            prefix = getattr(user, "scope_prefix", None) if user is not None else None
            if user is not None and (prefix is None or not code.startswith(prefix)):
                self.fail_with("out_of_scope", name=region.name, code=code)
        return region


class RegionCodeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = RegionCodeField

    def map_serializer_field(self, auto_schema, direction):
        schema = build_basic_type(OpenApiTypes.STR)
        lengths = self.target.code_lengths
        schema["pattern"] = "^(" + "|".join(rf"\d{{{n}}}" for n in lengths) + ")$"
        schema["example"] = "620502" if 6 in lengths else "6205" if 4 in lengths else "62"
        schema["description"] = "Region code (GB/T 2260), levels: " + ", ".join(self.target.levels)
        return schema


NOT_ANNOTATED = object()


class RowColumnField(serializers.CharField):
    """A read-only column of a related row (`source="region.full_name"`), taken from the annotation
    `row_<field name>` when the queryset made one (a list page's rows: WagecaseViewSetMixin.page_rows),
    else through the relation."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        value = instance.__dict__.get(f"row_{self.field_name}", NOT_ANNOTATED)
        return super().get_attribute(instance) if value is NOT_ANNOTATED else value


class RowRefMixin:
    """For a read-only nested serializer of a related row in short (`{"id", "name", …}`): when the
    queryset annotated the row's columns as `row_<field name>_<key>` (a list page), the object is
    made of them and the key column (`<source>_id`) without the related model instance; else the
    relation is read as usual. The annotations must give what the nested fields would (the same
    text): the caller's test compares the two."""

    def get_attribute(self, instance):
        prefix = f"row_{self.field_name}_"
        keys = self.__dict__.get("_row_keys")
        if keys is None:
            keys = self._row_keys = [name for name in self.fields if name != "id"]
        row = getattr(instance, "__dict__", None)
        if row is None or prefix + keys[0] not in row:
            return super().get_attribute(instance)
        pk = row[f"{self.source}_id"]
        if pk is None:
            return None
        return {"id": pk, **{name: row[prefix + name] for name in keys}}

    def to_representation(self, instance):
        if isinstance(instance, dict):  # already the representation, from the annotations
            return instance
        return super().to_representation(instance)


class PiiAccessCollector:
    """The (object, field) pairs a response shows unmasked, written to the log in one insert."""

    def __init__(self):
        self.pairs = {}

    def add(self, obj, field):
        self.pairs.setdefault((obj._meta.concrete_model, obj.pk, field), (obj, field))

    def flush(self, user, channel="api"):
        if not self.pairs:
            return []
        pairs = list(self.pairs.values())
        self.pairs = {}
        return pii_log_access(user=user, objects_fields=pairs, channel=channel)


class PiiField(serializers.CharField):
    """A personal-data string (ID number, phone): masked for callers without `core.view_pii`.

    When the value is shown unmasked, the (object, field) pair goes to the serializer context's
    `pii_collector`, which the view writes to PiiAccessLog in one insert per response. Without a
    collector (a serializer used outside our viewsets) the access is logged at once.

    On write the full value is expected; a masked value equal to the current one's mask (what a
    client got from GET and sent back unchanged) keeps the current value."""

    def __init__(self, *, kind=None, channel="api", **kwargs):
        self.kind = kind
        self.channel = channel
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        if self.kind is None:
            self.kind = pii_kind(self.source_attrs[-1] if self.source_attrs else field_name)

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def _visible(self):
        # One permission check per serializer tree, not per row.
        cache = self.context.setdefault("_pii_visible", {})
        user = self._user()
        key = getattr(user, "pk", None)
        if key not in cache:
            cache[key] = can_view_pii(user)
        return cache[key]

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        if value and self._visible():
            owner = instance
            for attr in self.source_attrs[:-1]:
                owner = getattr(owner, attr)
            collector = self.context.get("pii_collector")
            if collector is not None:
                collector.add(owner, self.source_attrs[-1])
            else:
                pii_log_access(user=self._user(), objects_fields=[(owner, self.source_attrs[-1])], channel=self.channel)
        return value

    def to_representation(self, value):
        value = super().to_representation(value)
        if value and not self._visible():
            return mask(self.kind, value)
        return value

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        instance = getattr(self.parent, "instance", None)
        if "*" in value and instance is not None and not isinstance(instance, (list, tuple)):
            try:
                current = get_attribute(instance, self.source_attrs)
            except (AttributeError, KeyError, ObjectDoesNotExist):
                current = None
            if current and mask(self.kind, current) == value:
                # Sent back as read: unchanged. Leaving it out keeps the stored value.
                raise SkipField()
        return value
