from django import template
from django.utils.formats import number_format

from tongxin.lib.richtext import render_html

register = template.Library()


@register.filter
def rich(text):
    """Formatted text, sanitised again on display."""
    return render_html(text)


@register.filter
def percent(share):
    if share is None:
        return ""
    return f"{number_format(share * 100, 0)}%"
