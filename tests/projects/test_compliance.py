"""The five core systems, rule by rule, evaluated on given dates (month boundaries, holidays)."""
import datetime as dt
from decimal import Decimal

import pytest

from projects.compliance import compliance_report, evaluate, payday_for
from projects.deposit import required_deposit
from projects.models import Project
from projects.services import (
    account_set, allocation_upsert, deposit_drawdown, deposit_set, notice_board_set, payroll_upsert, worker_register,
)
from wagecase.core.identifiers import make_id_number

D = dt.date
ALL_ITEMS = ["builder", "general_contractor", "subcontractors", "regulator", "wage_officer", "minimum_wage", "payday",
             "complaint_hotlines", "arbitration_legal_aid"]


def status(project, code, as_of):
    project = Project.objects.get(pk=project.pk)
    systems, _ = evaluate(project, as_of)
    return systems[code].status, [str(p) for p in systems[code].problems]


# --- payday -------------------------------------------------------------------------------------
def test_payday_moves_earlier_over_spring_festival(db):
    # January 2026's pay is due on 15 February 2026, a Spring Festival holiday: moved to Saturday
    # 14 February, a make-up working day.
    assert payday_for(D(2026, 1, 1), "620502") == D(2026, 2, 14)
    # March 2026's payday 15 April is a Wednesday; February's, 15 March, a Sunday → Friday 13 March.
    assert payday_for(D(2026, 3, 1), "620502") == D(2026, 4, 15)
    assert payday_for(D(2026, 2, 1), "620502") == D(2026, 3, 13)


def test_payday_follows_region_policy(db):
    from wagecase.core.models import PolicyValue

    PolicyValue.objects.create(region_id="620502", key="payday_day", value=Decimal("10"))
    assert payday_for(D(2026, 3, 1), "620502") == D(2026, 4, 10)
    assert payday_for(D(2026, 3, 1), "620503") == D(2026, 4, 15)


# --- dedicated account ----------------------------------------------------------------------------
def test_account_missing(make_project):
    project = make_project()
    assert status(project, "dedicated_account", D(2026, 1, 5))[0] == "missing"


def test_account_opened_late(make_project):
    project = make_project(contract_signed_on=D(2025, 12, 1), start_date=D(2026, 1, 5))
    account_set(project=project, bank_name="甘肃银行天水分行", account_number="6230001", opened_on=D(2026, 1, 1))  # day 31
    state, problems = status(project, "dedicated_account", D(2026, 1, 20))
    assert state == "deficient" and "30" in problems[0]
    account_set(project=project, bank_name="甘肃银行天水分行", account_number="6230001", opened_on=D(2025, 12, 31))  # day 30
    assert status(project, "dedicated_account", D(2026, 1, 20))[0] == "ok"


def test_allocation_due_by_end_of_following_month(make_project):
    project = make_project(contract_signed_on=D(2025, 12, 1), start_date=D(2026, 1, 5))
    account_set(project=project, bank_name="农业银行", account_number="1", opened_on=D(2025, 12, 20))
    # January's allocation is due by 28 February.
    assert status(project, "dedicated_account", D(2026, 2, 28))[0] == "ok"
    state, problems = status(project, "dedicated_account", D(2026, 3, 1))
    assert state == "deficient" and "2026年1月" in problems[0]
    allocation_upsert(project=project, period=D(2026, 1, 1), amount=Decimal("200000"), paid_on=D(2026, 2, 27))
    assert status(project, "dedicated_account", D(2026, 3, 1))[0] == "ok"
    # February's is due by 31 March.
    assert status(project, "dedicated_account", D(2026, 3, 31))[0] == "ok"
    assert status(project, "dedicated_account", D(2026, 4, 1))[0] == "deficient"


def test_allocation_paid_after_deadline_is_deficient(make_project):
    project = make_project(contract_signed_on=D(2025, 12, 1), start_date=D(2026, 1, 5))
    account_set(project=project, bank_name="农业银行", account_number="1", opened_on=D(2025, 12, 20))
    allocation_upsert(project=project, period=D(2026, 1, 1), amount=Decimal("1"), paid_on=D(2026, 3, 2))
    assert status(project, "dedicated_account", D(2026, 3, 10))[0] == "deficient"


# --- real name ----------------------------------------------------------------------------------------
def test_real_name_rules(make_project, rng):
    project = make_project(start_date=D(2026, 1, 5))
    assert status(project, "real_name", D(2026, 2, 1))[0] == "missing"
    worker_register(project=project, id_number=make_id_number(rng), name="马小军", contract_signed_on=D(2026, 1, 4),
                    entered_on=D(2026, 1, 5))
    assert status(project, "real_name", D(2026, 2, 1))[0] == "ok"
    # Entered before signing: accepted, but flagged.
    worker_register(project=project, id_number=make_id_number(rng), name="杨大山", contract_signed_on=D(2026, 1, 20),
                    entered_on=D(2026, 1, 10))
    state, problems = status(project, "real_name", D(2026, 2, 1))
    assert state == "deficient" and "杨大山" in problems[0]
    worker_register(project=project, id_number=make_id_number(rng), name="无合同", entered_on=D(2026, 1, 10))
    assert len(status(project, "real_name", D(2026, 2, 1))[1]) == 2


