"""Pages for workers, without login (mounted at /public/): report wage arrears, track a clue.

- `/public/report/` takes a clue from anyone. With `?project=<code>` (the QR code on a site's
  notice board, see projects.qr) the project and its county are fixed and the channel is
  `qr_code`; without, the worker picks the county and the channel is `online`. The clue is made by
  complaints.services.clue_receive(user=None), so it has no officer until someone accepts it.
- `/public/track/` shows a clue's progress to whoever gives its number *and* the complainant's
  phone. A wrong number and a wrong phone get the same answer, so the page does not tell whether
  a number exists. The timeline shows event types and dates only; of what staff wrote, only the
  reply to the complainant.

Abuse: CSRF stays on; every field has a size limit (the model's); accepted reports are limited per
IP address and per phone, look-ups per IP address (django-ratelimit, settings PUBLIC_*_RATE_*),
answered 429 with a page saying when to try again. Invalid submissions are not counted: a worker
correcting a typo must not lock themself out, and they save nothing.

Honeypot: the form has a field "website", hidden from people by CSS. Bots fill it in;
such a submission saves nothing, counts against the IP limit and is answered 400 with the form
again and a neutral message. We chose 400 over a fake success page: a person who somehow filled
it in (an over-eager autofill) is told that nothing was sent, instead of leaving with a clue
number that does not exist."""
import logging
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage

from projects.models import Project
from wagecase.core.choices import RegionLevel
from wagecase.core.models import Department, Region
from wagecase.core.validators import normalize_uscc, validate_id_number, validate_phone, validate_uscc

from . import services
from .choices import Channel, ClueCategory, ClueEventType, ClueStatus
from .models import DESCRIPTION_MAX, Clue

logger = logging.getLogger("wagecase.public")

HONEYPOT = "website"
SESSION_KEY = "public_report_number"

# Timeline entries a complainant may see: what happened to their clue, not how the office works.
PUBLIC_EVENTS = (
    ClueEventType.RECEIVED, ClueEventType.ACCEPTED, ClueEventType.REJECTED, ClueEventType.CLASSIFIED,
    ClueEventType.TRANSFERRED, ClueEventType.TRANSFER_REPLIED, ClueEventType.EXTENDED, ClueEventType.RESOLVED,
    ClueEventType.CLOSED, ClueEventType.REVISITED, ClueEventType.MERGED,
)


# --- Counties offered ------------------------------------------------------------------------------

def served_counties():
    """The counties this installation serves: those with a project or a department of their own,
    and every county under a city or province that has a department. With neither (an empty
    installation), every county."""
    codes = set(Department.objects.values_list("region_id", flat=True).distinct())
    codes |= set(Project.objects.values_list("region_id", flat=True).distinct())
    condition = Q()
    for code in codes:
        if len(code) in (2, 4):
            condition |= Q(code__startswith=code)
        elif len(code) >= 6:
            condition |= Q(code=code[:6])
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    if condition:
        counties = counties.filter(condition)
    return counties.select_related("parent__parent").order_by("code")


def _city_label(county):
    city = county.parent
    if city is None:
        return ""
    # Municipalities' counties sit under a placeholder "市辖区"/"县": name the municipality instead.
    if city.name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划") and city.parent is not None:
        return city.parent.name
    return city.name


def county_choices(counties):
    """Counties grouped by city (an <optgroup> each), so the list reads "city, then county"."""
    groups = {}
    for county in counties:
        groups.setdefault(_city_label(county), []).append((county.code, county.name))
    return [("", _("Choose the county or district"))] + [(label, options) for label, options in groups.items()]


# --- Forms -------------------------------------------------------------------------------------------

class TextAreaField(forms.CharField):
    """A browser counts a line break as one character and sends two (\\r\\n): count it as one here too."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


def clean_phone_value(value):
    phone = (value or "").strip().replace(" ", "").replace("-", "")
    validate_phone(phone)
    return phone


class StyledForm(forms.Form):
    """Bootstrap's classes on every widget; a field with errors is marked invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"


