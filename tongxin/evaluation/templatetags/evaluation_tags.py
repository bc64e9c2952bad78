from django import template

from tongxin.evaluation.models import Grade, MemberGrade
from tongxin.evaluation.models.appraisal import RaterGroup

register = template.Library()


@register.filter
def grade_label(code):
    return dict(Grade.choices).get(code or "", "—")


@register.filter
def member_grade_label(code):
    return dict(MemberGrade.choices).get(code or "", code)


@register.filter
def group_label(code):
    from django.utils.translation import gettext as _

    extra = {
        "other": _("Smaller groups together"),
        "withheld": _("Groups of fewer than 5 raters (not shown)"),
    }
    return dict(RaterGroup.choices).get(code) or extra.get(code, code)


@register.filter
def get(mapping, key):
    return (mapping or {}).get(str(key)) if hasattr(mapping, "get") else None


@register.simple_tag
def final_grade(result):
    overridden = getattr(result, "override_grade", None)
    return result.grade if overridden is None else overridden
