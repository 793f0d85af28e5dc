"""Pages of projects: the project ledger (list, detail with the five-systems panel and a tab per
system, create/edit), the forms that record each system (account, allocations, roster, payroll,
deposit, drawdowns, notice board), Excel templates and imports, workers, early warnings, the
risk ranking and the "eight 100%" rates.

Every page starts from `.restrict(user, action)`: anonymous users go to the login page, a role
without the permission gets 403, and a project outside the user's scope is 404 on every page of
it. Writes go through projects.services only; a service's ValidationError becomes form errors
and nothing is saved."""
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from wagecase.core.choices import EnterpriseRole
from wagecase.core.models import Enterprise
from wagecase.core.views import generic

from . import excel, services
from .choices import NoticeItem, SystemCode, SystemStatus, WarningSeverity
from .compliance import deposit_balance, evaluate, evaluation_prefetch, month_end
from .deposit import required_deposit
from .filtersets import ProjectFilterSet, ProjectWarningFilterSet, WorkerFilterSet
from .forms import (
    AccountCloseForm, AttendanceForm, AttendanceLineFormSet, DepositReturnForm, DepositReturnNoticeForm, SubcontractorForm,
    WorkTeamForm,
)
from .forms import (
    AllocationForm, AsOfForm, DedicatedAccountForm, DrawdownForm, ExcelUploadForm, NoticeBoardForm, PayrollForm,
    PayrollLineFormSet, PayrollUploadForm, ProjectForm, RatesForm, RegionForm, RosterEntryForm, TopUpForm,
    WageDepositForm,
)
from .models import Attendance, ProjectSubcontractor, WorkTeam
from .models import (
    DedicatedAccount, DepositDrawdown, Employment, NoticeBoard, Payroll, Project, ProjectWarning, WageDeposit, Worker,
)
from .selectors import eight_rates, project_arrears, rate_level, worker_arrears
from .tables import RULE_LABELS, SYSTEM_STATUS_CLASSES, ProjectTable, ProjectWarningTable, WorkerTable
from .warnings import SEVERITY_POINTS, risk_ranking

