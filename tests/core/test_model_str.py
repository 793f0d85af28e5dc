"""A record's str() is what its history, the change log and "my recent changes" show: every
change-logged model says what the record is in Chinese, never "PayrollLine object (10972)", and
computing it never queries (the change log calls str() for every row a bulk path writes)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone, translation

from blacklist.models import Objection
from complaints.models import CasePayment, CaseWorker, CriminalReferral
from inspections.models import Reinspection
from projects.models import Attendance, DepositDrawdown, Employment, NoticeBoard, PayrollLine, WageDeposit, Worker
from wagecase.core.models.base import ChangeLoggedModel
from wagecase.reports.models import ReportSignature

D = dt.date(2026, 11, 30)


def test_every_change_logged_model_says_what_the_record_is():
    default = [
        f"{model._meta.app_label}.{model.__name__}" for model in apps.get_models()
        if issubclass(model, ChangeLoggedModel) and model.__str__ is models.Model.__str__
    ]
    assert default == []


CASES = [
    (Attendance(period=dt.date(2026, 10, 1), days=Decimal("22.5")), "2026-10：出勤 22.5 天"),
    (PayrollLine(amount_due=Decimal("5200.00"), amount_paid=Decimal("5000.00")), "应发 ¥5,200.00，实发 ¥5,000.00"),
    (WageDeposit(form="cash", amount=Decimal("300000.00")), "现金存储 · ¥300,000.00"),
    (WageDeposit(exempt=True, exemption_reason="信用良好"), "免于存储"),
    (DepositDrawdown(drawn_on=D, amount=Decimal("86000.00")), "2026-11-30 · ¥86,000.00"),
    (NoticeBoard(installed_on=D), "2026-11-30 设置"),
    (CaseWorker(name="王伟", amount_owed=Decimal("18600.00")), "王伟 · ¥18,600.00"),
    (CasePayment(paid_on=D, amount=Decimal("18600.00")), "2026-11-30 · ¥18,600.00"),
    (CriminalReferral(police_unit="天水市公安局秦州分局", referred_on=D), "天水市公安局秦州分局 · 2026-11-30"),
    (Reinspection(reinspected_on=D, rectified=True, outcome="closed"), "2026-11-30 · 已整改"),
    (Objection(received_on=D), "2026-11-30 · 复核中"),
    (ReportSignature(capacity="department", signed_at=timezone.make_aware(dt.datetime(2026, 11, 30, 9, 5))),
     "部门负责人 · 2026-11-30 09:05"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("record,text", CASES, ids=[f"{type(c[0]).__name__}-{n}" for n, c in enumerate(CASES)])
def test_str_in_chinese_without_a_query(record, text, django_assert_num_queries):
    with translation.override("zh-hans"), django_assert_num_queries(0):
        assert str(record) == text


@pytest.mark.django_db
def test_a_payroll_line_names_its_worker_only_when_already_loaded(django_assert_num_queries):
    worker = Worker(id=1, name="李娜", id_number="620502198501010920")
    line = PayrollLine(employment_id=7, amount_due=Decimal("5000.00"), amount_paid=Decimal("5000.00"))
    with translation.override("zh-hans"), django_assert_num_queries(0):
        assert str(line) == "应发 ¥5,000.00，实发 ¥5,000.00"  # employment 7 is not loaded: not fetched for this
        line.employment = Employment(id=7, worker=worker)
        assert str(line) == "李娜 · 应发 ¥5,000.00，实发 ¥5,000.00"
