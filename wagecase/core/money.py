"""Amounts of money as people read them: yuan with thousands separators and two decimals
(¥2,380,000.00), in a record's str(), a page title, a timeline and a message alike."""
from decimal import Decimal, InvalidOperation


def amount_text(value):
    """2380000 → "2,380,000.00". A Decimal, int, float or their text (as an event's parameters keep
    them); "—" for None or ""; a text that is not a number is returned as it is."""
    if value is None or value == "":
        return "—"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return f"{number:,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def yuan(value):
    """2380000 → "¥2,380,000.00"; "—" for None."""
    text = amount_text(value)
    return text if value is None or value == "" else f"¥{text}"