def test_planned_project_is_not_applicable(make_project):
    project = make_project(status="planned", start_date=D(2026, 9, 1))
    systems, score = evaluate(Project.objects.get(pk=project.pk), D(2026, 3, 1))
    assert systems["real_name"].status == "not_applicable"
    assert systems["contractor_payroll"].status == "not_applicable"


# --- payroll -------------------------------------------------------------------------------------------
@pytest.fixture
def staffed(make_project, rng):
    project = make_project(start_date=D(2026, 1, 5))
    ids = [make_id_number(rng) for _ in range(3)]
    for n, id_number in enumerate(ids):
        worker_register(project=project, id_number=id_number, name=f"工人{n}", contract_signed_on=D(2026, 1, 4),
                        entered_on=D(2026, 1, 5))
    return project, ids


def lines(ids, due="6000", paid="6000"):
    return [{"id_number": i, "amount_due": Decimal(due), "amount_paid": Decimal(paid)} for i in ids]


def test_payroll_missing_then_ok(staffed):
    project, ids = staffed
    assert status(project, "contractor_payroll", D(2026, 2, 14))[0] == "ok"  # payday itself
    assert status(project, "contractor_payroll", D(2026, 2, 15))[0] == "missing"
    payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 14), paid_via="contractor_bank", lines=lines(ids))
    assert status(project, "contractor_payroll", D(2026, 2, 15))[0] == "ok"


def test_payroll_paid_on_the_unmoved_payday_is_late(staffed):
    project, ids = staffed
    # 15 February 2026 was a holiday; the payday moved to the 14th, so paying on the 15th is late.
    payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 15), paid_via="contractor_bank", lines=lines(ids))
    state, problems = status(project, "contractor_payroll", D(2026, 2, 20))
    assert state == "deficient" and "2026-02-14" in problems[0]


def test_payroll_other_rules(staffed):
    project, ids = staffed
    payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 10), paid_via="cash", lines=lines(ids))
    state, problems = status(project, "contractor_payroll", D(2026, 2, 20))
    assert state == "deficient" and len(problems) == 1
    payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 10), paid_via="contractor_bank",
                   lines=lines(ids[:1], "6000", "4000") + lines(ids[1:]))
    state, problems = status(project, "contractor_payroll", D(2026, 2, 20))
    assert state == "deficient" and "2000.00" in problems[0].replace(",", "")
    # February's payroll not yet due on 13 March (payday, moved from Sunday the 15th).
    payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 10), paid_via="contractor_bank", lines=lines(ids))
    assert status(project, "contractor_payroll", D(2026, 3, 13))[0] == "ok"
    assert status(project, "contractor_payroll", D(2026, 3, 14))[0] == "deficient"


def test_payroll_line_must_be_on_roster(staffed, rng):
    from django.core.exceptions import ValidationError

    from projects.models import Payroll

    project, ids = staffed
    with pytest.raises(ValidationError) as err:
        payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 10), paid_via="contractor_bank",
                       lines=lines(ids) + lines([make_id_number(rng)]))
    assert "lines" in err.value.message_dict
    assert not Payroll.objects.filter(project=project).exists()


def test_future_period_is_refused(staffed):
    from django.core.exceptions import ValidationError

    project, ids = staffed
    future = (dt.date.today().replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    with pytest.raises(ValidationError) as err:
        payroll_upsert(project=project, period=future, paid_on=None, paid_via="contractor_bank", lines=lines(ids))
    assert "period" in err.value.message_dict


# --- deposit -----------------------------------------------------------------------------------------------
def test_required_deposit_rate_and_exemption(make_project):
    project = make_project(contract_amount=Decimal("12000000"))
    requirement = required_deposit(Project.objects.get(pk=project.pk), D(2026, 3, 1))
    assert requirement.amount == Decimal("240000.00")  # 2% national default
    small = make_project(contract_amount=Decimal("2500000"))
    assert required_deposit(small, D(2026, 3, 1)).exempt


def test_required_deposit_follows_region_rate(make_project):
    from wagecase.core.models import PolicyValue

    PolicyValue.objects.create(region_id="62", key="deposit_rate", value=Decimal("1.5"))
    project = make_project(contract_amount=Decimal("10000000"))
    assert required_deposit(project, D(2026, 3, 1)).amount == Decimal("150000.00")


def test_arrears_raise_the_rate(staffed, make_project):
    project, ids = staffed
    payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 10), paid_via="contractor_bank",
                   lines=lines(ids, "6000", "5000"))
    # The same contractor's next project pays 3% instead of 2%.
    other = make_project(general_contractor=project.general_contractor, contract_amount=Decimal("10000000"))
    assert required_deposit(other, D(2026, 3, 1)).amount == Decimal("300000.00")


