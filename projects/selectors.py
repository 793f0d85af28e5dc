"""Read-side queries of projects: arrears per worker/month/project, and the "eight 100%" rates."""
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from .models import PayrollLine


def wages_owed(project):
    """What `project` (or its pk) owes its workers on all its payroll lines: the sum of due − paid of
    the lines paid short (Project.wages_owed stores it)."""
    pk = getattr(project, "pk", project)
    owed = PayrollLine.objects.filter(project_id=pk, amount_paid__lt=F("amount_due")).aggregate(
        owed=Sum(F("amount_due") - F("amount_paid")))["owed"]
    return (owed or Decimal("0")).quantize(Decimal("0.01"))


def wages_owed_expression():
    """wages_owed() of each row of a Project queryset, as an expression (`.update(wages_owed=…)`)."""
    from django.db.models import DecimalField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    money = DecimalField(max_digits=16, decimal_places=2)
    owed = (PayrollLine.objects.filter(project_id=OuterRef("pk"), amount_paid__lt=F("amount_due")).order_by()
            .values("project_id").annotate(owed=Sum(F("amount_due") - F("amount_paid"), output_field=money)).values("owed"))
    return Coalesce(Subquery(owed, output_field=money), Value(0, output_field=money))


def project_arrears(project, as_of=None):
    """{"workers_owed", "amount_owed", "by_period": [{"period", "workers_owed", "amount_owed"}]}."""
    lines = PayrollLine.objects.filter(project=project, amount_paid__lt=F("amount_due"))
    if as_of:
        lines = lines.filter(payroll__period__lte=as_of)
    by_period = (
        lines.values("payroll__period")
        .annotate(workers=Count("employment__worker", distinct=True), owed=Sum(F("amount_due") - F("amount_paid")))
        .order_by("payroll__period")
    )
    total = lines.aggregate(workers=Count("employment__worker", distinct=True), owed=Sum(F("amount_due") - F("amount_paid")))
    return {
        "workers_owed": total["workers"] or 0,
        "amount_owed": (total["owed"] or Decimal("0")).quantize(Decimal("0.01")),
        "by_period": [
            {"period": f"{row['payroll__period']:%Y-%m}", "workers_owed": row["workers"],
             "amount_owed": row["owed"].quantize(Decimal("0.01"))}
            for row in by_period
        ],
    }


def worker_arrears(worker):
    """Per project and month, what this worker is owed."""
    return [
        {"project": line.project, "period": line.payroll.period, "amount_due": line.amount_due,
         "amount_paid": line.amount_paid, "owed": line.amount_due - line.amount_paid}
        for line in PayrollLine.objects.filter(employment__worker=worker).select_related("project", "payroll").order_by(
            "-payroll__period")
    ]


# A compliance rate (percent) is "met" at 100, "near" from RATE_NEAR up, "short" below: the colour of
# the rate in the "8个100%" table and of its bar there and on the dashboard (green, orange, red).
RATE_NEAR = 90


def rate_level(rate):
    """"met", "near" or "short" for a rate in percent; None when there is no rate (nothing to count)."""
    if rate is None:
        return None
    if rate >= 100:
        return "met"
    return "near" if rate >= RATE_NEAR else "short"


def eight_rates(projects, as_of):
    """The "eight 100%" for a (scoped) queryset of projects: share in percent (1 decimal) of
    projects or workers meeting each, with numerator and denominator."""
    from .choices import PaidVia, ProjectStatus, SystemStatus
    from .compliance import evaluate
    from .models import Employment, Payroll

    active = projects.filter(status=ProjectStatus.IN_PROGRESS, start_date__lte=as_of)
    workers = Employment.objects.filter(project__in=active, entered_on__lte=as_of).filter(Q(exited_on__isnull=True) | Q(exited_on__gte=as_of))
    n_workers = workers.count()
    signed = workers.filter(contract_signed_on__isnull=False, contract_signed_on__lte=F("entered_on")).count()
    attended = workers.filter(attendance__isnull=False).distinct().count()
    payrolls = Payroll.objects.filter(project__in=active, paid_on__isnull=False)
    n_payrolls = payrolls.count()
    bank = payrolls.filter(paid_via=PaidVia.CONTRACTOR_BANK).count()

    counts = {"wage_deposit": 0, "dedicated_account": 0, "notice_board": 0, "on_time_full_pay": 0}
    from .compliance import evaluation_prefetch

    from wagecase.core.policy import prime_policies

    from .compliance import attach_evaluation_facts
    from .deposit import attach_contractor_records

    # Everything evaluate() reads, for all the projects at once and without loading the rosters and
    # payroll lines (at province scale 1,000,000 entries and 12,000,000 lines): the one-to-ones
    # joined, the short per-month lists prefetched, the roster's and the lines' facts aggregated by
    # the database (compliance.attach_evaluation_facts), the deposit rules' contractor records
    # read for all the contractors together. The query count does not grow with the number of
    # projects, and the memory grows with the projects, not with their workers.
    project_list = active.prefetch_related(*evaluation_prefetch(rows=False)).select_related(
        "general_contractor", "account", "notice_board", "deposit")
    project_list = attach_evaluation_facts(attach_contractor_records(project_list, as_of), as_of, among=active)
    prime_policies(("payday_day", "deposit_rate", "deposit_exemption_threshold", "blacklist_deposit_increase"),
                   {project.region_id for project in project_list})
    for project in project_list:
        systems, _score = evaluate(project, as_of)
        for code in ("wage_deposit", "dedicated_account", "notice_board"):
            if systems[code].status in (SystemStatus.OK, SystemStatus.NOT_APPLICABLE):
                counts[code] += 1
        if systems["contractor_payroll"].status in (SystemStatus.OK, SystemStatus.NOT_APPLICABLE):
            counts["on_time_full_pay"] += 1
    n_projects = len(project_list)
    injury = active.filter(injury_insurance=True).count()

    def rate(numerator, denominator):
        return {"numerator": numerator, "denominator": denominator,
                "rate": round(numerator * 100 / denominator, 1) if denominator else None}

    return {
        "contract_signing": rate(signed, n_workers),
        "real_name_attendance": rate(attended, n_workers),
        "injury_insurance": rate(injury, n_projects),
        "wage_deposit": rate(counts["wage_deposit"], n_projects),
        "dedicated_account": rate(counts["dedicated_account"], n_projects),
        "bank_payroll": rate(bank, n_payrolls),
        "on_time_full_pay": rate(counts["on_time_full_pay"], n_projects),
        "notice_board": rate(counts["notice_board"], n_projects),
    }
