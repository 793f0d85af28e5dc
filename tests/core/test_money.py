"""Amounts as people read them (wagecase.core.money): ¥ with thousands separators and two decimals,
whatever form the amount comes in (a Decimal from a model, the text an event's parameters keep)."""
from decimal import Decimal

import pytest

from wagecase.core.money import amount_text, yuan


@pytest.mark.parametrize("value, text", [
    (Decimal("2380000.00"), "2,380,000.00"),
    (Decimal("0.5"), "0.50"),
    (Decimal("-1234.567"), "-1,234.57"),
    ("2380000", "2,380,000.00"),  # an event's parameter, as stored
    ("192600.00", "192,600.00"),
    (1000, "1,000.00"),
    (None, "—"),
    ("", "—"),
    ("not a number", "not a number"),
])
def test_amount_text(value, text):
    assert amount_text(value) == text


def test_yuan():
    assert yuan(Decimal("2380000.00")) == "¥2,380,000.00"
    assert yuan("125200") == "¥125,200.00"
    assert yuan(None) == "—"


def test_a_case_reads_its_amount_with_separators():
    from complaints.models import ArrearsCase
    from wagecase.core.models import Enterprise

    case = ArrearsCase(enterprise=Enterprise(name="甘肃第四建设集团有限责任公司天水分公司"), amount_owed=Decimal("2380000.00"))
    assert str(case) == "甘肃第四建设集团有限责任公司天水分公司 · ¥2,380,000.00"


def test_a_case_timeline_reads_amounts_with_separators():
    from complaints.case_views import event_details
    from complaints.models import CaseEvent

    from django.utils import translation

    event = CaseEvent(parameters={"amount": "192600", "outstanding": "2187400.00", "workers": 9})
    with translation.override("zh-hans"):
        details = {str(label): text for label, text in event_details(event)}
    assert details == {"金额": "¥192,600.00", "未结清金额": "¥2,187,400.00", "兑付人数": "9"}
