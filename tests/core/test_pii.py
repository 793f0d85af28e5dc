"""Masking of personal data and the permission to see it unmasked."""
from wagecase.core.choices import Role
from wagecase.core.pii import can_view_pii, mask_id_number, mask_name, mask_phone, pii_log_access
from wagecase.core.models import PiiAccessLog


def test_id_number_mask():
    assert mask_id_number("62050219900101123X") == "620502********123X"
    assert mask_id_number("") == ""
    assert mask_id_number(None) is None


def test_phone_mask():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0938-8212345") == "093*****2345"


def test_name_mask():
    assert mask_name("张三丰") == "张**"


def test_who_may_see_personal_data(make_user):
    assert can_view_pii(make_user(Role.INSPECTOR))
    assert can_view_pii(make_user(Role.OFFICE_HEAD, "6205"))
    assert can_view_pii(make_user(Role.ADMIN, "6205"))
    assert not can_view_pii(make_user(Role.OFFICE_STAFF))
    assert not can_view_pii(make_user(Role.BUREAU, "6205"))


def test_access_is_logged(make_enterprise, inspector):
    enterprise = make_enterprise()
    pii_log_access(user=inspector, objects_fields=[(enterprise, "legal_representative_id_number")], channel="web")
    row = PiiAccessLog.objects.get()
    assert row.user == inspector and row.object_id == str(enterprise.pk) and row.field == "legal_representative_id_number"
