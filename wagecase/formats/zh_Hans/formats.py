"""Simplified Chinese as Django has it, except that amounts are grouped by thousands, as Chinese
financial documents write them: 4,484,182.55 元. Django's zh_Hans has no thousands separator, so the
templates' `floatformat:"2g"` showed 4484182.55 in Chinese and 4,484,182.55 in English."""
from django.conf.locale.zh_Hans.formats import *  # noqa: F401,F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
