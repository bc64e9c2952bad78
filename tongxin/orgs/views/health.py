"""The organisation health page and its rule thresholds."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.listing import Column, list_page, save_form, text_param
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs import health
from tongxin.orgs.forms import (
    HealthRuleForm,
)
from tongxin.orgs.models import Court, HealthRule

# Health ----------------------------------------------------------------------------------


@requires(Perm.HEALTH_VIEW)
def health_page(request):
    """Every rule broken in a court subtree (or the user's organisations), with reasons."""
    scope = scope_for(request.user)
    court = None
    code = text_param(request.GET, "court")
    court_id = text_param(request.GET, "court_id")  # a court without a code: a tribunal
    if code:
        court = scope.visible(Court, Perm.HEALTH_VIEW).filter(code=code).first()
    elif court_id.isdigit():
        court = scope.visible(Court, Perm.HEALTH_VIEW).filter(pk=int(court_id)).first()
    # Lazy: counts by aggregates, then only the page shown (the export takes them all).
    items = health.check(user=request.user, court=court)
    tally = items.tally()
    rule = text_param(request.GET, "rule")
    if rule:
        items = items.only(rule)
    return list_page(
        request,
        queryset=items,
        template="orgs/health.html",
        columns=[
            Column(_("Rule"), lambda i: i.label),
            Column(_("Organisation or person"), lambda i: i.subject),
            Column(_("Court"), lambda i: i.court),
            Column(_("Reason"), lambda i: i.reason),
        ],
        filename="health.xlsx",
        context={
            "tally": tally,
            "rule": rule,
            "court": court,
            "code": code,
            "court_query": _court_query(court, code),
            "unknown_court": bool(code) and court is None,
            "unknown_court_id": not code and bool(court_id) and court is None,
            "can_edit_rules": scope.has(Perm.RULE_CHANGE),
        },
    )


def _court_query(court, code: str) -> str:
    """The health page's court in its links: by code, or by id for a court without one."""

    if court is not None and not court.code:
        return urlencode({"court_id": court.pk})
    return urlencode({"court": code})


@requires(Perm.RULE_CHANGE)
def rule_list(request):
    """Health rules and their thresholds: editable data with domain.md defaults. Every rule is
    listed, with its row or, where the row is missing, its defaults; saving creates the row."""
    rows = {row.code: row for row in HealthRule.objects.all()}
    forms = []
    for code, spec in health.RULES.items():
        row = rows.get(code) or HealthRule(code=code, value=spec.value, value_max=spec.value_max)
        form = HealthRuleForm(
            request.POST if request.POST.get("code") == code else None, instance=row, prefix=code
        )
        for name in ("value", "value_max"):
            if getattr(spec, name) is None:
                del form.fields[name]
            else:  # a blank threshold would silently mean the default: ask for a number
                form.fields[name].required = True
        forms.append((spec, form))

    for spec, form in forms:
        if request.POST.get("code") == spec.code and save_form(
            request,
            form,
            lambda data, form=form: _rule_save(request.user, form),
            success=_("Rule saved."),
        ):
            return redirect("orgs:rule-list")
    return render(request, "orgs/rule_list.html", {"forms": forms})


def _rule_save(actor, form) -> HealthRule:
    from tongxin.core.services import model_save

    return model_save(actor=actor, instance=form.instance, changes={}, action="orgs.health_rule")
