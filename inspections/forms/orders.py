"""Forms of a rectification order's actions: the re-inspection (复查) and, once escalated, the
penalty decision. Field names are the keyword arguments of the services (order_reinspect,
penalty_decide), so the views pass `cleaned_data` straight through."""
from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects.forms import DateInput

from ..choices import PenaltyArticle
from ..models import PENALTY_RANGES, TEXT_MAX


class ReinspectForm(forms.Form):
    reinspected_on = forms.DateField(label=_("re-inspected on"), widget=DateInput())
    rectified = forms.TypedChoiceField(
        label=_("rectified"), choices=[("yes", _("Yes, rectified: write the order off")), ("no", _("No, not rectified"))],
        coerce=lambda v: v == "yes", widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("note"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)
        self.order = order
        self.initial.setdefault("reinspected_on", timezone.localdate())


class PenaltyForm(forms.Form):
    article = forms.ChoiceField(label=_("article"), choices=[("", "---------")] + PenaltyArticle.choices)
    amount = forms.DecimalField(label=_("fine"), max_digits=12, decimal_places=2, min_value=0,
                                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
                                help_text=_("Yuan, within the article's legal range."))
    work_stoppage = forms.BooleanField(label=_("work stoppage ordered"), required=False,
                                       help_text=_("Only under art. 55 and art. 57."))
    facts = forms.CharField(label=_("facts"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    decided_on = forms.DateField(label=_("decided on"), widget=DateInput())
    responsible_person = forms.CharField(label=_("responsible person"), max_length=50, required=False,
                                         help_text=_("For art. 54 penalties on a responsible person."))

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)
        self.order = order
        self.initial.setdefault("decided_on", timezone.localdate())

    @staticmethod
    def ranges():
        """[(article label, low, high, stoppage)] for the table beside the form."""
        return [(PenaltyArticle(a).label, low, high, stoppage) for a, (low, high, stoppage) in PENALTY_RANGES.items()]
