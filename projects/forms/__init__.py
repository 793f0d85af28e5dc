"""Forms of projects' pages: the project (with its parties named by USCC), and one form per record of
the five core systems (dedicated account, allocation, roster entry, payroll with its lines, wage
deposit, drawdown and top-up, notice board), plus the Excel upload forms.

The forms only shape and check input (model validation runs through ModelForm's full_clean, so the
pages reject what the API rejects with the same messages). Nothing here saves a model directly:
the views pass `cleaned_data` to projects.services, and ProjectForm.save() does the same."""
import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from wagecase.core.choices import EnterpriseRole, RegionLevel
from wagecase.core.forms import REGION_SELECT_LIMIT, RegionChoiceField, ScopedModelForm
from wagecase.core.models import Enterprise, Region
from wagecase.core.validators import (
    normalize_id_number, normalize_uscc, validate_id_number, validate_phone, validate_uscc, validate_xlsx_upload,
)

from .. import services
from ..choices import NoticeItem, PaidVia
from ..models import DedicatedAccount, DepositDrawdown, NoticeBoard, Project, WageDeposit

# Codes that would collide with the fixed paths under /projects/ (the model only reserves "bulk").
RESERVED_PROJECT_CODES = {
    "add", "bulk", "export", "import", "rates", "risk", "roster", "templates", "warnings", "workers",
}
MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "YYYY-MM", **(attrs or {})}, format="%Y-%m")


class MonthField(forms.Field):
    """A month typed or picked as "YYYY-MM", held as the date of its first day."""

    widget = MonthInput
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, such as 2026-03.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", str(value).strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)


