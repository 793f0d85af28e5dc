"""Forms of reports' pages."""
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ReportKind


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    region_code = forms.RegexField(label=_("Region code"), regex=r"^(\d{2}|\d{4}|\d{6})$",
                                   help_text=_("A county (6 digits), a city (4) or the province (2)."))
    period_start = forms.DateField(label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text=_("Weekly: a Monday. Monthly: the 1st. Quarterly: the 1st of a quarter."))
    regenerate = forms.BooleanField(label=_("Generate again if done"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["region_code"].initial = user.jurisdiction_id if user is not None else ""
        self.fields["period_start"].initial = today - datetime.timedelta(days=today.weekday() + 7)
