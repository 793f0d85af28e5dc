"""Regional policy: what each key means, its national default and its legal range, and how a
region's value is found (county → city → province → national)."""
import threading
import time
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models.regions import ancestor_codes


@dataclass(frozen=True)
class PolicyDefinition:
    key: str
    label: str
    unit: str
    default: Decimal
    minimum: Decimal
    maximum: Decimal
    basis: str = ""
    integer: bool = False

    def validate(self, value):
        value = Decimal(value)
        if self.integer and value != value.to_integral_value():
            raise ValidationError({"value": _("This policy takes a whole number.")})
        if value < self.minimum or value > self.maximum:
            raise ValidationError(
                {"value": _("%(label)s must lie between %(min)s and %(max)s %(unit)s.")
                 % {"label": self.label, "min": _fmt(self.minimum), "max": _fmt(self.maximum), "unit": self.unit}}
            )


def _fmt(value):
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _d(value):
    return Decimal(str(value))


YUAN = _("yuan")
PERCENT = "%"
WORKING_DAYS = _("working days")
DAYS = _("days")

POLICIES = {
    p.key: p
    for p in [
        PolicyDefinition("monitoring_threshold", _("Monitoring threshold (contract amount)"), YUAN, _d(3_000_000), _d(0), _d(10**11),
                         _("Projects at or above it must be on the monitoring platform")),
        PolicyDefinition("monitoring_min_months", _("Monitoring threshold (construction period)"), _("months"), _d(0), _d(0), _d(120),
                         integer=True),
        PolicyDefinition("deposit_rate", _("Wage deposit rate"), PERCENT, _d(2), _d("0.5"), _d(3), "人社部发〔2021〕65号"),
        PolicyDefinition("blacklist_deposit_increase", _("Wage deposit rate increase for an enterprise on the credit blacklist"),
                         PERCENT, _d(100), _d(100), _d(200), "人社部发〔2021〕65号", integer=True),
        PolicyDefinition("deposit_exemption_threshold", _("Wage deposit exemption below contract amount"), YUAN, _d(3_000_000), _d(0),
                         _d(10**10), "人社部发〔2021〕65号"),
        PolicyDefinition("criminal_threshold_total", _("Criminal threshold: total for 10 or more workers"), YUAN, _d(30_000),
                         _d(30_000), _d(100_000), "法释〔2013〕3号"),
        PolicyDefinition("criminal_threshold_per_worker", _("Criminal threshold: one worker"), YUAN, _d(5_000), _d(5_000), _d(20_000),
                         "法释〔2013〕3号"),
        PolicyDefinition("clue_accept_days", _("Clue acceptance period"), WORKING_DAYS, _d(5), _d(1), _d(5), integer=True),
        PolicyDefinition("clue_resolve_days", _("Clue handling period"), WORKING_DAYS, _d(60), _d(5), _d(60), integer=True),
        PolicyDefinition("clue_extension_days", _("Clue handling extension"), WORKING_DAYS, _d(30), _d(0), _d(30), integer=True),
        PolicyDefinition("clue_warning_percent", _("Clue warning period starts when this share of the time has passed"), PERCENT,
                         _d(80), _d(50), _d(95), integer=True),
        PolicyDefinition("clue_transfer_reply_days", _("Reply period of a department a clue is transferred to"), WORKING_DAYS,
                         _d(10), _d(1), _d(30), integer=True),
        PolicyDefinition("clue_duplicate_window_days", _("Look for duplicate clues received within"), DAYS, _d(180), _d(0),
                         _d(730), integer=True),
        PolicyDefinition("rectification_days", _("Default rectification deadline"), WORKING_DAYS, _d(15), _d(1), _d(90), integer=True),
        PolicyDefinition("payday_day", _("Wage payday (day of the following month)"), _("day"), _d(15), _d(1), _d(31), integer=True),
        PolicyDefinition("deposit_topup_days", _("Deposit top-up period after a drawdown"), WORKING_DAYS, _d(10), _d(1), _d(10),
                         integer=True),
    ]
}


_cache = {}
_cache_lock = threading.Lock()
CACHE_SECONDS = 60


def clear_cache(**kwargs):
    with _cache_lock:
        _cache.clear()


def get_policy(key, region_code):
    """The value of `key` for a region: its own, else the nearest ancestor's, else national.

    Cached per process for a minute (cleared on every change in this process): a nightly refresh
    asks for the same few values thousands of times."""
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get((key, region_code))
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    value = _lookup_policy(key, region_code)
    with _cache_lock:
        _cache[(key, region_code)] = (now, value)
    return value


def prime_policies(keys, region_codes):
    """Fill the cache of get_policy for these keys and regions in one query (the eight rates of the
    province evaluate projects of ~90 counties: three values each, 270 queries one by one)."""
    from .models.policy import PolicyValue

    region_codes = set(region_codes)
    chains = {code: ancestor_codes(code) for code in region_codes}
    wanted = {code for chain in chains.values() for code in chain}
    found = {}
    for pv in PolicyValue.objects.filter(Q(region_id__in=wanted) | Q(region__isnull=True), key__in=list(keys)):
        found[(pv.key, pv.region_id)] = pv.value
    now = time.monotonic()
    with _cache_lock:
        for key in keys:
            definition = POLICIES[key]
            for code, chain in chains.items():
                value = next((found[(key, c)] for c in chain + [None] if (key, c) in found), definition.default)
                _cache[(key, code)] = (now, int(value) if definition.integer else value)


def _lookup_policy(key, region_code):
    from .models.policy import PolicyValue

    definition = POLICIES[key]
    codes = ancestor_codes(region_code)
    values = {
        pv.region_id: pv.value
        for pv in PolicyValue.objects.filter(Q(region_id__in=codes) | Q(region__isnull=True), key=key)
    }
    for code in codes + [None]:
        if code in values:
            return int(values[code]) if definition.integer else values[code]
    return int(definition.default) if definition.integer else definition.default


def effective_policies(region_code):
    """Every policy for a region, with where its value comes from: [(definition, value, source_code)]."""
    from .models.policy import PolicyValue

    codes = ancestor_codes(region_code)
    rows = {}
    for pv in PolicyValue.objects.filter(Q(region_id__in=codes) | Q(region__isnull=True)):
        rows.setdefault(pv.key, {})[pv.region_id] = pv.value
    result = []
    for key, definition in POLICIES.items():
        found = rows.get(key, {})
        for code in codes + [None]:
            if code in found:
                result.append((definition, found[code], code or "national"))
                break
        else:
            result.append((definition, definition.default, "default"))
    return result
