"""Validators for identifiers: USCC (GB 32100-2015), resident ID (GB 11643), region codes, phones."""
import datetime
import functools
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric, uscc


def normalize_uscc(value):
    return uscc.compact(value or "")


def validate_uscc(value):
    _validate_uscc(value or "")


@functools.lru_cache(maxsize=4096)
def _validate_uscc(value):
    # Cached: an import names the same few employers on thousands of rows (a failure is not cached).
    try:
        uscc.validate(value)
    except stdnum_exceptions.InvalidLength:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="uscc_length")
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(_("The check character of this unified social credit code is wrong."), code="uscc_checksum")
    except stdnum_exceptions.ValidationError:
        raise ValidationError(_("This is not a valid unified social credit code."), code="uscc_invalid")


def _compact(value):
    return value if len(value) == 18 and value.isascii() and value.isalnum() and value == value.upper() else ric.compact(value)


def normalize_id_number(value):
    """Without separators or spaces, full-width characters made ASCII, upper case (stdnum's compact;
    an ID already in that form is returned as is, without the cost)."""
    return _compact(value or "")


def validate_id_number(value):
    """GB 11643: 18 characters, check digit (ISO 7064 MOD 11-2), a real birth date, and a county code
    that existed in the birth year (python-stdnum's table). The same checks as stdnum's
    ric.validate, with the county lookup cached per (county, year): imports validate tens of
    thousands of IDs, and the lookup was 70 % of the cost."""
    number = _compact(value or "")
    if len(number) != 18:
        raise ValidationError(_("A resident ID number has 18 characters."), code="id_length")
    if not number[:-1].isdigit() or not number[:-1].isascii():
        raise ValidationError(_("This is not a valid resident ID number."), code="id_invalid")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(_("The check digit of this resident ID number is wrong."), code="id_checksum")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date in this resident ID number is not a real date."), code="id_birth_date")
    if not _county_known(number[:6], birth.year):
        raise ValidationError(_("This is not a valid resident ID number."), code="id_invalid")


@functools.lru_cache(maxsize=8192)
def _county_known(county, year):
    try:
        ric.get_birth_place(f"{county}{year:04d}0101000")
    except stdnum_exceptions.ValidationError:
        return False
    return True


PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def validate_phone(value):
    if not PHONE_RE.match(value or ""):
        raise ValidationError(_("Enter an 11-digit mobile number or a landline such as 0938-8212345."), code="phone")


REGION_CODE_RE = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{9})$")


def validate_region_code_format(value):
    if not REGION_CODE_RE.match(value or ""):
        raise ValidationError(_("A region code has 2, 4, 6 or 9 digits."), code="region_code")
