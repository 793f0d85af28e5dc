"""The dashboard page (/reports/dashboard/): headline figures, the clear-to-zero countdown, weekly
clue charts, compliance, arrears by county and the lists to act on, for a region prefix within the
user's jurisdiction and a period. Every figure links to the filtered list behind it.

The region: empty → the whole jurisdiction; wider than the jurisdiction (a city for a county user)
→ the jurisdiction; outside it → 404, like `/api/v1/stats/summary/`. A malformed code or a period
that ends before it starts → 400 with the form's errors."""
import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Length
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import pgettext
from django.views import View

from wagecase.core.models import Region

from . import dashboard as selectors
from .figures import default_period

PERMISSION = "complaints.view_clue"  # every office role and the bureau clients have it
INDENT = "\u3000"  # an ideographic space per level below the jurisdiction in the region list


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DashboardForm(forms.Form):
    region_code = forms.CharField(label=gettext_lazy("Region"), required=False, max_length=6, widget=forms.Select)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("Until"), required=False, widget=DateInput())

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].widget.choices = list(regions)

    def clean_region_code(self):
        code = (self.cleaned_data.get("region_code") or "").strip()
        if code and (not code.isdigit() or len(code) not in (2, 4, 6)):
            raise ValidationError(_("A region code has 2, 4 or 6 digits."), code="region_code")
        return code

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", ValidationError(_("The end of the period is before its start."), code="period"))
        return cleaned


