from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def indicator(value, unit):
    """A value as the page shows it: ratios in per cent, days and cases as numbers; no value
    (a zero denominator) as a dash."""
    if value is None:
        return "—"
    if unit == "ratio":
        return f"{number_format(round(value * 100, 2), 2)}%"
    if unit == "days":
        return number_format(round(value, 1), 1)
    return number_format(round(value), 0, force_grouping=True)


@register.filter
def count(value):
    if value is None:
        return ""
    return number_format(value, 0 if float(value).is_integer() else 2, force_grouping=True)


@register.filter
def range_text(bounds, unit):
    if not bounds:
        return _("no range")
    low, high = bounds
    low_text = indicator(low, unit) if low is not None else None
    high_text = indicator(high, unit) if high is not None else None
    if low_text and high_text:
        return f"{low_text} – {high_text}"
    if low_text:
        return _("at least %s") % low_text
    return _("at most %s") % high_text