class UsccField(forms.CharField):
    """A unified social credit code, normalised and checked (length and check character)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("widget", forms.TextInput(attrs={"maxlength": 18, "autocomplete": "off", "class": "font-monospace"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_uscc(value) if value else value

    def validate(self, value):
        super().validate(value)
        if value:
            validate_uscc(value)


class IdNumberField(forms.CharField):
    """A resident ID number (GB 11643), normalised and checked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("widget", forms.TextInput(attrs={"maxlength": 18, "autocomplete": "off", "class": "font-monospace"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_id_number(value) if value else value

    def validate(self, value):
        super().validate(value)
        if value:
            validate_id_number(value)


def date_widgets(*names):
    return {name: DateInput() for name in names}


# --- Project -------------------------------------------------------------------------------------

PARTIES = (("builder", EnterpriseRole.BUILDER), ("general_contractor", EnterpriseRole.GENERAL_CONTRACTOR))


class ProjectForm(ScopedModelForm):
    """A project. The construction unit and the general contractor are named by USCC: a registered
    enterprise is used as it is; an unknown code registers the enterprise under the name given."""

    region_levels = (RegionLevel.COUNTY,)

    builder_uscc = UsccField(label=_("Construction unit USCC"))
    builder_name = forms.CharField(
        label=_("Construction unit name"), max_length=200, required=False,
        help_text=_("Needed only when the code is not registered yet: the enterprise is then registered under this name."),
    )
    general_contractor_uscc = UsccField(label=_("General contractor USCC"))
    general_contractor_name = forms.CharField(
        label=_("General contractor name"), max_length=200, required=False,
        help_text=_("Needed only when the code is not registered yet: the enterprise is then registered under this name."),
    )

    class Meta:
        model = Project
        fields = [
            "code", "name", "region", "township", "address", "investment_type", "industry", "contract_amount",
            "contract_signed_on", "start_date", "planned_end_date", "completed_on", "status",
            "builder_uscc", "builder_name", "general_contractor_uscc", "general_contractor_name",
            "regulator", "wage_officer_name", "wage_officer_phone", "injury_insurance", "payment_guarantee",
        ]
        field_classes = {"region": RegionChoiceField, "township": RegionChoiceField}
        widgets = {
            "code": forms.TextInput(attrs={"class": "font-monospace", "autocomplete": "off"}),
            **date_widgets("contract_signed_on", "start_date", "planned_end_date", "completed_on"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The base form limits every region field to `region_levels`; the township is the level below.
        township = self.fields["township"]
        regions = Region.objects.all() if self.user is None else Region.objects.restrict(self.user, "view")
        township.queryset = regions.filter(level=RegionLevel.TOWNSHIP).order_by("code")
        if township.queryset.count() > REGION_SELECT_LIMIT:
            township.widget = forms.TextInput(attrs={"placeholder": _("Township code, e.g. 620502001"), "inputmode": "numeric"})
            township.help_text = _("Enter the 9-digit township code.")
        else:
            township.widget = forms.Select(choices=township.choices)
        if self.instance.pk:
            # The code is the project's address (URL, API, imports): it does not change.
            self.fields["code"].disabled = True
            for field, _role in PARTIES:
                enterprise = getattr(self.instance, field)
                self.initial.setdefault(f"{field}_uscc", enterprise.uscc)
                self.initial.setdefault(f"{field}_name", enterprise.name)
        user = self.user
        if user is not None and getattr(user, "is_bureau", False):
            industry = self.fields["industry"]
            industry.choices = [(v, label) for v, label in industry.choices if not v or v in (user.industries or [])]

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not self.instance.pk and code.lower() in RESERVED_PROJECT_CODES:
            raise ValidationError(_("This project code is reserved."), code="reserved")
        return code

    def clean(self):
        cleaned = super().clean()
        self._parties = {}
        for field, _role in PARTIES:
            uscc = cleaned.get(f"{field}_uscc")
            if not uscc:
                continue
            enterprise = Enterprise.objects.filter(uscc=uscc).first()
            name = (cleaned.get(f"{field}_name") or "").strip()
            if enterprise is None and not name:
                self.add_error(f"{field}_name", _("This enterprise is not registered yet: give its name."))
            self._parties[field] = (uscc, name)
        return cleaned

    def save(self, commit=True):
        """Register unknown parties, then save through projects.services.project_save."""
        project = self.instance
        for field, role in PARTIES:
            uscc, name = self._parties[field]
            enterprise = services.enterprise_get_or_create(uscc=uscc, name=name, region_code=project.region_id, role=role)
            setattr(project, field, enterprise)
        return services.project_save(project=project)


# --- The five systems' records -------------------------------------------------------------------

class DedicatedAccountForm(forms.ModelForm):
    class Meta:
        model = DedicatedAccount
        fields = ["bank_name", "account_number", "opened_on"]
        widgets = date_widgets("opened_on")


class AllocationForm(forms.Form):
    period = MonthField(label=_("Month"), help_text=_("The month of work whose labour costs were paid in."))
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)
    paid_on = forms.DateField(label=_("Paid into the account on"), widget=DateInput())


class RosterEntryForm(forms.Form):
    """A worker put on the roster. Entering the site before signing the labour contract is
    accepted: the violation shows in real-name compliance and in the warnings."""

    id_number = IdNumberField(label=_("ID number"))
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, validators=[validate_phone])
    trade = forms.CharField(label=_("Trade"), max_length=50, required=False)
    employer_uscc = UsccField(
        label=_("Employer USCC"), required=False, help_text=_("The subcontractor or labour company; it must be registered.")
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    daily_wage = forms.DecimalField(label=_("Pay standard (yuan per day)"), required=False, **MONEY)
    contract_signed_on = forms.DateField(label=_("Labour contract signed on"), required=False, widget=DateInput())
    entered_on = forms.DateField(label=_("Entered the site on"), widget=DateInput())
    exited_on = forms.DateField(label=_("Left the site on"), required=False, widget=DateInput())

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["team"].queryset = project.teams.order_by("name")

    def clean_employer_uscc(self):
        uscc = self.cleaned_data.get("employer_uscc")
        if not uscc:
            self.employer = None
            return uscc
        self.employer = Enterprise.objects.filter(uscc=uscc).first()
        if self.employer is None:
            raise ValidationError(_("No enterprise with this code is registered; add it first."), code="unknown_enterprise")
        return uscc

    def clean(self):
        cleaned = super().clean()
        entered, exited = cleaned.get("entered_on"), cleaned.get("exited_on")
        if entered and exited and exited < entered:
            self.add_error("exited_on", _("The exit date is before the entry date."))
        return cleaned

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "id_number": data["id_number"], "name": data["name"], "phone": data["phone"], "trade": data["trade"],
            "employer": getattr(self, "employer", None), "team": data["team"], "daily_wage": data["daily_wage"],
            "contract_signed_on": data["contract_signed_on"], "entered_on": data["entered_on"], "exited_on": data["exited_on"],
        }


class PayrollForm(forms.Form):
    period = MonthField(label=_("Month"), help_text=_("The month of work this payroll pays."))
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DateInput())
    paid_via = forms.ChoiceField(label=_("Paid via"), choices=PaidVia.choices, initial=PaidVia.CONTRACTOR_BANK)


AMOUNT_INPUT = forms.NumberInput(attrs={"class": "form-control form-control-sm text-end font-monospace", "step": "0.01", "min": "0"})


class PayrollLineForm(forms.Form):
    """One worker's line of a payroll; a row left empty is not part of the payroll."""

    id_number = forms.CharField(widget=forms.HiddenInput, max_length=18)
    amount_due = forms.DecimalField(label=_("Amount due"), required=False, widget=AMOUNT_INPUT, **MONEY)
    amount_paid = forms.DecimalField(label=_("Amount paid"), required=False, widget=AMOUNT_INPUT, **MONEY)

    def __init__(self, *args, roster=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.roster = roster or {}

    def clean_id_number(self):
        id_number = normalize_id_number(self.cleaned_data["id_number"])
        if id_number not in self.roster:
            raise ValidationError(_("This person is not on the project's roster."), code="not_on_roster")
        return id_number

    def clean(self):
        cleaned = super().clean()
        due, paid = cleaned.get("amount_due"), cleaned.get("amount_paid")
        if (due is None) != (paid is None) and not self.errors:
            self.add_error("amount_paid" if paid is None else "amount_due", _("Give both the amount due and the amount paid."))
        return cleaned

    @property
    def worker(self):
        id_number = normalize_id_number(self["id_number"].value() or "")
        return self.roster.get(id_number)

    def line(self):
        data = self.cleaned_data
        if data.get("amount_due") is None:
            return None
        return {"id_number": data["id_number"], "amount_due": data["amount_due"], "amount_paid": data["amount_paid"]}


class BasePayrollLineFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not [form for form in self.forms if form.line()]:
            raise ValidationError(_("Enter the amounts of at least one worker."), code="empty")

    def lines(self):
        return [line for line in (form.line() for form in self.forms) if line]


PayrollLineFormSet = forms.formset_factory(
    PayrollLineForm, formset=BasePayrollLineFormSet, extra=0, max_num=300, validate_max=True, absolute_max=300
)


class WageDepositForm(forms.ModelForm):
    class Meta:
        model = WageDeposit
        fields = ["form", "amount", "deposited_on", "exempt", "exemption_reason"]
        widgets = date_widgets("deposited_on")


class DrawdownForm(forms.ModelForm):
    class Meta:
        model = DepositDrawdown
        fields = ["amount", "drawn_on", "reason"]
        widgets = date_widgets("drawn_on")


class TopUpForm(forms.Form):
    topped_up_on = forms.DateField(label=_("Topped up on"), widget=DateInput())

    def __init__(self, *args, drawdown, **kwargs):
        super().__init__(*args, **kwargs)
        self.drawdown = drawdown

    def clean_topped_up_on(self):
        day = self.cleaned_data["topped_up_on"]
        if day < self.drawdown.drawn_on:
            raise ValidationError(_("The top-up date is before the drawdown."), code="before_drawdown")
        return day


class NoticeBoardForm(forms.ModelForm):
    items = forms.MultipleChoiceField(
        label=_("Items shown"), choices=NoticeItem.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = NoticeBoard
        fields = ["installed_on", "items", "photo"]
        widgets = {
            **date_widgets("installed_on"),
            "photo": forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }
        help_texts = {"photo": _("JPEG, PNG or WebP, at most 5 MB. Leave empty to keep the current photo.")}

    def new_photo(self):
        """The uploaded photo, or None to keep the current one."""
        return self.files.get(self.add_prefix("photo"))


# --- Excel uploads -------------------------------------------------------------------------------

class ExcelUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file"), widget=forms.FileInput(attrs={"accept": ".xlsx"}),
        help_text=_("A filled-in template (.xlsx). The import runs in the background; if any row has an error nothing is saved."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_xlsx_upload(upload)  # name, size, zip with [Content_Types].xml, unzipped size
        return upload


class PayrollUploadForm(ExcelUploadForm):
    """The payroll file of one month; the month, pay date and method may also be given in the file."""

    period = MonthField(label=_("Month"), required=False, help_text=_("Leave empty to take it from the file."))
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DateInput())
    paid_via = forms.ChoiceField(label=_("Paid via"), choices=[("", "---------"), *PaidVia.choices], required=False)

    def job_params(self):
        data = self.cleaned_data
        params = {}
        if data.get("period"):
            params["period"] = f"{data['period']:%Y-%m}"
        if data.get("paid_on"):
            params["paid_on"] = data["paid_on"].isoformat()
        if data.get("paid_via"):
            params["paid_via"] = data["paid_via"]
        return params


# --- Page filters --------------------------------------------------------------------------------

class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())


class RegionForm(forms.Form):
    """`?region_code=`: a region prefix within the user's jurisdiction (empty: all of it)."""

    region_code = forms.CharField(
        label=_("Region code"), required=False, max_length=9,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "620502"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_region_code(self):
        code = (self.cleaned_data.get("region_code") or "").strip()
        prefix = self.user.scope_prefix or ""
        if code and (not code.isdigit() or len(code) not in (2, 4, 6, 9)):
            raise ValidationError(_("A region code has 2, 4, 6 or 9 digits."), code="region_code")
        if code and not code.startswith(prefix):
            raise ValidationError(_("Choose a region within your jurisdiction."), code="out_of_scope")
        return code

    def filter_projects(self, projects):
        """Projects of the region chosen (all of the given ones when none or when invalid)."""
        code = self.cleaned_data.get("region_code") if self.is_valid() else ""
        if not code:
            return projects
        if len(code) == 9:
            return projects.filter(township_id=code)
        return projects.filter(region__code__startswith=code)


class RatesForm(RegionForm):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())


# --- Parties, attendance, account closing and deposit return ----------------------------------------

class SubcontractorForm(forms.Form):
    """A subcontractor named by USCC: an unknown code registers the enterprise under the name given."""

    uscc = UsccField(label=_("Subcontractor USCC"))
    name = forms.CharField(
        label=_("Subcontractor name"), max_length=200, required=False,
        help_text=_("Needed only when the code is not registered yet: the enterprise is then registered under this name."),
    )
    scope_of_work = forms.CharField(label=_("Scope of work"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        uscc = cleaned.get("uscc")
        if uscc and not Enterprise.objects.filter(uscc=uscc).exists() and not (cleaned.get("name") or "").strip():
            self.add_error("name", _("This enterprise is not registered yet: give its name."))
        return cleaned


class WorkTeamForm(forms.Form):
    """A work team, created or updated by its name."""

    name = forms.CharField(label=_("Team name"), max_length=100)
    employer_uscc = UsccField(
        label=_("Employer USCC"), required=False, help_text=_("The subcontractor or labour company; it must be registered.")
    )
    leader_name = forms.CharField(label=_("Team leader"), max_length=50, required=False)
    leader_phone = forms.CharField(label=_("Team leader's phone"), max_length=20, required=False, validators=[validate_phone])

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_employer_uscc(self):
        uscc = self.cleaned_data.get("employer_uscc")
        self.employer = None
        if uscc:
            self.employer = Enterprise.objects.filter(uscc=uscc).first()
            if self.employer is None:
                raise ValidationError(_("No enterprise with this code is registered; add it first."), code="unknown_enterprise")
        return uscc

    def service_kwargs(self):
        data = self.cleaned_data
        return {"name": data["name"], "employer": self.employer, "leader_name": data["leader_name"],
                "leader_phone": data["leader_phone"]}


class AttendanceForm(forms.Form):
    period = MonthField(label=_("Month"), help_text=_("The month of work whose attendance is recorded."))


DAYS_INPUT = forms.NumberInput(attrs={"class": "form-control form-control-sm text-end font-monospace", "step": "0.5", "min": "0", "max": "31"})


class AttendanceLineForm(forms.Form):
    """One worker's days in the month; a row left empty is not recorded."""

    id_number = forms.CharField(widget=forms.HiddenInput, max_length=18)
    days = forms.DecimalField(label=_("Days worked"), required=False, max_digits=4, decimal_places=1, min_value=0, max_value=31,
                              widget=DAYS_INPUT)

    def __init__(self, *args, roster=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.roster = roster or {}

    def clean_id_number(self):
        id_number = normalize_id_number(self.cleaned_data["id_number"])
        if id_number not in self.roster:
            raise ValidationError(_("This person is not on the project's roster."), code="not_on_roster")
        return id_number

    @property
    def worker(self):
        return self.roster.get(normalize_id_number(self["id_number"].value() or ""))


class BaseAttendanceLineFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.days_by_id_number():
            raise ValidationError(_("Enter the days of at least one worker."), code="empty")

    def days_by_id_number(self):
        return {form.cleaned_data["id_number"]: form.cleaned_data["days"] for form in self.forms
                if form.cleaned_data.get("days") is not None}


AttendanceLineFormSet = forms.formset_factory(
    AttendanceLineForm, formset=BaseAttendanceLineFormSet, extra=0, max_num=300, validate_max=True, absolute_max=300
)


class AccountCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput(),
                                help_text=_("At least 30 days after completion (the public notice), with no wage arrears."))


class DepositReturnNoticeForm(forms.Form):
    notice_on = forms.DateField(label=_("Return notice published on"), widget=DateInput(),
                                help_text=_("After completion, with no wage arrears; the deposit is returned 30 days later."))


class DepositReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("Returned on"), widget=DateInput(),
                                  help_text=_("At least 30 days after the return notice."))
