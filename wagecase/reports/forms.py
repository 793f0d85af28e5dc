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


class DailySubmissionForm(forms.Form):
    region_code = forms.ChoiceField(label=_("County"))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    zero_report = forms.BooleanField(label=_("Zero report (nothing to report)"), required=False)
    clues_received = forms.IntegerField(label=_("Clues received"), min_value=0, initial=0)
    clues_closed = forms.IntegerField(label=_("Clues closed"), min_value=0, initial=0)
    projects_inspected = forms.IntegerField(label=_("Projects inspected"), min_value=0, initial=0)
    workers_paid = forms.IntegerField(label=_("Workers paid"), min_value=0, initial=0)
    amount_paid = forms.DecimalField(label=_("Wages paid (yuan)"), min_value=0, max_digits=14, decimal_places=2, initial=0)
    incidents = forms.IntegerField(label=_("Emergency incidents"), min_value=0, initial=0)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [(c.code, c.name) for c in counties]