# The notice board's items are a JSON list of codes: their change-log entries read as labels.
generic.register_value_labels(NoticeBoard, "items", NoticeItem.choices)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def add_service_errors(form, error):
    """Put a service's ValidationError on the form: on its fields where the form has them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def parse_month(value):
    """"2026-03" → 2026-03-01, or None."""
    try:
        return datetime.datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        return None


def xlsx_response(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


def for_evaluation(project):
    """The project again, with what the compliance rules and the deposit requirement read."""
    return Project.objects.select_related("general_contractor", "account", "notice_board").prefetch_related(
        *evaluation_prefetch()
    ).get(pk=project.pk)


def severity_rank(warning):
    """Red first, then orange, then yellow."""
    return WarningSeverity.values.index(warning.severity)


def warning_counts():
    """Active warnings per severity and in total, as annotations of a project queryset. Subqueries,
    not a join: the list's page count then stays a plain COUNT."""

    def count(**filters):
        warnings = ProjectWarning.objects.filter(project=OuterRef("pk"), active=True, **filters)
        return Coalesce(
            Subquery(warnings.order_by().values("project").annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            Value(0),
        )

    counts = {f"warnings_{severity}": count(severity=severity) for severity in WarningSeverity.values}
    counts["warnings_total"] = count()
    return counts


# --- Projects ------------------------------------------------------------------------------------

class ProjectListView(generic.ObjectListView):
    queryset = Project.objects.select_related("region", "general_contractor").annotate(**warning_counts())
    table_class = ProjectTable
    filterset_class = ProjectFilterSet

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        buttons = [(_("Project template"), reverse("projects:project_template"), "file-earmark-arrow-down")]
        if user.has_perm("projects.add_project"):
            buttons.append((_("Import from Excel"), reverse("projects:project_import"), "upload"))
        context["extra_buttons"] = buttons
        return context


class ProjectExportView(generic.ObjectExportView):
    queryset = Project.objects.all()


PROJECT_TABS = (
    ("main", gettext_lazy("Overview")),
    ("roster", gettext_lazy("Real-name roster")),
    ("account", gettext_lazy("Account and allocations")),
    ("payroll", gettext_lazy("Payroll and arrears")),
    ("deposit", gettext_lazy("Wage deposit")),
    ("board", gettext_lazy("Notice board")),
    ("warnings", gettext_lazy("Warnings")),
)


class ProjectDetailView(generic.ObjectDetailView):
    """A project: key facts and parties, the five-systems panel (evaluated on `?as_of=`), a tab per
    system's records, the warnings, and the generic history and journal tabs."""

    queryset = Project.objects.select_related("region", "township", "builder", "general_contractor", "regulator")
    template_name = "projects/project.html"
    slug_field = "code"
    slug_url_kwarg = "code"
    roster_per_page = 50

    def get_tabs(self):
        tabs = super().get_tabs()
        return list(PROJECT_TABS) + tabs[1:]

    def may(self, action, obj):
        if action != "change" or not self.has_model_perm("change"):
            return False
        return self.get_restricted_queryset("change").filter(pk=obj.pk).exists()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        # The generic view reverses the edit page by pk; a project's pages go by code.
        can_change = self.may("change", project)
        context["edit_url"] = reverse("projects:project_edit", args=[project.code]) if can_change else None
        context["can_change"] = can_change
        builder = getattr(self, f"context_{context['tab']}", None)
        if builder is not None:
            context.update(builder(project))
        return context

    # One method per tab: what that tab shows.

    def context_main(self, project):
        from complaints.case_selectors import project_card as complaints_card  # open cases and clues: three queries
        from inspections.views import latest_inspection_card  # the "latest inspection" card: one query

        user = self.request.user
        form = AsOfForm(self.request.GET or None)
        as_of = timezone.localdate()
        if form.is_bound and form.is_valid() and form.cleaned_data["as_of"]:
            as_of = form.cleaned_data["as_of"]
        systems, score = evaluate(for_evaluation(project), as_of)
        labels, status_labels = dict(SystemCode.choices), dict(SystemStatus.choices)
        subcontractors = list(project.subcontractors.select_related("enterprise").order_by("enterprise__name"))
        teams = list(project.teams.select_related("employer").order_by("name"))
        party_ids = {project.builder_id, project.general_contractor_id} | {s.enterprise_id for s in subcontractors}
        party_ids |= {t.employer_id for t in teams if t.employer_id}
        return {
            "as_of_form": form,
            "as_of": as_of,
            "is_today": as_of == timezone.localdate(),
            "systems": [
                {"code": code, "label": labels[code], "status": result.status, "status_label": status_labels[result.status],
                 "css": SYSTEM_STATUS_CLASSES[result.status], "problems": [str(p) for p in result.problems]}
                for code, result in systems.items()
            ],
            "score": score,
            "subcontractors": subcontractors,
            "teams": teams,
            "visible_enterprises": set(Enterprise.objects.restrict(user, "view").filter(pk__in=party_ids).values_list("pk", flat=True)),
            "roster_count": project.roster.count(),
            "active_warnings": sorted(project.warnings.filter(active=True).order_by("-raised_on"), key=severity_rank),
            "arrears": project_arrears(project),
            "latest_inspection": latest_inspection_card(project, user),
            "complaints": complaints_card(project, user),
        }

    def context_roster(self, project):
        roster = project.roster.select_related("worker", "employer", "team").order_by("worker__name", "pk")
        page = Paginator(roster, self.roster_per_page).get_page(self.request.GET.get("page"))
        return {"roster_page": page, "today": timezone.localdate()}

    def context_account(self, project):
        return {
            "account": DedicatedAccount.objects.filter(project=project).first(),
            "allocations": list(project.allocations.order_by("-period")),
            "allocated_total": project.allocations.aggregate(total=Sum("amount"))["total"],
        }

    def context_payroll(self, project):
        owed = Sum(F("lines__amount_due") - F("lines__amount_paid"), filter=Q(lines__amount_paid__lt=F("lines__amount_due")))
        payrolls = (
            project.payrolls.annotate(
                workers=Count("lines"), due=Sum("lines__amount_due"), paid=Sum("lines__amount_paid"), owed=owed
            ).order_by("-period")
        )
        return {"payrolls": list(payrolls), "arrears": project_arrears(project)}

    def context_deposit(self, project):
        today = timezone.localdate()
        deposit = WageDeposit.objects.filter(project=project).first()
        drawdowns = []
        balance = None
        if deposit is not None:
            balance = deposit_balance(deposit, today)
            for drawdown in deposit.drawdowns.select_related("project").order_by("-drawn_on"):
                due = drawdown.topup_due
                drawdowns.append({"drawdown": drawdown, "due": due, "overdue": drawdown.topped_up_on is None and due < today})
        return {"deposit": deposit, "balance": balance, "requirement": required_deposit(for_evaluation(project), today),
                "drawdowns": drawdowns}

    def context_board(self, project):
        board = NoticeBoard.objects.filter(project=project).first()
        labels = dict(NoticeItem.choices)
        items = [(code, labels[code], board is not None and code in board.items) for code in NoticeItem.values]
        return {"board": board, "board_items": items}

    def context_warnings(self, project):
        warnings = sorted(project.warnings.order_by("-active", "-raised_on")[:200], key=lambda w: (not w.active, severity_rank(w)))
        for warning in warnings:
            warning.rule_label = RULE_LABELS.get(warning.rule, warning.rule)
        return {
            "active_warnings": [w for w in warnings if w.active],
            "cleared_warnings": [w for w in warnings if not w.active],
        }


class ProjectEditView(generic.ObjectEditView):
    queryset = Project.objects.select_related("builder", "general_contractor")
    form_class = ProjectForm
    template_name = "projects/project_edit.html"

    def get_action(self):
        return "change" if self.kwargs.get("code") is not None else "add"

    def get_object(self):
        if self.kwargs.get("code") is not None:
            return get_object_or_404(self.get_restricted_queryset("change"), code=self.kwargs["code"])
        return self.model()

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError as error:
            # A service refused what the form let through (the transaction was rolled back).
            self.object = self.get_object()
            form = self.get_form(request.POST)
            form.is_valid()
            add_service_errors(form, error)
            return self.render_form(form)


# --- Records of one project's five systems ---------------------------------------------------------

class ProjectRecordView(generic.ObjectPermissionRequiredMixin, View):
    """A form recording something on a project: needs projects.change_project (403) and the project
    in the user's scope for changes (404). The form's data go to a service; a ValidationError from
    the service is shown on the form and nothing is saved."""

    queryset = Project.objects.select_related("general_contractor")
    action = "change"
    template_name = "projects/record_form.html"
    form_class = None
    title = ""
    tab = "main"  # the project tab to return to
    success_message = gettext_lazy("Saved.")
    multipart = False

    def load_project(self):
        # Called from get/post: the mixin's dispatch has checked login and permission by then.
        self.project = get_object_or_404(self.get_restricted_queryset(), code=self.kwargs["code"])

    def get(self, request, *args, **kwargs):
        self.load_project()
        return self.render(self.get_form())

    def post(self, request, *args, **kwargs):
        self.load_project()
        form = self.get_form(request.POST, request.FILES)
        if self.is_valid(form):
            try:
                result = self.save(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, self.get_success_message(result))
                return redirect(self.get_success_url(result))
        return self.render(form)

    def is_valid(self, form):
        return form.is_valid()

    def get_form_kwargs(self):
        return {}

    def get_form(self, data=None, files=None):
        return self.form_class(data=data, files=files, **self.get_form_kwargs())

    def save(self, form):
        raise NotImplementedError

    def get_success_message(self, result):
        return self.success_message

    def get_success_url(self, result):
        url = self.project.get_absolute_url()
        return url if self.tab == "main" else f"{url}?tab={self.tab}"

    def get_context(self, form):
        return {}

    def render(self, form):
        context = {
            "project": self.project,
            "form": form,
            "title": self.title,
            "multipart": self.multipart or form.is_multipart(),
            "cancel_url": self.get_success_url(None),
            "projects_label": Project._meta.verbose_name_plural,
        }
        context.update(self.get_context(form))
        return render(self.request, self.template_name, context)


class AccountView(ProjectRecordView):
    form_class = DedicatedAccountForm
    title = gettext_lazy("Dedicated wage account")
    tab = "account"
    success_message = gettext_lazy("The dedicated wage account was saved.")

    def get_form_kwargs(self):
        return {"instance": DedicatedAccount.objects.filter(project=self.project).first() or DedicatedAccount(project=self.project)}

    def save(self, form):
        return services.account_set(project=self.project, **form.cleaned_data)


class AllocationView(ProjectRecordView):
    """Add a month's allocation, or correct it: an allocation of the same month is replaced."""

    form_class = AllocationForm
    title = gettext_lazy("Labour-cost allocation")
    tab = "account"

    def get_form(self, data=None, files=None):
        month = parse_month(self.request.GET.get("period"))
        initial = {}
        if month is not None:
            existing = self.project.allocations.filter(period=month).first()
            initial = {"period": month}
            if existing is not None:
                initial.update(amount=existing.amount, paid_on=existing.paid_on)
        else:
            initial = {"period": (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)}
        return self.form_class(data=data, initial=initial)

    def save(self, form):
        return services.allocation_upsert(project=self.project, **form.cleaned_data)

    def get_success_message(self, result):
        return _("The allocation for %(month)s was saved.") % {"month": f"{result.period:%Y-%m}"}


class RosterEntryView(ProjectRecordView):
    form_class = RosterEntryForm
    title = gettext_lazy("Register a worker on the roster")
    tab = "roster"

    def get_form_kwargs(self):
        return {"project": self.project}

    def save(self, form):
        return services.worker_register(project=self.project, **form.service_kwargs())

    def get_success_message(self, employment):
        if employment.entered_before_contract:
            return _("%(name)s is on the roster. Entered the site before signing a labour contract: flagged as a real-name problem.") % {
                "name": employment.worker.name}
        return _("%(name)s is on the roster.") % {"name": employment.worker.name}


class PayrollView(ProjectRecordView):
    """A month's payroll: a line per worker on the roster that month (due and paid). Saving
    replaces that month's payroll; a larger roster uses the Excel upload instead."""

    form_class = PayrollForm
    title = gettext_lazy("Payroll of a month")
    template_name = "projects/payroll_form.html"
    tab = "payroll"
    max_rows = 300

    def roster(self):
        if not hasattr(self, "_roster"):
            self._roster = {e.worker.id_number: e for e in self.project.roster.select_related("worker").order_by("worker__name", "pk")}
        return self._roster

    def month(self):
        """The month posted, or asked for (`?period=`), by default last month."""
        if self.request.method == "POST":
            return parse_month(self.request.POST.get("period"))
        last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        return parse_month(self.request.GET.get("period")) or last_month

    def rows_for(self, month, payroll):
        """Initial lines: those of the month's payroll, and the other workers on site that month."""
        existing = {line.employment_id: line for line in payroll.lines.all()} if payroll is not None else {}
        rows = []
        for id_number, employment in self.roster().items():
            line = existing.get(employment.pk)
            on_site = employment.entered_on <= month_end(month) and (employment.exited_on is None or employment.exited_on >= month)
            if line is not None:
                rows.append({"id_number": id_number, "amount_due": line.amount_due, "amount_paid": line.amount_paid})
            elif on_site:
                rows.append({"id_number": id_number})
        return rows

    def get_form(self, data=None, files=None):
        month = self.month()
        payroll = Payroll.objects.filter(project=self.project, period=month).first() if month else None
        initial = {"period": month} if month else {}
        if payroll is not None:
            initial.update(paid_on=payroll.paid_on, paid_via=payroll.paid_via)
        form = self.form_class(data=data, initial=initial)
        form_kwargs = {"roster": self.roster()}
        form.too_large = False
        if data is not None:
            form.lines = PayrollLineFormSet(data=data, prefix="lines", form_kwargs=form_kwargs)
        else:
            rows = self.rows_for(month, payroll)
            form.too_large = len(rows) > self.max_rows
            form.lines = PayrollLineFormSet(initial=None if form.too_large else rows, prefix="lines", form_kwargs=form_kwargs)
        return form

    def is_valid(self, form):
        return all([form.is_valid(), form.lines.is_valid()])

    def save(self, form):
        return services.payroll_upsert(project=self.project, lines=form.lines.lines(), **form.cleaned_data)

    def get_success_message(self, payroll):
        return _("The payroll for %(month)s was saved.") % {"month": f"{payroll.period:%Y-%m}"}

    def get_context(self, form):
        return {"max_rows": self.max_rows, "roster_size": len(self.roster())}


class DepositView(ProjectRecordView):
    form_class = WageDepositForm
    title = gettext_lazy("Wage deposit")
    template_name = "projects/deposit_form.html"
    tab = "deposit"
    success_message = gettext_lazy("The wage deposit was saved.")

    def get_form_kwargs(self):
        return {"instance": WageDeposit.objects.filter(project=self.project).first() or WageDeposit(project=self.project)}

    def save(self, form):
        return services.deposit_set(project=self.project, **form.cleaned_data)

    def get_context(self, form):
        return {"requirement": required_deposit(for_evaluation(self.project))}


class _NoDeposit(Exception):
    pass


class DrawdownView(ProjectRecordView):
    form_class = DrawdownForm
    title = gettext_lazy("Deposit drawdown")
    tab = "deposit"
    success_message = gettext_lazy("The drawdown was recorded; the deposit must be topped up within 10 working days.")

    def load_project(self):
        super().load_project()
        if not WageDeposit.objects.filter(project=self.project).exists():
            raise _NoDeposit

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except _NoDeposit:
            messages.error(request, _("Record the wage deposit before a drawdown."))
            return redirect(f"{self.project.get_absolute_url()}?tab=deposit")

    def get_form_kwargs(self):
        return {"instance": DepositDrawdown(project=self.project)}

    def save(self, form):
        return services.deposit_drawdown(project=self.project, **form.cleaned_data)


class TopUpView(ProjectRecordView):
    form_class = TopUpForm
    title = gettext_lazy("Deposit top-up")
    tab = "deposit"
    success_message = gettext_lazy("The top-up was recorded.")

    def load_project(self):
        super().load_project()
        self.drawdown = get_object_or_404(DepositDrawdown.objects.select_related("project"), pk=self.kwargs["pk"], project=self.project)

    def get_form_kwargs(self):
        return {"drawdown": self.drawdown, "initial": {"topped_up_on": self.drawdown.topped_up_on}}

    def save(self, form):
        return services.deposit_topped_up(drawdown=self.drawdown, topped_up_on=form.cleaned_data["topped_up_on"])

    def get_context(self, form):
        return {"drawdown": self.drawdown}


class NoticeBoardView(ProjectRecordView):
    form_class = NoticeBoardForm
    title = gettext_lazy("Rights notice board")
    tab = "board"
    multipart = True
    success_message = gettext_lazy("The notice board was saved.")

    def get_form_kwargs(self):
        board = NoticeBoard.objects.filter(project=self.project).first() or NoticeBoard(project=self.project)
        return {"instance": board}

    def save(self, form):
        data = form.cleaned_data
        return services.notice_board_set(
            project=self.project, installed_on=data["installed_on"], items=data["items"], photo=form.new_photo()
        )


class NoticeBoardPhotoView(generic.ObjectPermissionRequiredMixin, View):
    """The board's photo through the project's scope (never a raw MEDIA URL)."""

    queryset = Project.objects.all()

    def get(self, request, code):
        project = get_object_or_404(self.get_restricted_queryset(), code=code)
        board = NoticeBoard.objects.filter(project=project).first()
        if board is None or not board.photo:
            raise Http404
        try:
            handle = board.photo.open("rb")
        except FileNotFoundError:
            raise Http404
        response = FileResponse(handle)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- Parties: subcontractors and work teams --------------------------------------------------------

class SubcontractorView(ProjectRecordView):
    """Add a subcontractor by USCC (an unknown code registers the enterprise), or change its scope of work."""

    form_class = SubcontractorForm
    title = gettext_lazy("Add a subcontractor")

    def save(self, form):
        data = form.cleaned_data
        enterprise = services.enterprise_get_or_create(
            uscc=data["uscc"], name=(data["name"] or "").strip(), region_code=self.project.region_id,
            role=EnterpriseRole.SUBCONTRACTOR,
        )
        return services.subcontractor_add(project=self.project, enterprise=enterprise, scope_of_work=data["scope_of_work"])

    def get_success_message(self, row):
        return _("%(name)s is a subcontractor of the project.") % {"name": row.enterprise.name}


class SubcontractorRemoveView(ProjectRecordView):
    """POST only: take an enterprise off the project's subcontractors."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.load_project()
        row = get_object_or_404(ProjectSubcontractor.objects.select_related("project", "enterprise"), pk=self.kwargs["pk"],
                                project=self.project)
        services.subcontractor_remove(subcontractor=row)
        messages.success(request, _("%(name)s was removed from the subcontractors.") % {"name": row.enterprise.name})
        return redirect(self.project.get_absolute_url())


class WorkTeamView(ProjectRecordView):
    """Add a work team, or edit one (`?name=`): a team of the same name is updated."""

    form_class = WorkTeamForm
    title = gettext_lazy("Work team")

    def get_form(self, data=None, files=None):
        initial = {}
        team = WorkTeam.objects.filter(project=self.project, name=self.request.GET.get("name") or "").select_related(
            "employer").first()
        if team is not None:
            initial = {"name": team.name, "employer_uscc": team.employer.uscc if team.employer else "",
                       "leader_name": team.leader_name, "leader_phone": team.leader_phone}
        return self.form_class(data=data, initial=initial)

    def save(self, form):
        return services.work_team_save(project=self.project, **form.service_kwargs())

    def get_success_message(self, team):
        return _("The work team %(name)s was saved.") % {"name": team.name}


# --- Attendance ------------------------------------------------------------------------------------

class AttendanceView(ProjectRecordView):
    """A month's attendance: a row per worker on site that month. Saving replaces the month's
    attendance; rows left empty are not recorded."""

    form_class = AttendanceForm
    title = gettext_lazy("Attendance of a month")
    template_name = "projects/attendance_form.html"
    tab = "roster"
    max_rows = 300

    def roster(self):
        if not hasattr(self, "_roster"):
            self._roster = {e.worker.id_number: e for e in self.project.roster.select_related("worker").order_by("worker__name", "pk")}
        return self._roster

    def month(self):
        if self.request.method == "POST":
            return parse_month(self.request.POST.get("period"))
        last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        return parse_month(self.request.GET.get("period")) or last_month

    def rows_for(self, month):
        recorded = {a.employment_id: a.days for a in Attendance.objects.filter(project=self.project, period=month)}
        rows = []
        for id_number, employment in self.roster().items():
            if employment.pk in recorded:
                rows.append({"id_number": id_number, "days": recorded[employment.pk]})
            elif services.employment_on_site(employment, month):
                rows.append({"id_number": id_number})
        return rows

    def get_form(self, data=None, files=None):
        month = self.month()
        form = self.form_class(data=data, initial={"period": month} if month else {})
        form_kwargs = {"roster": self.roster()}
        form.too_large = False
        if data is not None:
            form.lines = AttendanceLineFormSet(data=data, prefix="lines", form_kwargs=form_kwargs)
        else:
            rows = self.rows_for(month) if month else []
            form.too_large = len(rows) > self.max_rows
            form.lines = AttendanceLineFormSet(initial=None if form.too_large else rows, prefix="lines", form_kwargs=form_kwargs)
        return form

    def is_valid(self, form):
        return all([form.is_valid(), form.lines.is_valid()])

    def save(self, form):
        return services.attendance_record(
            project=self.project, period=form.cleaned_data["period"], days_by_id_number=form.lines.days_by_id_number()
        )

    def get_success_message(self, rows):
        return _("The attendance of %(n)d workers was saved.") % {"n": len(rows)}

    def get_context(self, form):
        return {"max_rows": self.max_rows, "roster_size": len(self.roster())}


# --- Account closing and deposit return ------------------------------------------------------------

class AccountCloseView(ProjectRecordView):
    form_class = AccountCloseForm
    title = gettext_lazy("Close the dedicated wage account")
    tab = "account"
    success_message = gettext_lazy("The dedicated wage account was closed.")

    def save(self, form):
        return services.account_close(project=self.project, **form.cleaned_data)


class DepositReturnNoticeView(ProjectRecordView):
    form_class = DepositReturnNoticeForm
    title = gettext_lazy("Deposit return notice")
    tab = "deposit"
    success_message = gettext_lazy("The return notice was recorded; the deposit may be returned 30 days after it.")

    def save(self, form):
        return services.deposit_return_notice(project=self.project, **form.cleaned_data)


class DepositReturnView(ProjectRecordView):
    form_class = DepositReturnForm
    title = gettext_lazy("Return of the wage deposit")
    tab = "deposit"
    success_message = gettext_lazy("The return of the wage deposit was recorded.")

    def save(self, form):
        return services.deposit_return(project=self.project, **form.cleaned_data)


# --- Excel: templates and imports ------------------------------------------------------------------

class ProjectTemplateView(generic.ObjectPermissionRequiredMixin, View):
    queryset = Project.objects.all()

    def get(self, request):
        return xlsx_response(excel.template_bytes("projects"), excel.template_filename("projects"))


class ProjectImportView(generic.ObjectPermissionRequiredMixin, View):
    """Upload a filled project template: the import runs as a background job."""

    queryset = Project.objects.all()
    action = "add"
    template_name = "projects/import_form.html"

    def render(self, form):
        return render(self.request, self.template_name, {
            "form": form, "title": _("Import projects from Excel"), "template_url": reverse("projects:project_template"),
            "cancel_url": reverse("projects:project_list"), "projects_label": Project._meta.verbose_name_plural,
        })

    def get(self, request):
        return self.render(ExcelUploadForm())

    def post(self, request):
        form = ExcelUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        job = excel.import_enqueue(kind="projects", user=request.user, upload=form.cleaned_data["file"])
        messages.info(request, _("The import has been queued; its result appears here."))
        return redirect(job.get_absolute_url())


class RosterTemplateView(generic.ObjectPermissionRequiredMixin, View):
    queryset = Project.objects.all()

    def get(self, request, code):
        project = get_object_or_404(self.get_restricted_queryset(), code=code)
        return xlsx_response(excel.template_bytes("roster", project=project), excel.template_filename("roster", project))


class PayrollTemplateView(generic.ObjectPermissionRequiredMixin, View):
    """`?period=YYYY-MM` pre-fills the month."""

    queryset = Project.objects.all()

    def get(self, request, code):
        project = get_object_or_404(self.get_restricted_queryset(), code=code)
        period = parse_month(request.GET.get("period"))
        return xlsx_response(
            excel.template_bytes("payroll", project=project, period=period), excel.template_filename("payroll", project, period)
        )


class RosterImportView(ProjectRecordView):
    form_class = ExcelUploadForm
    title = gettext_lazy("Import a roster from Excel")
    template_name = "projects/import_form.html"
    tab = "roster"

    def save(self, form):
        return excel.import_enqueue(kind="roster", user=self.request.user, upload=form.cleaned_data["file"], project=self.project.code)

    def get_success_message(self, job):
        return _("The import has been queued; its result appears here.")

    def get_success_url(self, job):
        return job.get_absolute_url() if job is not None else f"{self.project.get_absolute_url()}?tab=roster"

    def get_context(self, form):
        return {"template_url": reverse("projects:roster_template", args=[self.project.code])}


class PayrollImportView(RosterImportView):
    form_class = PayrollUploadForm
    title = gettext_lazy("Import a payroll from Excel")
    tab = "payroll"

    def save(self, form):
        return excel.import_enqueue(
            kind="payroll", user=self.request.user, upload=form.cleaned_data["file"], project=self.project.code,
            **form.job_params(),
        )

    def get_success_url(self, job):
        return job.get_absolute_url() if job is not None else f"{self.project.get_absolute_url()}?tab=payroll"

    def get_context(self, form):
        return {"template_url": reverse("projects:payroll_template", args=[self.project.code])}


class EmploymentExportView(generic.ObjectExportView):
    """The roster tab's "Export to Excel" (`query=project=<code>`)."""

    queryset = Employment.objects.all()


# --- Workers ---------------------------------------------------------------------------------------

class WorkerListView(generic.ObjectListView):
    queryset = Worker.objects.all()
    table_class = WorkerTable
    filterset_class = WorkerFilterSet


class WorkerDetailView(generic.ObjectDetailView):
    """A person: identity (masked), the projects they worked on and their pay history, only for
    projects in the user's scope."""

    queryset = Worker.objects.all()
    template_name = "projects/worker.html"

    def get_extra_context(self):
        worker = self.object
        employments = list(
            Employment.objects.restrict(self.request.user, "view").filter(worker=worker)
            .select_related("project__region", "employer", "team").order_by("-entered_on")
        )
        in_scope = {e.project_id for e in employments}
        pay = [row for row in worker_arrears(worker) if row["project"].pk in in_scope]
        return {
            "employments": employments,
            "pay": pay,
            "owed_total": sum((max(row["owed"], 0) for row in pay), 0),
        }


class WorkerExportView(generic.ObjectExportView):
    queryset = Worker.objects.all()


# --- Warnings and risk -----------------------------------------------------------------------------

class ProjectWarningListView(generic.ObjectListView):
    """Early warnings, active ones unless the filter says otherwise."""

    queryset = ProjectWarning.objects.select_related("project__region")
    table_class = ProjectWarningTable
    filterset_class = ProjectWarningFilterSet

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = kwargs.get("data") or QueryDict()
        if "active" not in data:
            data = data.copy()
            data["active"] = "true"
            kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The export takes what the page shows, the default "active" included.
        context["export_query"] = generic.filter_query_string(self.filterset.data)
        return context


class ProjectWarningExportView(generic.ObjectExportView):
    queryset = ProjectWarning.objects.all()


class RiskRankingView(generic.ObjectPermissionRequiredMixin, View):
    """The riskiest projects in scope, each with its level, points and the factors behind them."""

    queryset = Project.objects.all()
    template_name = "projects/risk.html"
    limit = 100

    def get(self, request):
        form = RegionForm(request.GET or None, user=request.user)
        projects = form.filter_projects(self.get_restricted_queryset())
        rows = risk_ranking(projects, limit=self.limit)
        labels = dict(WarningSeverity.choices)
        counts = {level: 0 for level in WarningSeverity.values}
        for row in rows:
            counts[row["level"]] += 1
            row["level_label"] = labels[row["level"]]
        return render(request, self.template_name, {
            "form": form, "rows": rows, "limit": self.limit,
            "level_counts": [(level, label, counts[level]) for level, label in WarningSeverity.choices],
            "points": {str(level): points for level, points in SEVERITY_POINTS.items()},
        })


RATE_LABELS = {
    "contract_signing": (gettext_lazy("Labour contracts signed"), gettext_lazy("workers")),
    "real_name_attendance": (gettext_lazy("Real-name attendance"), gettext_lazy("workers")),
    "injury_insurance": (gettext_lazy("Work-injury insurance"), gettext_lazy("projects")),
    "wage_deposit": (gettext_lazy("Wage deposit"), gettext_lazy("projects")),
    "dedicated_account": (gettext_lazy("Dedicated wage account"), gettext_lazy("projects")),
    "bank_payroll": (gettext_lazy("Wages paid through the bank"), gettext_lazy("payrolls")),
    "on_time_full_pay": (gettext_lazy("Wages paid on time and in full"), gettext_lazy("projects")),
    "notice_board": (gettext_lazy("Rights notice board"), gettext_lazy("projects")),
}


class RatesView(generic.ObjectPermissionRequiredMixin, View):
    """The "eight 100%" (8个100%) of the projects under way in scope, on `?as_of=`, optionally for a
    region within the user's jurisdiction (`?region_code=`)."""

    queryset = Project.objects.all()
    template_name = "projects/rates.html"

    def get(self, request):
        form = RatesForm(request.GET or None, user=request.user)
        as_of = timezone.localdate()
        if form.is_bound and form.is_valid() and form.cleaned_data.get("as_of"):
            as_of = form.cleaned_data["as_of"]
        projects = form.filter_projects(self.get_restricted_queryset())
        rates = eight_rates(projects, as_of)
        rows = [
            {"key": key, "label": label, "unit": unit, **rates[key], "level": rate_level(rates[key]["rate"])}
            for key, (label, unit) in RATE_LABELS.items()
        ]
        chart = {"labels": [str(r["label"]) for r in rows], "rates": [r["rate"] for r in rows],
                 "levels": [r["level"] for r in rows]}
        return render(request, self.template_name, {
            "form": form, "as_of": as_of, "rows": rows, "chart": chart,
            "region_code": (form.cleaned_data.get("region_code") if form.is_bound and form.is_valid() else "") or "",
        })