def test_clean_record_cuts_the_rate(make_project):
    first = make_project(start_date=D(2023, 3, 1), contract_signed_on=D(2023, 2, 1), planned_end_date=D(2024, 12, 1),
                         status="completed", completed_on=D(2024, 11, 30))
    later = make_project(general_contractor=first.general_contractor, contract_amount=Decimal("10000000"))
    requirement = required_deposit(later, D(2026, 3, 1))
    # Clean 2023, 2024, 2025 but real-name/account not in place on the new project: 50% cut.
    assert requirement.amount == Decimal("100000.00")


def test_deposit_status(make_project):
    project = make_project(contract_amount=Decimal("10000000"))
    assert status(project, "wage_deposit", D(2026, 3, 1))[0] == "missing"
    deposit_set(project=project, form="cash", amount=Decimal("150000"), deposited_on=D(2026, 1, 1))
    assert status(project, "wage_deposit", D(2026, 3, 1))[0] == "deficient"
    deposit_set(project=project, form="bank_guarantee", amount=Decimal("200000"), deposited_on=D(2026, 1, 1))
    assert status(project, "wage_deposit", D(2026, 3, 1))[0] == "ok"
    deposit_drawdown(project=project, amount=Decimal("50000"), drawn_on=D(2026, 2, 1), reason="责令支付未履行，动用保证金")
    assert status(project, "wage_deposit", D(2026, 3, 1))[0] == "deficient"
    deposit_set(project=project, exempt=True, exemption_reason="连续三年无欠薪")
    assert status(project, "wage_deposit", D(2026, 3, 1))[0] == "ok"


def test_exemption_needs_reason(make_project):
    from django.core.exceptions import ValidationError

    project = make_project()
    with pytest.raises(ValidationError):
        deposit_set(project=project, exempt=True)


# --- notice board and score ------------------------------------------------------------------------------------
def test_notice_board_and_score(make_project):
    project = make_project(start_date=D(2026, 1, 5))
    assert status(project, "notice_board", D(2026, 2, 1))[0] == "missing"
    notice_board_set(project=project, installed_on=D(2026, 1, 6), items=ALL_ITEMS[:-1])
    state, problems = status(project, "notice_board", D(2026, 2, 1))
    assert state == "deficient" and len(problems) == 1
    notice_board_set(project=project, installed_on=D(2026, 1, 6), items=ALL_ITEMS)
    assert status(project, "notice_board", D(2026, 2, 1))[0] == "ok"
    report = compliance_report(Project.objects.get(pk=project.pk), D(2026, 2, 1))
    # account missing 0, real_name missing 0, payroll ok (nothing due) 20, deposit missing 0, board ok 20
    assert report["score"] == 40
    assert set(report["systems"]) == {"dedicated_account", "real_name", "contractor_payroll", "wage_deposit", "notice_board"}


def test_facts_read_for_many_projects_give_the_same_evaluation_without_queries(staffed, make_project, rng,
                                                                                 django_assert_num_queries):
    """The eight rates evaluate every project in scope: the roster's and the payroll lines' facts are
    read for all of them at once (compliance.attach_evaluation_facts), not loaded row by row."""
    from projects.compliance import attach_evaluation_facts, evaluation_prefetch
    from projects.deposit import attach_contractor_records
    from wagecase.core.policy import prime_policies

    project, ids = staffed
    payroll_upsert(project=project, period=D(2026, 1, 1), paid_on=D(2026, 2, 14), paid_via="contractor_bank",
                   lines=lines(ids, "6000", "5000"))  # underpaid
    unsigned = make_project(start_date=D(2026, 1, 5))
    worker_register(project=unsigned, id_number=make_id_number(rng), name="未签合同", entered_on=D(2026, 1, 5))
    late = make_project(start_date=D(2026, 1, 5))
    worker_register(project=late, id_number=make_id_number(rng), name="先进场", contract_signed_on=D(2026, 1, 10),
                    entered_on=D(2026, 1, 5))
    empty = make_project(start_date=D(2026, 1, 5))
    day = D(2026, 3, 1)
    among = Project.objects.filter(pk__in=[project.pk, unsigned.pk, late.pk, empty.pk]).order_by("pk")

    def load():
        return list(among.prefetch_related(*evaluation_prefetch(rows=False))
                    .select_related("general_contractor", "account", "notice_board", "deposit"))

    def results(evaluated):
        return [{code: (r.status, [str(p) for p in r.problems]) for code, r in systems.items()} for systems, _s in evaluated]

    one_by_one = results([evaluate(p, day) for p in load()])
    projects = load()
    with django_assert_num_queries(3 + 3 + 1):  # the facts, the contractors' records, the policy values
        attach_evaluation_facts(attach_contractor_records(projects, day), day, among=among)
        prime_policies(("payday_day", "deposit_rate", "deposit_exemption_threshold", "blacklist_deposit_increase"),
                       {p.region_id for p in projects})
    with django_assert_num_queries(0):
        together = results([evaluate(p, day) for p in projects])
    assert together == one_by_one
    assert together[0]["contractor_payroll"][0] == "deficient" and "3,000.00" in together[0]["contractor_payroll"][1][-1]
    assert [t["real_name"][0] for t in together] == ["ok", "deficient", "deficient", "missing"]
    # Facts read for another day are not used for this one.
    assert evaluate(projects[2], D(2026, 1, 4))[0]["real_name"].status == "not_applicable"
