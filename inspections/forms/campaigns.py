"""Forms of campaigns (with their phases as a formset) and of the double-random draw."""
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects.choices import InvestmentType, ProjectStatus
from projects.forms import DateInput
from projects.models import Project
from wagecase.core.choices import Industry, RegionLevel
from wagecase.core.forms import RegionChoiceField, ScopedModelForm
from wagecase.core.models import Region, User

from .. import services
from ..choices import PhaseKind
from ..models import Campaign

SEED_MAX = 2**63 - 1


class CampaignForm(ScopedModelForm):
    """The campaign's own fields. Saved by the view through services.campaign_save (with the phases)."""

    region_levels = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)
    industries = forms.MultipleChoiceField(
        label=_("industries"), choices=Industry.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: every industry."),
    )

    class Meta:
        model = Campaign
        fields = [
            "name", "kind", "region", "industries", "starts_on", "ends_on", "target_inspected_percent",
            "target_rectified_percent", "daily_reporting", "description",
        ]
        field_classes = {"region": RegionChoiceField}
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def clean_industries(self):
        return list(self.cleaned_data.get("industries") or [])


class CampaignPhaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("phase"), choices=[("", "---------")] + PhaseKind.choices)
    starts_on = forms.DateField(label=_("starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("ends on"), widget=DateInput())
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
            self.add_error("ends_on", _("The end date is before the start date."))
        return cleaned


class BasePhaseFormSet(forms.BaseFormSet):
    def phases(self):
        """The phases kept (filled in and not deleted), in date order, as services.campaign_save takes them."""
        rows = []
        for form in self.forms:
            if not form.has_changed() or (self.can_delete and self._should_delete_form(form)):
                continue
            data = form.cleaned_data
            if not data:
                continue
            rows.append({"kind": data["kind"], "starts_on": data["starts_on"], "ends_on": data["ends_on"],
                         "note": data.get("note") or ""})
        return sorted(rows, key=lambda r: (r["starts_on"], r["ends_on"]))


def phase_formset(extra=1):
    """The phases' formset: a new campaign gets a blank row per phase kind, an existing one one spare row."""
    return forms.formset_factory(CampaignPhaseForm, formset=BasePhaseFormSet, extra=extra, can_delete=True, max_num=12)


class InspectorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.full_name or user.username


class DrawForm(forms.Form):
    """A double-random draw for a campaign: the project pool (the campaign's projects in the
    chosen region, narrowed by the filters) and the inspector pool (ticked; by default every
    active inspector of the region)."""

    region = RegionChoiceField(label=_("region"), queryset=Region.objects.none())
    count = forms.IntegerField(label=_("projects to draw"), min_value=1, max_value=500, initial=5)
    industry = forms.MultipleChoiceField(label=_("industry"), choices=Industry.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    status = forms.MultipleChoiceField(label=_("project status"), choices=ProjectStatus.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    investment_type = forms.MultipleChoiceField(label=_("investment type"), choices=InvestmentType.choices, required=False,
                                                widget=forms.CheckboxSelectMultiple)
    monitoring_required = forms.ChoiceField(
        label=_("monitoring required"), required=False,
        choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))],
    )
    inspectors = InspectorChoiceField(label=_("inspector pool"), queryset=User.objects.none(),
                                      widget=forms.CheckboxSelectMultiple)
    seed = forms.IntegerField(
        label=_("seed"), required=False, validators=[MinValueValidator(0), MaxValueValidator(SEED_MAX)],
        help_text=_("Leave empty for a random seed. The seed is published with the result."),
    )

    def __init__(self, *args, campaign, user, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)
        self.campaign = campaign
        self.user = user
        regions = self.region_choices()
        self.fields["region"].queryset = regions
        region_code = self.data.get(self.add_prefix("region")) if self.is_bound else None
        region_code = region_code or self.initial.get("region") or self.default_region(regions)
        if hasattr(region_code, "pk"):
            region_code = region_code.pk
        self.initial.setdefault("region", region_code)
        self.region_code = region_code if regions.filter(pk=region_code or "").exists() else None
        pool = services.inspector_pool_for(self.region_code) if self.region_code else User.objects.none()
        self.fields["inspectors"].queryset = pool
        if not self.is_bound:
            self.initial.setdefault("inspectors", list(pool))
        if campaign.industries:
            allowed = set(campaign.industries)
            self.fields["industry"].choices = [(v, label) for v, label in Industry.choices if v in allowed]

    def region_choices(self):
        """Cities and counties inside both the campaign's region and the user's jurisdiction."""
        code = self.campaign.region_id
        prefix = self.user.scope_prefix or ""
        inner = code if len(code) >= len(prefix) else prefix
        if not (inner.startswith(code) and inner.startswith(prefix)):
            return Region.objects.none()
        return (Region.objects.restrict(self.user, "view").filter(code__startswith=inner)
                .filter(level__in=(RegionLevel.CITY, RegionLevel.COUNTY)).order_by("code"))

    def default_region(self, regions):
        preferred = [self.user.jurisdiction_id, self.campaign.region_id]
        for code in preferred:
            if code and regions.filter(pk=code).exists():
                return code
        first = regions.first()
        return first.pk if first else None

    def project_pool(self):
        """The projects the draw picks from (after is_valid())."""
        data = self.cleaned_data
        qs = self.campaign.projects() & Project.objects.restrict(self.user, "view")
        qs = qs.filter(region__code__startswith=data["region"].code)
        if data.get("industry"):
            qs = qs.filter(industry__in=data["industry"])
        if data.get("status"):
            qs = qs.filter(status__in=data["status"])
        if data.get("investment_type"):
            qs = qs.filter(investment_type__in=data["investment_type"])
        if data.get("monitoring_required") in ("yes", "no"):
            qs = qs.filter(monitoring_required=data["monitoring_required"] == "yes")
        return qs.only("code")

    def pool_filter(self):
        data = self.cleaned_data
        result = {"region": data["region"].code}
        for key in ("industry", "status", "investment_type"):
            if data.get(key):
                result[key] = list(data[key])
        if data.get("monitoring_required") in ("yes", "no"):
            result["monitoring_required"] = data["monitoring_required"] == "yes"
        return result

    def clean_inspectors(self):
        inspectors = list(self.cleaned_data.get("inspectors") or [])
        if len(inspectors) < 2:
            raise ValidationError(_("The inspector pool needs at least %(n)s inspectors.") % {"n": 2})
        return inspectors
