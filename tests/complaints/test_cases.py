"""Arrears-case services: the five haves, payments to zero (deposit drawdown), the order to pay,
order_ignored and the criminal threshold, referral, the two clear-to-zero due dates against the
lunar calendar, key monitoring, opening from a clue, and incidents' report_late."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from lunardate import LunarDate

from complaints import services
from complaints.choices import CaseStatus
from complaints.models import ArrearsCase, zero_clearance_due
from complaints.services import CaseConflict
from wagecase.core.models import Region

from .conftest import at

D = dt.date.fromisoformat


@pytest.mark.parametrize("year", range(2025, 2036))
def test_zero_clearance_due_follows_the_lunar_calendar(year):
    eve = LunarDate(year, 1, 1).to_solar_date() - dt.timedelta(days=1)
    assert zero_clearance_due(eve - dt.timedelta(days=1), False) == eve - dt.timedelta(days=1)  # the day before: due that day
    next_eve = LunarDate(year + 1, 1, 1).to_solar_date() - dt.timedelta(days=1)
    assert zero_clearance_due(eve, False) == next_eve - dt.timedelta(days=1)  # on the eve: next year's
    assert zero_clearance_due(eve + dt.timedelta(days=2), False) == next_eve - dt.timedelta(days=1)
    assert zero_clearance_due(eve, True) == dt.date(eve.year, 12, 31)


def test_zero_clearance_examples():
    assert zero_clearance_due(D("2026-03-01"), False) == D("2027-02-04")
    assert zero_clearance_due(D("2026-02-10"), False) == D("2026-02-15")
    assert zero_clearance_due(D("2026-03-01"), True) == D("2026-12-31")


def test_five_haves_required(make_case):
    with pytest.raises(ValidationError) as e:
        make_case(responsible_person=" ")
    assert "responsible_person" in e.value.message_dict
    with pytest.raises(ValidationError):
        make_case(occurred_on=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        make_case(amount_owed="100.001")
    with pytest.raises(ValidationError):
        make_case(amount_owed="-5")
    assert not ArrearsCase.objects.exists()


def test_payments_to_zero(make_case, inspector):
    case = make_case(amount_owed=Decimal("1000.00"), workers_owed=2)
    services.case_payment_add(case=case, user=inspector, amount="400.00", paid_on=D("2026-10-01"), source="enterprise", workers=1)
    with pytest.raises(ValidationError) as e:
        services.case_payment_add(case=case, user=inspector, amount="600.01", paid_on=D("2026-10-02"), source="enterprise")
    assert "amount" in e.value.message_dict
    services.case_payment_add(case=case, user=inspector, amount="600.00", paid_on=D("2026-10-05"), source="emergency_fund", workers=1)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLEARED and case.amount_outstanding == 0 and case.cleared_on == D("2026-10-05")
    with pytest.raises(CaseConflict):
        services.case_payment_add(case=case, user=inspector, amount="1.00", paid_on=D("2026-10-06"), source="enterprise")
    assert list(case.events.values_list("type", flat=True)) == ["opened", "payment", "payment", "cleared"]


def test_key_monitoring_and_government_type(make_case, make_project):
    assert make_case(amount_owed=Decimal("1000000.00")).key_monitoring
    assert make_case(workers_owed=30).key_monitoring
    assert not make_case(workers_owed=29, amount_owed=Decimal("999999.99")).key_monitoring
    project = make_project(investment_type="government")
    case = make_case(project=project, occurred_on=D("2026-03-01"))
    assert case.government_type and case.zero_clearance_due == D("2026-12-31")
    assert case.days_left(D("2026-12-01")) == 30


def test_order_ignored_threshold_and_referral(make_case, inspector):
    case = make_case(amount_owed=Decimal("40000.00"), workers_owed=10, occurred_on=D("2026-08-01"))
    with pytest.raises(CaseConflict):
        services.case_refer(case=case, user=inspector, referred_on=D("2026-10-20"), police_unit="秦州分局")
    services.case_order(case=case, user=inspector, issued_on=D("2026-09-01"), pay_by=D("2026-09-15"))
    with pytest.raises(CaseConflict):
        services.case_order(case=case, user=inspector, issued_on=D("2026-09-02"), pay_by=D("2026-09-20"))
    services.case_payment_add(case=case, user=inspector, amount="5000.00", paid_on=D("2026-09-10"), source="enterprise")
    case.refresh_from_db()
    assert not case.order_ignored(D("2026-09-15")) and case.order_ignored(D("2026-09-16"))
    assert case.criminal_threshold_met()
    services.case_compensation(case=case, user=inspector, percent=80, ordered_on=D("2026-09-20"))
    referral = services.case_refer(case=case, user=inspector, referred_on=D("2026-10-20"), police_unit="天水市公安局秦州分局")
    assert referral.status == "referred"
    with pytest.raises(CaseConflict):
        services.case_refer(case=case, user=inspector, referred_on=D("2026-10-21"), police_unit="x")


def test_compensation_needs_an_ignored_order(make_case, inspector):
    case = make_case(amount_owed=Decimal("40000.00"), workers_owed=10, occurred_on=D("2026-08-01"))
    with pytest.raises(CaseConflict) as e:
        services.case_compensation(case=case, user=inspector, percent=50, ordered_on=D("2026-09-10"))
    assert e.value.error_code == "no_order"
    services.case_order(case=case, user=inspector, issued_on=D("2026-09-01"), pay_by=D("2026-09-15"))
    with pytest.raises(CaseConflict) as e:
        services.case_compensation(case=case, user=inspector, percent=50, ordered_on=D("2026-09-15"))
    assert e.value.error_code == "order_not_ignored"
    case.refresh_from_db()
    assert case.compensation_percent is None


def test_referral_refused_under_threshold(make_case, inspector):
    case = make_case(amount_owed=Decimal("20000.00"), workers_owed=9, occurred_on=D("2026-08-01"))  # 2,222/worker
    services.case_order(case=case, user=inspector, issued_on=D("2026-09-01"), pay_by=D("2026-09-15"))
    assert not case.criminal_threshold_met()
    with pytest.raises(CaseConflict) as e:
        services.case_refer(case=case, user=inspector, referred_on=D("2026-10-20"), police_unit="秦州分局")
    assert e.value.error_code == "referral_not_allowed"


def test_open_from_clue_carries_its_data(make_clue, inspector, make_enterprise):
    employer = make_enterprise()
    clue = make_clue(employer_uscc=employer.uscc, employer_name=employer.name, workers_involved=4,
                     amount_claimed=Decimal("22000.00"), received_at=at("2026-10-08"))
    case = services.case_open_from_clue(clue=clue, user=inspector, responsible_unit="区住建局", responsible_leader="王副区长",
                                        responsible_person="李志强", measures="督促支付", deadline=D("2026-12-01"))
    assert (case.enterprise, case.workers_owed, case.amount_owed, case.region_id) == (employer, 4, Decimal("22000.00"), "620502")
    assert case.occurred_on == D("2026-10-08") and case.source_clue == clue
    with pytest.raises(CaseConflict):
        services.case_open_from_clue(clue=clue, user=inspector, **{k: "x" for k in ("responsible_unit", "responsible_leader",
                                     "responsible_person", "measures")}, deadline=D("2026-12-01"))


def test_incident_report_late(inspector):
    region = Region.objects.get(pk="620502")
    on_time = services.incident_report(user=inspector, kind="collective_petition", occurred_at=at("2026-11-02", 9),
                                       reported_at=at("2026-11-02", 9) + dt.timedelta(minutes=9), region=region,
                                       people_involved=30, description="三十余名工人到区政府聚集讨薪。")
    assert not on_time.report_late
    serious = services.incident_report(user=inspector, kind="blocking", serious=True, occurred_at=at("2026-11-02", 9),
                                       reported_at=at("2026-11-02", 9) + dt.timedelta(minutes=6), region=region,
                                       people_involved=12, description="堵路。")
    assert serious.report_late
    with pytest.raises(ValidationError):
        services.incident_report(user=inspector, kind="other", occurred_at=at("2026-11-02", 9), reported_at=at("2026-11-01", 9),
                                 region=region, people_involved=1, description="x")
