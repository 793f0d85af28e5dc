"""Validators for identifiers: USCC (GB 32100-2015), resident ID (GB 11643), region codes, phones."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric, uscc


def normalize_uscc(value):
    return uscc.compact(value or "")


def validate_uscc(value):
    try:
        uscc.validate(value)
    except stdnum_exceptions.InvalidLength:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="uscc_length")
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(_("The check character of this unified social credit code is wrong."), code="uscc_checksum")
    except stdnum_exceptions.ValidationError:
        raise ValidationError(_("This is not a valid unified social credit code."), code="uscc_invalid")


def normalize_id_number(value):
    return ric.compact(value or "")


def validate_id_number(value):
    try:
        ric.validate(value)
    except stdnum_exceptions.InvalidLength:
        raise ValidationError(_("A resident ID number has 18 characters."), code="id_length")
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(_("The check digit of this resident ID number is wrong."), code="id_checksum")
    except stdnum_exceptions.InvalidComponent:
        raise ValidationError(_("The birth date in this resident ID number is not a real date."), code="id_birth_date")
    except stdnum_exceptions.ValidationError:
        raise ValidationError(_("This is not a valid resident ID number."), code="id_invalid")


PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def validate_phone(value):
    if not PHONE_RE.match(value or ""):
        raise ValidationError(_("Enter an 11-digit mobile number or a landline such as 0938-8212345."), code="phone")


REGION_CODE_RE = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{9})$")


def validate_region_code_format(value):
    if not REGION_CODE_RE.match(value or ""):
        raise ValidationError(_("A region code has 2, 4, 6 or 9 digits."), code="region_code")
