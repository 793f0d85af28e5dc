"""The ledger page's filter: campaign, region prefix, period and grouping."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects.forms import DateInput

from ..models import Campaign


class LedgerForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("campaign"), queryset=Campaign.objects.none(), required=False)
    region_code = forms.RegexField(label=_("Region code"), regex=r"^\d{2,9}$", required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "620502"}),
                                   help_text=_("The region and everything under it."))
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    group_by = forms.ChoiceField(label=_("Rows"), required=False, initial="region",
                                 choices=[("region", _("By region")), ("campaign", _("By campaign"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)
        self.user = user
        self.fields["campaign"].queryset = Campaign.objects.restrict(user, "view").order_by("-starts_on", "name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_to"] < cleaned["date_from"]:
            raise ValidationError(_("The end date is before the start date."))
        return cleaned
