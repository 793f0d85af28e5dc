"""Forms of arrears cases and emergency incidents: opening a case (with its optional per-worker
rows), editing its five haves and supervision, one small form per case action (payment, order to
pay, extra compensation, referral, referral status, note), the incident report and its update, and
the two clear-to-zero tracker's filter.

Field names are the keyword arguments of the services (complaints.services), so the views pass
`cleaned_data` through; the services decide, and their ValidationErrors come back on these fields."""
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import Project
from wagecase.core.choices import RegionLevel
from wagecase.core.forms import REGION_SELECT_LIMIT, RegionChoiceField
from wagecase.core.models import Region
from wagecase.core.money import amount_text

from ..choices import IncidentKind, PaymentSource, ReferralStatus, SupervisionLevel
from ..models import DESCRIPTION_MAX, TEXT_MAX, ArrearsCase
from .intake import DATETIME_LOCAL, DateInput, DateTimeLocalInput, _typeahead

MONEY_WIDGET = {"step": "0.01", "min": "0"}
FIVE_HAVES = ("responsible_unit", "responsible_leader", "responsible_person", "measures", "deadline")


def _money(label, help_text=_("Yuan.")):
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, validators=[MinValueValidator(0)],
                              help_text=help_text, widget=forms.NumberInput(attrs=MONEY_WIDGET))


def _date(label, required=True, help_text=""):
    return forms.DateField(label=label, required=required, help_text=help_text, widget=DateInput())


def _datetime(label, required=True):
    return forms.DateTimeField(label=label, required=required, widget=DateTimeLocalInput(),
                               input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])


