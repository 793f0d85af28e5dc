"""Generating valid identifiers (for demo data and tests): USCC and resident ID numbers."""
import datetime
import random

from stdnum.cn import ric, uscc

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 11714 organisation code: 8 characters, then a check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _org_check(body):
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(rng=None, region_code="620502", kind="91"):
    """A valid 18-character USCC registered in `region_code` (kind 91: enterprise, market regulator)."""
    rng = rng or random
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY"[:10] + "MAHJ") for _ in range(8))
    partial = f"{kind}{region_code[:6]}{body}{_org_check(body)}"
    return partial + uscc.calc_check_digit(partial)


def make_id_number(rng=None, region_code="620502", birth=None, female=None):
    """A valid 18-digit resident ID for someone born in `region_code` on `birth`."""
    rng = rng or random
    for _attempt in range(200):
        day = birth or datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randint(0, 365 * 38))
        sequence = rng.randint(0, 99)
        sex_digit = rng.choice([0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9] if female is False else range(10))
        partial = f"{region_code[:6]}{day:%Y%m%d}{sequence:02d}{sex_digit}"
        number = partial + ric.calc_check_digit(partial + "0")  # it ignores the last character
        # The area code must have existed on the birth date (620503 only since 2005, say).
        if ric.is_valid(number):
            return number
    raise ValueError(f"no valid ID number for region {region_code} and birth date {birth}")


def make_mobile(rng=None):
    rng = rng or random
    return rng.choice(["138", "139", "135", "136", "150", "151", "152", "158", "159", "177", "180", "186", "189", "199"]) + "".join(
        str(rng.randint(0, 9)) for _ in range(8)
    )
