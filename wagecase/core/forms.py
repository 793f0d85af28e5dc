"""Forms of the shared core: the scoped ModelForm base every app's forms build on, and the forms
for enterprises, departments, policy values and journal notes.

Validation lives on the models; ModelForm runs `full_clean()`, so these forms only shape input
(choices limited to the user's scope, personal data never echoed back unmasked)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import EnterpriseRole, JournalKind, RegionLevel
from .models import Department, Enterprise, JournalEntry, PolicyValue, Region
from .pii import mask, pii_kind
from .policy import POLICIES

# Above this many regions in scope, the region is typed as a code instead of picked from a list.
REGION_SELECT_LIMIT = 400


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.full_name or obj.name}"


class ScopedModelForm(forms.ModelForm):
    """A ModelForm that knows its user: every choice of a related record is limited to what the
    user may see, and personal data (the model's `pii_fields`) is never sent back to the browser:
    on an existing record those inputs start empty, show the masked value, and a blank input keeps
    the stored value."""

    region_levels = None  # e.g. (county, township): which region levels the `region` field offers

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and user is not None and hasattr(field.queryset, "restrict"):
                field.queryset = field.queryset.restrict(user, "view")
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is Region:
                self._setup_region_field(name, field)
        self._kept_pii = {}
        if self.instance.pk:
            for name in getattr(self._meta.model, "pii_fields", ()):
                current = getattr(self.instance, name, "")
                if name in self.fields and current:
                    self._kept_pii[name] = current
                    self.initial[name] = ""
                    field = self.fields[name]
                    field.required = False
                    field.widget.attrs["placeholder"] = mask(pii_kind(name), current)
                    field.help_text = _("Shown masked. Leave empty to keep the current value.")

    def _setup_region_field(self, name, field):
        queryset = field.queryset
        if self.region_levels:
            queryset = queryset.filter(level__in=self.region_levels)
        field.queryset = queryset.order_by("code")
        if queryset.count() > REGION_SELECT_LIMIT:
            field.widget = forms.TextInput(attrs={"placeholder": _("Region code, e.g. 620502"), "inputmode": "numeric"})
            field.help_text = _("Enter the 6-digit county code or the 9-digit township code.")

    def clean(self):
        cleaned = super().clean()
        for name, current in self._kept_pii.items():
            if not cleaned.get(name):
                cleaned[name] = current
        return cleaned


class EnterpriseForm(ScopedModelForm):
    region_levels = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=EnterpriseRole.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Enterprise
        fields = [
            "uscc", "name", "region", "legal_representative", "legal_representative_id_number", "contact_phone", "address",
            "roles", "credit_rating",
        ]
        field_classes = {"region": RegionChoiceField}
        widgets = {"uscc": forms.TextInput(attrs={"maxlength": 18, "autocomplete": "off", "class": "font-monospace"})}


class DepartmentForm(ScopedModelForm):
    region_levels = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)

    class Meta:
        model = Department
        fields = ["kind", "name", "region", "phone", "address"]
        field_classes = {"region": RegionChoiceField}


class PolicyValueForm(ScopedModelForm):
    region_levels = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)
    key = forms.ChoiceField(label=_("Policy"))

    class Meta:
        model = PolicyValue
        fields = ["key", "region", "value", "basis"]
        field_classes = {"region": RegionChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(key, f"{d.label}（{d.unit}）") for key, d in POLICIES.items()]
        # Only a superuser sets national values; everyone else sets them for a region.
        region = self.fields["region"]
        region.required = not (self.user is not None and self.user.is_superuser)
        region.empty_label = _("National (all regions)") if not region.required else "---------"


class JournalEntryForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=JournalKind.choices, initial=JournalKind.INFO)

    class Meta:
        model = JournalEntry
        fields = ["kind", "comments"]
        widgets = {"comments": forms.Textarea(attrs={"rows": 3})}
