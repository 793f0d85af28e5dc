"""The intake form of a clue and the figures' period form."""
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects.models import Project
from wagecase.core.choices import RegionLevel
from wagecase.core.forms import REGION_SELECT_LIMIT, RegionChoiceField
from wagecase.core.models import Region

from ..choices import Channel
from ..models import DESCRIPTION_MAX

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _typeahead(url, target, placeholder):
    """Attributes of an input that asks `url` for suggestions while the user types (htmx)."""
    return {
        "autocomplete": "off",
        "placeholder": placeholder,
        "hx-get": url,
        "hx-trigger": "input changed delay:300ms, focus",
        "hx-target": target,
        "hx-include": "this",  # only what is typed here, not the form (its personal data stays out of URLs)
        "hx-swap": "innerHTML",
        "hx-sync": "this:replace",
    }


class ClueIntakeForm(forms.Form):
    """What is asked, in the order it is asked on the phone. Choices of regions and the project
    lookup stay within the user's jurisdiction."""

    channel = forms.ChoiceField(label=_("channel"), choices=[("", "---------")] + Channel.choices)
    received_at = forms.DateTimeField(
        label=_("received at"), widget=DateTimeLocalInput(), input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
    )
    region = RegionChoiceField(label=_("county"), queryset=Region.objects.none())
    complainant_name = forms.CharField(label=_("complainant"), max_length=50)
    complainant_phone = forms.CharField(
        label=_("complainant's phone"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})
    )
    complainant_id_number = forms.CharField(
        label=_("complainant's ID number"), max_length=18, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    project = forms.CharField(
        label=_("project"), max_length=64, required=False,
        help_text=_("Type part of the project's code or name and pick it from the list; this fills in the employer."),
        widget=forms.TextInput(attrs=_typeahead(reverse_lazy("complaints:project_typeahead"), "#project-suggestions",
                                                _("Project code or name"))),
    )
    employer_name = forms.CharField(
        label=_("employer"), max_length=200,
        widget=forms.TextInput(attrs=_typeahead(reverse_lazy("complaints:employer_typeahead"), "#employer-suggestions",
                                                _("Name of the company or team owing the wages"))),
    )
    employer_uscc = forms.CharField(label=_("employer's USCC"), max_length=18, required=False)
    workers_involved = forms.IntegerField(label=_("workers involved"), min_value=1, initial=1)
    amount_claimed = forms.DecimalField(
        label=_("amount claimed"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)],
        help_text=_("Yuan."), widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )
    description = forms.CharField(
        label=_("description"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)
        self.user = user
        counties = Region.objects.restrict(user, "view").filter(level=RegionLevel.COUNTY).order_by("code")
        field = self.fields["region"]
        field.queryset = counties
        if counties.count() > REGION_SELECT_LIMIT:
            field.widget = forms.TextInput(attrs={"placeholder": "620502", "inputmode": "numeric"})
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))
            jurisdiction = getattr(user, "jurisdiction", None)
            if jurisdiction is not None and jurisdiction.level == RegionLevel.COUNTY:
                self.initial.setdefault("region", jurisdiction.pk)
            elif counties.count() == 1:
                self.initial.setdefault("region", counties.first().pk)

    def clean_project(self):
        code = (self.cleaned_data.get("project") or "").strip()
        if not code:
            return None
        project = Project.objects.restrict(self.user, "view").filter(code=code).first()
        if project is None:
            raise ValidationError(_("No project with this code in your jurisdiction."), code="unknown_project")
        return project

    def clean_complainant_phone(self):
        return (self.cleaned_data.get("complainant_phone") or "").strip().replace(" ", "").replace("-", "")


class FiguresForm(forms.Form):
    """A region prefix within the user's jurisdiction and a period of receipt (inclusive)."""

    region_code = forms.CharField(
        label=_("Region code"), required=False, max_length=9,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "620502"}),
    )
    date_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Received until"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_region_code(self):
        code = (self.cleaned_data.get("region_code") or "").strip()
        prefix = self.user.scope_prefix or ""
        if code and (not code.isdigit() or len(code) not in (2, 4, 6, 9)):
            raise ValidationError(_("A region code has 2, 4, 6 or 9 digits."), code="region_code")
        if code and not code.startswith(prefix) and not prefix.startswith(code):
            raise ValidationError(_("Choose a region within your jurisdiction."), code="out_of_scope")
        return code

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", ValidationError(_("The end of the period is before its start."), code="period"))
        return cleaned

    @staticmethod
    def default_period(today=None):
        """This year so far."""
        today = today or timezone.localdate()
        return datetime.date(today.year, 1, 1), today
