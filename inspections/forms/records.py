"""The inspection record form used on site (phones): project, date, method, inspectors, one row
per checklist item (pass / fail / not applicable and a note), findings, worker interviews,
evidence photos and, when an item fails, an optional deadline for the rectification order.

The form only shapes input; services.inspection_record validates and saves (at least two
inspectors, a complete checklist, photo type and size), and its errors come back onto the form."""
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from complaints.models import Clue
from projects.forms import DateInput
from projects.models import Project, validate_photo
from wagecase.core.models import User
from wagecase.core.models.regions import ancestor_codes

from ..choices import CheckResult, ChecklistItem, InspectionMethod
from ..models import TEXT_MAX, Campaign, Draw
from ..services import INSPECTOR_ROLES

# Above this many projects in scope, the project is typed as a code instead of picked from a list.
PROJECT_SELECT_LIMIT = 300
MAX_PHOTOS = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each checked like a single FileField."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class InspectorsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.full_name or user.username


def check_field_name(item):
    return f"check_{item}"


def note_field_name(item):
    return f"note_{item}"


def inspectors_for(user):
    """Inspectors the user can name on a record: active inspectors and office heads of the user's
    jurisdiction and the offices above it (the service still checks the project's county)."""
    qs = User.objects.filter(is_active=True, role__in=INSPECTOR_ROLES)
    prefix = user.scope_prefix
    if prefix is None:
        return qs.none()
    if prefix:
        qs = qs.filter(Q(jurisdiction__code__startswith=prefix) | Q(jurisdiction_id__in=ancestor_codes(prefix)))
    return qs.order_by("jurisdiction_id", "full_name", "username")


class InspectionForm(forms.Form):
    project = forms.CharField(label=_("project"), max_length=64)
    inspected_on = forms.DateField(label=_("inspected on"), widget=DateInput())
    method = forms.ChoiceField(label=_("method"), choices=InspectionMethod.choices)
    inspectors = InspectorsField(label=_("inspectors"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
                                 help_text=_("At least two inspectors."))
    findings = forms.CharField(label=_("findings"), required=False, max_length=TEXT_MAX,
                               widget=forms.Textarea(attrs={"rows": 3}))
    workers_interviewed = forms.IntegerField(label=_("workers interviewed"), min_value=0, initial=0,
                                             widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    interview_notes = forms.CharField(label=_("worker interviews"), required=False, max_length=TEXT_MAX,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("evidence photos"), required=False,
                               help_text=_("JPEG, PNG or WebP, at most 5 MB each."))
    rectify_by = forms.DateField(label=_("rectify by"), required=False, widget=DateInput(),
                                 help_text=_("Only when an item fails. Empty: the office's standard period in working days."))
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), required=False, widget=forms.HiddenInput)
    draw = forms.ModelChoiceField(queryset=Draw.objects.none(), required=False, widget=forms.HiddenInput)
    clue = forms.ModelChoiceField(queryset=Clue.objects.none(), required=False, to_field_name="number", widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)
        self.user = user
        self.initial.setdefault("inspected_on", timezone.localdate())
        self.fields["inspectors"].queryset = inspectors_for(user)
        self.fields["campaign"].queryset = Campaign.objects.restrict(user, "view")
        self.fields["draw"].queryset = Draw.objects.restrict(user, "view")
        self.fields["clue"].queryset = Clue.objects.restrict(user, "view")
        projects = Project.objects.restrict(user, "view")
        if projects.count() <= PROJECT_SELECT_LIMIT:
            choices = [("", "---------")] + [(code, f"{code} {name}") for code, name in projects.order_by("code").values_list("code", "name")]
            self.fields["project"].widget = forms.Select(choices=choices)
        else:
            self.fields["project"].widget.attrs.update({"placeholder": _("Project code"), "autocomplete": "off"})
        for item, label in ChecklistItem.choices:
            self.fields[check_field_name(item)] = forms.ChoiceField(
                label=label, choices=CheckResult.choices, widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}),
            )
            self.fields[note_field_name(item)] = forms.CharField(
                label=_("Note on %(item)s") % {"item": label}, required=False, max_length=500,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": _("Note")}),
            )

    # --- What the template shows -------------------------------------------------------------------

    def checklist_rows(self):
        """[(label, result field, note field)] per checklist item, for the table of the form."""
        return [(label, self[check_field_name(item)], self[note_field_name(item)]) for item, label in ChecklistItem.choices]

    def main_fields(self):
        skip = {check_field_name(i) for i in ChecklistItem.values} | {note_field_name(i) for i in ChecklistItem.values}
        return [f for f in self.visible_fields() if f.name not in skip]

    # --- Cleaning ----------------------------------------------------------------------------------

    def clean_project(self):
        code = (self.cleaned_data.get("project") or "").strip()
        project = Project.objects.restrict(self.user, "view").select_related("general_contractor").filter(code=code).first()
        if project is None:
            raise ValidationError(_("No project with this code in your jurisdiction."), code="unknown_project")
        return project

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise ValidationError(_("At most %(n)s photos.") % {"n": MAX_PHOTOS})
        # The model's validator, before anything is stored (the service checks again).
        for photo in photos:
            try:
                validate_photo(photo)
            except ValidationError as error:
                raise ValidationError(f"{photo.name}: {' '.join(error.messages)}")
        return photos

    def clean(self):
        cleaned = super().clean()
        draw = cleaned.get("draw")
        if draw is not None and cleaned.get("campaign") is None:
            cleaned["campaign"] = draw.campaign
        return cleaned

    def service_kwargs(self):
        """Keyword arguments of services.inspection_record (after is_valid())."""
        data = self.cleaned_data
        checklist = {item: data[check_field_name(item)] for item in ChecklistItem.values}
        notes = {item: data[note_field_name(item)].strip() for item in ChecklistItem.values
                 if (data.get(note_field_name(item)) or "").strip()}
        return {
            "project": data["project"], "inspected_on": data["inspected_on"], "method": data["method"],
            "inspectors": list(data["inspectors"]), "checklist": checklist, "checklist_notes": notes,
            "findings": data.get("findings") or "", "workers_interviewed": data.get("workers_interviewed") or 0,
            "interview_notes": data.get("interview_notes") or "", "campaign": data.get("campaign"),
            "draw": data.get("draw"), "clue": data.get("clue"), "rectify_by": data.get("rectify_by"),
            "photos": data.get("photos") or [],
        }
