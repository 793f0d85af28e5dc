"""USCC and resident ID validation: valid numbers pass, each kind of fault gives its own message."""
import pytest
from stdnum.cn import ric
from django.core.exceptions import ValidationError
from django.utils import translation

from wagecase.core.identifiers import make_id_number, make_uscc
from wagecase.core.validators import validate_id_number, validate_phone, validate_region_code_format, validate_uscc


def test_known_valid_uscc():
    validate_uscc("91110000600037341L")


def test_generated_identifiers_are_valid(rng):
    for _ in range(200):
        validate_uscc(make_uscc(rng, "620502"))
        validate_id_number(make_id_number(rng, "620502"))


@pytest.mark.parametrize(
    "value, code",
    [
        ("91110000600037341", "uscc_length"),
        ("91110000600037341X", "uscc_checksum"),
        ("A1110000600037341L", "uscc_invalid"),
        ("9111000060003734IL", "uscc_invalid"),  # I is not in the alphabet
    ],
)
def test_invalid_uscc(value, code):
    with pytest.raises(ValidationError) as err:
        validate_uscc(value)
    assert err.value.code == code


def test_uscc_message_is_chinese():
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as err:
            validate_uscc("91110000600037341X")
        assert "统一社会信用代码" in err.value.messages[0]  # a lazy text: read while Chinese is active


@pytest.mark.parametrize(
    "value, code",
    [
        ("62050219900101123", "id_length"),
        ("620502199001011230", "id_checksum"),
        ("620502199013011234", "id_birth_date"),  # month 13; check digit fixed below
    ],
)
def test_invalid_id_number(value, code, rng):
    if code == "id_checksum":
        good = make_id_number(rng, "620502")
        value = good[:-1] + ("0" if good[-1] != "0" else "1")
    if code == "id_birth_date":
        value = value[:-1] + ric.calc_check_digit(value)
    with pytest.raises(ValidationError) as err:
        validate_id_number(value)
    assert err.value.code == code


def test_id_number_with_x_check_digit(rng):
    # Find a generated number whose check digit is X (value 10) and make sure it validates.
    for _ in range(2000):
        number = make_id_number(rng, "620502")
        if number.endswith("X"):
            validate_id_number(number)
            validate_id_number(number.lower().upper())
            return
    pytest.fail("no X check digit generated")


@pytest.mark.parametrize("value", ["13812345678", "0938-8212345", "09388212345"])
def test_valid_phones(value):
    validate_phone(value)


@pytest.mark.parametrize("value", ["1381234567", "12812345678", "abc"])
def test_invalid_phones(value):
    with pytest.raises(ValidationError):
        validate_phone(value)


@pytest.mark.parametrize("value", ["62", "6205", "620502", "620502001"])
def test_region_code_formats(value):
    validate_region_code_format(value)


@pytest.mark.parametrize("value", ["6", "62050", "6205021", "abcdef"])
def test_bad_region_code_formats(value):
    with pytest.raises(ValidationError):
        validate_region_code_format(value)
