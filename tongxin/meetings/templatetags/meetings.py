from django import template

from tongxin.lib.richtext import render_html

register = template.Library()


@register.filter
def richtext(value):
    """Formatted text sanitised again on display."""
    return render_html(value)