class PublicReportForm(StyledForm):
    complainant_name = forms.CharField(
        label=_("Your name"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    complainant_phone = forms.CharField(
        label=_("Your mobile phone"), max_length=20,
        help_text=_("Needed to track your report and for the office to call you back."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    complainant_id_number = forms.CharField(
        label=_("Your ID number (optional)"), max_length=18, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    region = forms.ChoiceField(
        label=_("County or district where you worked"),
        help_text=_("Cities are the headings of the list; the county or district is below them."),
    )
    employer_name = forms.CharField(
        label=_("Who owes the wages"), max_length=200,
        help_text=_("The company, labour contractor or boss who owes the wages."),
    )
    employer_uscc = forms.CharField(
        label=_("Employer's unified social credit code (optional)"), max_length=18, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    workers_involved = forms.IntegerField(
        label=_("Number of workers owed wages"), min_value=1, max_value=100000, initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "1"}),
    )
    amount_claimed = forms.DecimalField(
        label=_("Amount owed (yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )
    description = TextAreaField(
        label=_("What happened"), max_length=DESCRIPTION_MAX,
        help_text=_("Where and when you worked, for whom, and what is still unpaid."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    # The honeypot (see the module's docstring): hidden by CSS, never filled in by a person.
    website = forms.CharField(
        label=_("Website"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        if project is not None:
            # The project fixes the county.
            del self.fields["region"]
        else:
            self.counties = {c.code: c for c in served_counties()}
            self.fields["region"].choices = county_choices(self.counties.values())

    def clean_complainant_name(self):
        return self.cleaned_data["complainant_name"].strip()

    def clean_complainant_phone(self):
        return clean_phone_value(self.cleaned_data["complainant_phone"])

    def clean_complainant_id_number(self):
        value = (self.cleaned_data.get("complainant_id_number") or "").strip().replace(" ", "").upper()
        if value:
            validate_id_number(value)
        return value

    def clean_employer_uscc(self):
        value = normalize_uscc((self.cleaned_data.get("employer_uscc") or "").strip().upper())
        if value:
            validate_uscc(value)
        return value

    def clean_region(self):
        code = self.cleaned_data["region"]
        county = self.counties.get(code)
        if county is None:
            raise ValidationError(_("Choose a county from the list."), code="invalid_choice")
        return county

    def clean_description(self):
        value = self.cleaned_data["description"].strip()
        if not value:
            raise ValidationError(_("This field is required."), code="required")
        return value

    def clue_fields(self):
        data = dict(self.cleaned_data)
        data.pop(HONEYPOT, None)
        if self.project is not None:
            data["region"] = self.project.region
            data["project"] = self.project
        return data


class TrackForm(StyledForm):
    number = forms.CharField(
        label=_("Clue number"), max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "placeholder": "620502-2026-000123"}),
    )
    phone = forms.CharField(
        label=_("The phone given in the report"), max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean_phone(self):
        return clean_phone_value(self.cleaned_data["phone"])


# --- Rate limits ---------------------------------------------------------------------------------------

def _over_limit(request, group, rate, key="ip"):
    """Count one more for `key` in `group`; the usage if that is over the limit, else None."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is not None and usage["should_limit"]:
        return usage
    return None


def too_many_requests(request, usage):
    minutes = max(1, -(-max(usage.get("time_left", 0), 0) // 60))
    response = render(request, "public/429.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(max(usage.get("time_left", 60), 1))
    return response


# --- Views -----------------------------------------------------------------------------------------------

def _project_from(request):
    code = (request.GET.get("project") or "").strip()
    if not code or len(code) > 64:
        return None
    return Project.objects.select_related("region").filter(code=code).first()


def _add_service_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@csrf_protect
def report(request):
    project = _project_from(request)
    context = {"project": project, "description_max": DESCRIPTION_MAX}
    if request.method != "POST":
        context["form"] = PublicReportForm(project=project)
        return render(request, "public/report.html", context)

    if (request.POST.get(HONEYPOT) or "").strip():
        logger.warning("public report: honeypot filled in, nothing saved (ip limit counted)")
        usage = _over_limit(request, "public-report-ip", settings.PUBLIC_REPORT_RATE_PER_IP)
        if usage:
            return too_many_requests(request, usage)
        data = request.POST.copy()
        data[HONEYPOT] = ""
        form = PublicReportForm(project=project, initial=data.dict())
        context.update(form=form, rejected=True)
        return render(request, "public/report.html", context, status=400)

    form = PublicReportForm(request.POST, project=project)
    context["form"] = form
    if not form.is_valid():
        return render(request, "public/report.html", context)

    fields = form.clue_fields()
    for group, rate, key in (
        ("public-report-ip", settings.PUBLIC_REPORT_RATE_PER_IP, "ip"),
        ("public-report-phone", settings.PUBLIC_REPORT_RATE_PER_PHONE, lambda group, request: fields["complainant_phone"]),
    ):
        usage = _over_limit(request, group, rate, key)
        if usage:
            logger.warning("public report: rate limit %s reached", group)
            return too_many_requests(request, usage)

    try:
        clue = services.clue_receive(
            user=None, channel=Channel.QR_CODE if project is not None else Channel.ONLINE, received_at=timezone.now(),
            **fields,
        )
    except ValidationError as error:
        _add_service_errors(form, error)
        return render(request, "public/report.html", context)
    request.session[SESSION_KEY] = clue.number
    return redirect("public:report_done")


@require_GET
@never_cache
def report_done(request):
    number = request.session.get(SESSION_KEY)
    if not number:
        return redirect("public:report")
    return render(request, "public/report_done.html", {"number": number})


def public_timeline(clue):
    return [
        {"type": event.type, "label": event.get_type_display(), "date": timezone.localtime(event.created).date()}
        for event in clue.events.filter(type__in=PUBLIC_EVENTS).order_by("created", "pk")
    ]


def public_view_of(clue):
    """What the complainant sees of their clue: nothing about officers, departments' staff or notes."""
    closed = clue.status == ClueStatus.CLOSED
    reply = ""
    if closed:
        reply = clue.reply or (clue.reject_reason if clue.category == ClueCategory.NOT_ACCEPTED else "")
    return {
        "number": clue.number,
        "status": clue.status,
        "status_label": clue.get_status_display(),
        "received_on": clue.received_on,
        "accept_due": clue.accept_due,
        "accepted": clue.accepted_at is not None,
        "accepted_on": timezone.localtime(clue.accepted_at).date() if clue.accepted_at else None,
        "resolve_due": clue.resolve_due if clue.is_open and clue.accepted_at else None,
        "closed": closed,
        "closed_on": timezone.localtime(clue.closed_at).date() if closed and clue.closed_at else None,
        "category_label": clue.get_category_display() if closed and clue.category else "",
        "workers_paid": clue.workers_paid if closed else None,
        "amount_recovered": clue.amount_recovered if closed else None,
        "reply": reply,
        "timeline": public_timeline(clue),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@csrf_protect
def track(request):
    if request.method != "POST":
        return render(request, "public/track.html", {"form": TrackForm()})
    usage = _over_limit(request, "public-track-ip", settings.PUBLIC_TRACK_RATE_PER_IP)
    if usage:
        logger.warning("public track: rate limit reached")
        return too_many_requests(request, usage)
    form = TrackForm(request.POST)
    context = {"form": form}
    if form.is_valid():
        clue = Clue.objects.filter(
            number=form.cleaned_data["number"], complainant_phone=form.cleaned_data["phone"]
        ).first()
        if clue is None:
            # One answer for an unknown number and a wrong phone alike.
            context["not_found"] = True
        else:
            context["clue"] = public_view_of(clue)
    return render(request, "public/track.html", context)


def report_url(project_code=None):
    """The path of the report form, for a project's QR code when given its code."""
    path = reverse("public:report")
    return f"{path}?{urlencode({'project': project_code})}" if project_code else path