def _text(label, required=True, rows=3, max_length=TEXT_MAX, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class _Labelled:
    """Capitalised labels; the five haves marked (they are all required, 五个有)."""

    def _finish_labels(self):
        for name, field in self.fields.items():
            field.label = capfirst(field.label)
            if name in FIVE_HAVES:
                field.required = True
                field.widget.attrs["data-five-haves"] = "1"
                field.label_suffix = ""
                field.help_text = field.help_text or _("One of the five haves (五个有): required.")


def county_field(user, form, name="region"):
    """The counties of the user's jurisdiction (typed as a code when there are too many to list)."""
    counties = Region.objects.restrict(user, "view").filter(level=RegionLevel.COUNTY).order_by("code")
    field = form.fields[name]
    field.queryset = counties
    if counties.count() > REGION_SELECT_LIMIT:
        field.widget = forms.TextInput(attrs={"placeholder": "620502", "inputmode": "numeric"})
    if not form.is_bound:
        jurisdiction = getattr(user, "jurisdiction", None)
        if jurisdiction is not None and jurisdiction.level == RegionLevel.COUNTY:
            form.initial.setdefault(name, jurisdiction.pk)
    return counties


def project_from_code(user, code):
    code = (code or "").strip()
    if not code:
        return None
    project = Project.objects.restrict(user, "view").filter(code=code).first()
    if project is None:
        raise ValidationError(_("No project with this code in your jurisdiction."), code="unknown_project")
    return project


# --- Opening and editing a case -------------------------------------------------------------------

class ArrearsCaseForm(_Labelled, forms.Form):
    """Open a case: directly, or from a clue (`clue`, hidden, carries the clue's number)."""

    clue = forms.CharField(required=False, widget=forms.HiddenInput)
    inspection = forms.IntegerField(required=False, widget=forms.HiddenInput)
    region = RegionChoiceField(label=_("county"), queryset=Region.objects.none())
    project = forms.CharField(
        label=_("project"), max_length=64, required=False,
        help_text=_("Type part of the project's code or name and pick it from the list; this fills in the enterprise."),
        widget=forms.TextInput(attrs=_typeahead(reverse_lazy("complaints:project_typeahead"), "#project-suggestions",
                                                _("Project code or name"))),
    )
    employer_name = forms.CharField(
        label=_("enterprise in arrears"), max_length=200, required=False,
        help_text=_("Search by name or USCC; a new enterprise is registered with the USCC and name given."),
        widget=forms.TextInput(attrs=_typeahead(reverse_lazy("complaints:employer_typeahead"), "#employer-suggestions",
                                                _("Name of the company owing the wages"))),
    )
    employer_uscc = forms.CharField(label=_("enterprise's USCC"), max_length=18, required=False)
    occurred_on = _date(_("arrears occurred on"))
    workers_owed = forms.IntegerField(label=_("workers owed"), min_value=1)
    amount_owed = _money(_("amount owed"))
    description = _text(_("facts"), required=False, rows=3, max_length=DESCRIPTION_MAX)
    responsible_unit = forms.CharField(label=_("responsible unit"), max_length=200)
    responsible_leader = forms.CharField(label=_("responsible leader"), max_length=50)
    responsible_person = forms.CharField(label=_("responsible person"), max_length=50)
    measures = _text(_("measures"), max_length=DESCRIPTION_MAX)
    deadline = _date(_("completion deadline"))
    supervision_level = forms.ChoiceField(label=_("supervision"), choices=SupervisionLevel.choices, initial=SupervisionLevel.NONE)
    leader_in_charge = forms.CharField(label=_("leader in charge (包案领导)"), max_length=50, required=False)

    def __init__(self, *args, user, clue=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.source_clue = clue
        county_field(user, self)
        self._finish_labels()
        if clue is not None:
            # The clue's employer is used when no USCC is typed; the county is the clue's.
            self.fields["employer_name"].required = False

    def clean_project(self):
        return project_from_code(self.user, self.cleaned_data.get("project"))

    def clean(self):
        cleaned = super().clean()
        uscc = (cleaned.get("employer_uscc") or "").strip().upper()
        cleaned["employer_uscc"] = uscc
        clue = self.source_clue
        has_clue_employer = clue is not None and (clue.employer_id or clue.employer_uscc)
        if not uscc and not has_clue_employer:
            self.add_error("employer_uscc", ValidationError(_("Give the enterprise's USCC."), code="required"))
        return cleaned

    def service_fields(self):
        """The keyword arguments of services.case_open (without the enterprise, resolved by the view)."""
        data = dict(self.cleaned_data)
        for name in ("clue", "inspection", "employer_name", "employer_uscc"):
            data.pop(name, None)
        return data


class CaseWorkerForm(forms.Form):
    """One worker owed (optional rows); linked to the roster when the ID number is known there."""

    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    amount_owed = forms.DecimalField(label=_("amount owed"), max_digits=12, decimal_places=2, required=False,
                                     validators=[MinValueValidator(0)], widget=forms.NumberInput(attrs=MONEY_WIDGET))

    def clean(self):
        cleaned = super().clean()
        filled = [cleaned.get("name"), cleaned.get("id_number"), cleaned.get("amount_owed")]
        if any(v not in (None, "") for v in filled):
            if not cleaned.get("name"):
                self.add_error("name", ValidationError(_("This field is required."), code="required"))
            if cleaned.get("amount_owed") in (None, ""):
                self.add_error("amount_owed", ValidationError(_("This field is required."), code="required"))
        return cleaned

    def row(self):
        data = self.cleaned_data
        if not data or not data.get("name"):
            return None
        return {"name": data["name"], "id_number": data.get("id_number") or "", "amount_owed": data["amount_owed"]}


CaseWorkerFormSet = forms.formset_factory(CaseWorkerForm, extra=3, max_num=500, validate_max=True)


class ArrearsCaseEditForm(_Labelled, forms.ModelForm):
    """The five haves, supervision, leader in charge and facts (services.case_update)."""

    class Meta:
        model = ArrearsCase
        fields = ["responsible_unit", "responsible_leader", "responsible_person", "measures", "deadline",
                  "supervision_level", "leader_in_charge", "description"]
        widgets = {"deadline": DateInput(), "measures": forms.Textarea(attrs={"rows": 3}),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self._finish_labels()
        self.fields["comment"] = _text(capfirst(_("comment")), required=False, rows=2)

    def _post_clean(self):
        # The model is validated by the service on the locked row, not here.
        pass

    def changed_fields(self):
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self._meta.fields}


# --- Case actions ---------------------------------------------------------------------------------

class CaseActionForm(forms.Form):
    slug = "action"

    def __init__(self, *args, case, user, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.slug}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)
        self.case = case
        self.user = user


class PaymentForm(CaseActionForm):
    slug = "payment"
    amount = _money(_("amount"))
    workers = forms.IntegerField(label=_("workers paid"), min_value=0, initial=0)
    paid_on = _date(_("paid on"))
    source = forms.ChoiceField(
        label=_("source"), choices=PaymentSource.choices,
        help_text=_("A wage-deposit payment draws the project's deposit down; the deposit must be topped up within 10 working days."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("paid_on", timezone.localdate())
            self.initial.setdefault("amount", self.case.amount_outstanding)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount > self.case.amount_outstanding:
            raise ValidationError(_("Only ¥%(left)s is outstanding.") % {"left": amount_text(self.case.amount_outstanding)}, code="over")
        return amount


class OrderForm(CaseActionForm):
    slug = "order"
    issued_on = _date(_("order to pay issued on"))
    pay_by = _date(_("pay by"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("issued_on", today)
            self.initial.setdefault("pay_by", today + datetime.timedelta(days=10))

    def clean(self):
        cleaned = super().clean()
        issued, pay_by = cleaned.get("issued_on"), cleaned.get("pay_by")
        if issued and pay_by and pay_by < issued:
            self.add_error("pay_by", ValidationError(_("The payment deadline is before the order."), code="order"))
        return cleaned


class CompensationForm(CaseActionForm):
    slug = "compensation"
    percent = forms.IntegerField(label=_("extra compensation (%)"), validators=[MinValueValidator(50), MaxValueValidator(100)],
                                 help_text=_("Between 50 % and 100 % of the amount owed."), initial=50)
    ordered_on = _date(_("ordered on"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("ordered_on", timezone.localdate())


class ReferralForm(CaseActionForm):
    slug = "refer"
    referred_on = _date(_("referred on"))
    police_unit = forms.CharField(label=_("police unit"), max_length=200)
    outcome = _text(_("comment"), required=False, rows=2, max_length=DESCRIPTION_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("referred_on", timezone.localdate())


class ReferralUpdateForm(CaseActionForm):
    slug = "referral"
    status = forms.ChoiceField(label=_("status"), choices=ReferralStatus.choices)
    outcome = _text(_("outcome"), required=False, rows=3, max_length=DESCRIPTION_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        referral = getattr(self.case, "referral", None)
        if not self.is_bound and referral is not None:
            self.initial.setdefault("status", referral.status)


class CaseNoteForm(CaseActionForm):
    slug = "note"
    comment = _text(_("note"), max_length=DESCRIPTION_MAX)


# --- Incidents ------------------------------------------------------------------------------------

class IncidentForm(forms.Form):
    """Report an emergency incident (services.incident_report)."""

    kind = forms.ChoiceField(label=_("kind"), choices=[("", "---------")] + IncidentKind.choices)
    serious = forms.BooleanField(label=_("serious"), required=False,
                                 help_text=_("Serious incidents are reported within 5 minutes, others within 10."))
    occurred_at = _datetime(_("occurred at"))
    reported_at = _datetime(_("reported at"))
    region = RegionChoiceField(label=_("county"), queryset=Region.objects.none())
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    project = forms.CharField(label=_("project"), max_length=64, required=False, help_text=_("Project code."))
    case = forms.IntegerField(label=_("arrears case"), required=False, min_value=1, help_text=_("The case's number (id)."))
    people_involved = forms.IntegerField(label=_("people involved"), min_value=1)
    description = _text(_("description"), rows=4, max_length=DESCRIPTION_MAX)
    damage = forms.CharField(label=_("injuries and damage"), max_length=TEXT_MAX, required=False)
    cause = _text(_("cause"), required=False, rows=2, max_length=DESCRIPTION_MAX)
    measures = _text(_("measures taken"), required=False, rows=3, max_length=DESCRIPTION_MAX)
    public_reaction = forms.CharField(label=_("public and media reaction"), max_length=TEXT_MAX, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            field.label = capfirst(field.label)
        county_field(user, self)
        if not self.is_bound:
            self.initial.setdefault("reported_at", timezone.localtime().replace(second=0, microsecond=0))

    def clean_project(self):
        return project_from_code(self.user, self.cleaned_data.get("project"))

    def clean_case(self):
        pk = self.cleaned_data.get("case")
        if not pk:
            return None
        case = ArrearsCase.objects.restrict(self.user, "view").filter(pk=pk).first()
        if case is None:
            raise ValidationError(_("No arrears case with this number in your jurisdiction."), code="unknown_case")
        return case


class IncidentUpdateForm(forms.Form):
    """Add measures, cause, reaction; close with the closing report (services.incident_update)."""

    place = forms.CharField(label=_("place"), max_length=200, required=False)
    people_involved = forms.IntegerField(label=_("people involved"), min_value=1)
    damage = forms.CharField(label=_("injuries and damage"), max_length=TEXT_MAX, required=False)
    cause = _text(_("cause"), required=False, rows=2, max_length=DESCRIPTION_MAX)
    measures = _text(_("measures taken"), required=False, rows=3, max_length=DESCRIPTION_MAX)
    public_reaction = forms.CharField(label=_("public and media reaction"), max_length=TEXT_MAX, required=False)
    closing_report = _text(_("closing report"), required=False, rows=3, max_length=DESCRIPTION_MAX,
                           help_text=_("Writing the closing report closes the incident."))

    FIELDS = ("place", "people_involved", "damage", "cause", "measures", "public_reaction", "closing_report")

    def __init__(self, *args, incident, user=None, **kwargs):
        kwargs.setdefault("initial", {name: getattr(incident, name) for name in self.FIELDS})
        kwargs.setdefault("auto_id", "id_update_%s")
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.user = user
        for field in self.fields.values():
            field.label = capfirst(field.label)


# --- The two clear-to-zero tracker ----------------------------------------------------------------

class ZeroClearanceForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    region_code = forms.CharField(label=_("Region code"), required=False, max_length=9,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "620502"}))

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