def region_choices(user):
    """The jurisdiction and the regions two levels below it, down to counties: (code, label)."""
    prefix = user.scope_prefix
    if prefix is None:
        return []
    deepest = min(6, len(prefix) + 4)
    regions = (Region.objects.restrict(user).filter(code__startswith=prefix).annotate(n=Length("code"))
               .filter(n__lte=deepest).order_by("code").values_list("code", "name"))
    choices = [] if prefix else [("", _("Everything"))]
    for code, name in regions:
        depth = max(0, (len(code) - max(len(prefix), 2)) // 2)
        choices.append((code, f"{INDENT * depth}{name} {code}"))
    return choices


def scoped_region(user, code):
    """The region prefix the figures cover, or Http404 when `code` lies outside the jurisdiction."""
    prefix = user.scope_prefix
    if prefix is None:
        if code:
            raise Http404(_("No such region in your jurisdiction."))
        return ""
    if not code or prefix.startswith(code):
        return prefix
    if not code.startswith(prefix):
        raise Http404(_("No such region in your jurisdiction."))
    return code


def link(name, **params):
    """The URL of a list page filtered by `params` (empty values left out; lists repeat the key)."""
    query = urlencode({k: v for k, v in params.items() if v not in ("", None, [])}, doseq=True)
    url = reverse(name)
    return f"{url}?{query}" if query else url


def clue_period(first, last):
    """The clue list's receipt filters for the days [first, last] (Beijing time)."""
    return {"received_after": f"{first.isoformat()}T00:00:00",
            "received_before": f"{(last + datetime.timedelta(days=1)).isoformat()}T00:00:00"}


class DashboardView(LoginRequiredMixin, View):
    template_name = "reports/dashboard.html"

    def get(self, request):
        user = request.user
        if not user.has_perm(PERMISSION):
            raise PermissionDenied
        regions = region_choices(user)
        default_from, default_to = default_period()
        form = DashboardForm(request.GET or None, regions=regions)
        if form.is_bound and not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        data = form.cleaned_data if form.is_bound else {}
        region_code = scoped_region(user, data.get("region_code") or "")
        date_from = data.get("date_from") or default_from
        date_to = data.get("date_to") or default_to
        if date_from > date_to:  # one bound given, beyond the other's default: the period is that bound's year, or day
            if data.get("date_to"):
                date_from = datetime.date(date_to.year, 1, 1)
            else:
                date_to = date_from
        # The form shows what the figures cover (a wider region falls back to the jurisdiction).
        form = DashboardForm(initial={"region_code": region_code, "date_from": date_from, "date_to": date_to}, regions=regions)
        figures = selectors.dashboard(user, region_code=region_code, date_from=date_from, date_to=date_to)
        context = {"form": form, "region_code": region_code, "date_from": date_from, "date_to": date_to,
                   "region_name": dict(regions).get(region_code, "").strip() or region_code,
                   **DashboardPresenter(user, region_code, date_from, date_to, figures).context()}
        return render(request, self.template_name, context)


class DashboardPresenter:
    """Turns the figures into tiles, chart data and lists, each with the URL of the list behind it."""

    def __init__(self, user, region_code, date_from, date_to, figures):
        self.user, self.region, self.date_from, self.date_to, self.figures = user, region_code, date_from, date_to, figures
        self.today = figures["today"]

    def may(self, permission):
        return self.user.has_perm(permission)

    # --- links -----------------------------------------------------------------------------------
    def clues(self, first=None, last=None, **params):
        return link("complaints:clue_list", region_code=self.region, merged="false",
                    **clue_period(first or self.date_from, last or self.date_to), **params)

    def cases(self, **params):
        return link("complaints:arrearscase_list", region_code=self.region, status="open", **params)

    def projects(self, **params):
        return link("projects:project_list", region_code=self.region, **params)

    # --- tiles -----------------------------------------------------------------------------------
    def tiles(self):
        s, arrears = self.figures["summary"], self.figures["arrears"]
        period = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}
        clue_figures = link("complaints:clue_figures", region_code=self.region, **period)
        perms = {"clue": self.may("complaints.view_clue"), "case": self.may("complaints.view_arrearscase")}
        rows = [
            ("projects_monitored", _("Projects monitored"), s["projects_monitored"], "",
             self.projects(monitoring_required="true") if self.may("projects.view_project") else None),
            ("projects_inspected", _("Projects inspected"), s["projects_inspected"], "",
             link("inspections:inspection_list", region_code=self.region, inspected_after=period["date_from"],
                  inspected_before=period["date_to"]) if self.may("inspections.view_inspection") else None),
            ("clues_received", _("Clues received"), s["clues_received"], "", self.clues() if perms["clue"] else None),
            ("clues_closed", _("Clues closed"), s["clues_closed"], "", self.clues(status="closed") if perms["clue"] else None),
            ("closure_rate", _("Closure rate"), s["closure_rate"], "%", clue_figures if perms["clue"] else None),
            ("workers_paid", _("Workers paid"), s["workers_paid"], "", clue_figures if perms["clue"] else None),
            ("amount_recovered", _("Amount recovered (yuan)"), s["amount_recovered"], "yuan",
             clue_figures if perms["clue"] else None),
            ("cases_open", _("Open arrears cases"), arrears["cases"], "", self.cases() if perms["case"] else None),
            ("amount_outstanding", _("Amount outstanding (yuan)"), arrears["amount"], "yuan",
             self.cases() if perms["case"] else None),
            ("violations_published", _("Violations published"), s["violations_published"], "",
             link("blacklist:batch_list", region_code=self.region, status="published")
             if self.may("blacklist.view_publicationbatch") else None),
            ("blacklisted", _("Put on the blacklist"), s["blacklisted"], "",
             link("blacklist:listing_list", region_code=self.region, listed_after=period["date_from"],
                  listed_before=period["date_to"]) if self.may("blacklist.view_listing") else None),
        ]
        return [{"key": key, "label": label, "value": value, "unit": unit, "url": url} for key, label, value, unit, url in rows]

    def countdown(self):
        zero = self.figures["zero_clearance"]
        cards = []
        for key, title, rule in (
            ("government", _("Government, SOE and PPP projects"), _("By 31 December of the year the arrears arose")),
            ("other", _("Other projects"), _("Before Spring Festival: by the day before lunar New Year's Eve")),
        ):
            figures = zero[key]
            flag = "true" if key == "government" else "false"
            cards.append({
                "key": key, "title": title, "rule": rule, **figures,
                "url": self.cases(government_type=flag, due_before=figures["due"].isoformat()),
                "overdue_url": self.cases(government_type=flag, overdue="true"),
            })
        return cards

    # --- charts ----------------------------------------------------------------------------------
    def week_charts(self):
        from complaints.choices import Channel, ClueStatus

        weeks = self.figures["weeks"]
        mondays = [w[0] for w in weeks["weeks"]]
        labels = [f"{m.isocalendar().year}-W{m.isocalendar().week:02d}" for m in mondays]
        ranges = [f"{first:%m-%d}–{last:%m-%d}" for _m, first, last in weeks["weeks"]]

        def series(breakdown, choices, param):
            result = []
            for value, label in choices:
                counts = breakdown.get(value)
                if not counts:
                    continue
                result.append({"key": value, "name": str(label), "data": [counts.get(m, 0) for m in mondays],
                               "urls": [self.clues(first, last, **{param: value}) for _m, first, last in weeks["weeks"]]})
            return result

        received = [weeks["received"].get(m, 0) for m in mondays]
        closed = [weeks["closed"].get(m, 0) for m in mondays]
        cumulative, total_received, total_closed = [], 0, 0
        for r, c in zip(received, closed):
            total_received, total_closed = total_received + r, total_closed + c
            cumulative.append(selectors.rate(total_closed, total_received))
        return {
            "labels": labels, "ranges": ranges,
            "urls": [self.clues(first, last) for _m, first, last in weeks["weeks"]],
            "closed_urls": [self.clues(first, last, status="closed") for _m, first, last in weeks["weeks"]],
            "by_channel": series(weeks["by_channel"], Channel.choices, "channel"),
            "by_status": series(weeks["by_status"], ClueStatus.choices, "status"),
            "received": received, "closed": closed,
            "rate": [selectors.rate(c, r) for r, c in zip(received, closed)],
            "cumulative": cumulative,
        }

    def system_chart(self):
        from projects.choices import SystemCode
        from projects.selectors import rate_level

        systems = self.figures["systems"]
        total = systems["total"]
        return {
            "labels": [str(label) for _code, label in SystemCode.choices],
            "ok": [systems[code] for code, _label in SystemCode.choices],
            "total": total,
            "rates": [selectors.rate(systems[code], total) for code, _label in SystemCode.choices],
            "levels": [rate_level(selectors.rate(systems[code], total)) for code, _label in SystemCode.choices],
            "urls": [self.projects(status="in_progress", warning_system=code) for code, _label in SystemCode.choices],
        }

    def industry_chart(self):
        from projects.selectors import rate_level
        from wagecase.core.choices import Industry

        labels = dict(Industry.choices)
        rows = self.figures["industries"]
        return {
            "labels": [str(labels.get(r["industry"], r["industry"])) for r in rows],
            "ok": [r["ok"] for r in rows], "total": [r["total"] for r in rows],
            "rates": [selectors.rate(r["ok"], r["total"]) for r in rows],
            "levels": [rate_level(selectors.rate(r["ok"], r["total"])) for r in rows],
            "urls": [self.projects(status="in_progress", industry=r["industry"], score_below=selectors.FULL_SCORE) for r in rows],
        }

    def county_chart(self):
        rows = self.figures["counties"][:20]  # the twenty counties that owe most; the tiles carry the totals
        return {
            "labels": [r["region_name"] for r in rows],
            "amounts": [float(r["amount"]) for r in rows],
            "cases": [r["cases"] for r in rows],
            "urls": [link("complaints:arrearscase_list", region_code=r["region_code"], status="open") for r in rows],
        }

    def context(self):
        zero = self.figures["zero_clearance"]
        arrears = self.figures["arrears"]
        chart = {
            "text": {
                "received": pgettext("clue figures", "Received"), "closed": pgettext("clue figures", "Closed"), "rate": _("Closure rate of the week"),
                "cumulative": _("Closure rate since the start of the period"), "share_ok": _("In order"),
                "projects": _("projects"), "amount": _("Amount outstanding (yuan)"), "cases": _("Open cases"),
                "empty": _("Nothing in this period and region."), "click": _("Click to see the list."),
                "not_ok": _("Click to see those not in order."),
            },
            "weeks": self.week_charts(),
            "systems": self.system_chart(),
            "industries": self.industry_chart(),
            "counties": self.county_chart(),
        }
        return {
            "tiles": self.tiles(),
            "countdown": self.countdown(),
            "chart": chart,
            "today": self.today,
            "key_monitoring": self.figures["key_monitoring"],
            "key_monitoring_count": arrears["key_monitoring"],
            "key_monitoring_url": self.cases(key_monitoring="true"),
            "overdue_cases": self.figures["overdue_cases"],
            "overdue_case_count": zero["overdue_cases"],
            "overdue_cases_url": self.cases(overdue="true"),
            "overdue_clues": self.figures["overdue_clues"],
            "overdue_clue_count": self.figures["overdue_clue_count"],
            "overdue_clues_url": link("complaints:clue_list", region_code=self.region, merged="false", overdue="true"),
            "systems_total": self.figures["systems"]["total"],
        }
