"""Excel exports of projects' lists (projects, early warnings, roster entries, workers), registered
with wagecase.core.exports and imported from ProjectsConfig.ready(). Headers are the models'
(translatable) verbose names; personal data is always masked, as exported files travel; every
column reads only what `select_related` brings, so an export costs the same few queries per batch
whatever its size."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagecase.core.export_specs import label
from wagecase.core.exports import register_export
from wagecase.core.pii import mask_id_number, mask_phone

from .filtersets import EmploymentFilterSet, ProjectFilterSet, ProjectWarningFilterSet, WorkerFilterSet
from .models import Employment, Project, ProjectWarning, Worker


def yes_no(value):
    return _("Yes") if value else _("No")


def region_name(region):
    return (region.full_name or region.name) if region is not None else ""


register_export(
    Project,
    ProjectFilterSet,
    [
        (label(Project, "code"), lambda o: o.code),
        (label(Project, "name"), lambda o: o.name),
        (gettext_lazy("Region code"), lambda o: o.region_id),
        (label(Project, "region"), lambda o: region_name(o.region)),
        (label(Project, "township"), lambda o: region_name(o.township)),
        (label(Project, "address"), lambda o: o.address),
        (label(Project, "investment_type"), lambda o: o.get_investment_type_display()),
        (label(Project, "industry"), lambda o: o.get_industry_display()),
        (label(Project, "contract_amount"), lambda o: o.contract_amount),
        (label(Project, "contract_signed_on"), lambda o: o.contract_signed_on),
        (label(Project, "start_date"), lambda o: o.start_date),
        (label(Project, "planned_end_date"), lambda o: o.planned_end_date),
        (label(Project, "completed_on"), lambda o: o.completed_on),
        (label(Project, "status"), lambda o: o.get_status_display()),
        (gettext_lazy("Construction unit USCC"), lambda o: o.builder.uscc),
        (label(Project, "builder"), lambda o: o.builder.name),
        (gettext_lazy("General contractor USCC"), lambda o: o.general_contractor.uscc),
        (label(Project, "general_contractor"), lambda o: o.general_contractor.name),
        (label(Project, "regulator"), lambda o: o.regulator.name if o.regulator_id else ""),
        (label(Project, "wage_officer_name"), lambda o: o.wage_officer_name),
        (label(Project, "wage_officer_phone"), lambda o: mask_phone(o.wage_officer_phone)),
        (label(Project, "injury_insurance"), lambda o: yes_no(o.injury_insurance)),
        (label(Project, "payment_guarantee"), lambda o: yes_no(o.payment_guarantee)),
        (label(Project, "monitoring_required"), lambda o: yes_no(o.monitoring_required)),
        (label(Project, "compliance_score"), lambda o: o.compliance_score),
        (label(Project, "compliance_evaluated_on"), lambda o: o.compliance_evaluated_on),
    ],
    select_related=("region", "township", "builder", "general_contractor", "regulator"),
)

register_export(
    ProjectWarning,
    ProjectWarningFilterSet,
    [
        (label(Project, "code"), lambda o: o.project.code),
        (label(ProjectWarning, "project"), lambda o: o.project.name),
        (label(Project, "region"), lambda o: region_name(o.project.region)),
        (label(ProjectWarning, "severity"), lambda o: o.get_severity_display()),
        (label(ProjectWarning, "rule"), lambda o: o.rule),
        (label(ProjectWarning, "message"), lambda o: o.message),
        (label(ProjectWarning, "raised_on"), lambda o: o.raised_on),
        (label(ProjectWarning, "cleared_on"), lambda o: o.cleared_on),
        (label(ProjectWarning, "active"), lambda o: yes_no(o.active)),
    ],
    select_related=("project__region",),
)


register_export(
    Employment,
    EmploymentFilterSet,
    [
        (label(Project, "code"), lambda o: o.project.code),
        (label(Employment, "project"), lambda o: o.project.name),
        (label(Worker, "name"), lambda o: o.worker.name),
        (label(Worker, "id_number"), lambda o: mask_id_number(o.worker.id_number)),
        (label(Worker, "phone"), lambda o: mask_phone(o.worker.phone)),
        (label(Employment, "trade"), lambda o: o.trade),
        (label(Employment, "employer"), lambda o: o.employer.name if o.employer_id else ""),
        (label(Employment, "team"), lambda o: o.team.name if o.team_id else ""),
        (label(Employment, "contract_signed_on"), lambda o: o.contract_signed_on),
        (label(Employment, "entered_on"), lambda o: o.entered_on),
        (label(Employment, "exited_on"), lambda o: o.exited_on),
        (label(Employment, "daily_wage"), lambda o: o.daily_wage),
        (gettext_lazy("Entered before signing a contract"), lambda o: yes_no(o.entered_before_contract)),
    ],
    select_related=("project", "worker", "employer", "team"),
)

register_export(
    Worker,
    WorkerFilterSet,
    [
        (label(Worker, "name"), lambda o: o.name),
        (label(Worker, "id_number"), lambda o: mask_id_number(o.id_number)),
        (label(Worker, "phone"), lambda o: mask_phone(o.phone)),
        (label(Worker, "bank_account"), lambda o: mask_id_number(o.bank_account)),
        (label(Worker, "created"), lambda o: o.created),
        (label(Worker, "last_updated"), lambda o: o.last_updated),
    ],
)
