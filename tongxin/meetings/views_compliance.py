"""The compliance heat map (organisation × month), its explanation of a cell, the rules with
their history, and the per-person attendance figures."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.listing import form_page
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.meetings import compliance, rulebook, selectors
from tongxin.meetings.forms import RuleVersionForm
from tongxin.meetings.models import Attendance, ComplianceRule, Kind, Meeting
from tongxin.orgs.models import Court, PartyOrganisation

PER_PAGE = 60
COLOURS = {
    "compliant": "#5b8c5a",
    "missing": "#a6192e",
    "quorum_not_met": "#c46a3b",
    "minutes_missing": "#e0a82e",
    "not_due": "#b8c4d6",
    "not_applicable": "#eeeeee",
}


def _selection(request):
    """(court, organisation, (first, last), error) from the query string, within the scope."""
    user = request.user
    scope = scope_for(user)
    period = selectors.parse_period(request.GET.get("period", "")[:10])
    organisation = None
    raw = request.GET.get("organisation", "")[:20]
    if raw.isdigit() and int(raw) < 2**63:
        organisation = (
            scope.visible(PartyOrganisation, Perm.COMPLIANCE_VIEW).filter(pk=int(raw)).first()
        )
    court = selectors.find_court(user, request.GET.get("court", "")[:20].strip())
    error = None
    if period is None:
        error = _("The period is a year (2026), a quarter (2026-Q3) or a month (2026-05).")
        today = timezone.localdate()
        period = selectors.parse_period(str(today.year))
    if (raw and organisation is None) or (request.GET.get("court") and court is None):
        error = _("No such court or organisation in your reach.")
    return court, organisation, period, error


def _page(request):
    court, organisation, (first, last), error = _selection(request)
    orgs = selectors.compliance_orgs(user=request.user, court=court, organisation=organisation)
    paginator = Paginator(orgs.values_list("id", flat=True), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    ids = list(page.object_list)
    facts, cells = selectors.heatmap(PartyOrganisation.objects.filter(pk__in=ids), first, last)
    return court, organisation, first, last, error, page, facts, cells


@requires(Perm.COMPLIANCE_VIEW)
def heatmap(request):
    court, organisation, first, last, error, page, facts, cells = _page(request)
    rows = [(org, [cells.get((org.id, month)) for month in facts.months]) for org in facts.orgs]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/heatmap.html",
        {
            "court": court,
            "organisation": organisation,
            "period": request.GET.get("period", "")[:10] or str(first.year),
            "months": facts.months,
            "rows": rows,
            "page": page,
            "error": error,
            "verdicts": [
                (code, compliance.VERDICTS[code], COLOURS[code]) for code in compliance.SEVERITY
            ],  # fmt: skip
            "query": query.urlencode(),
        },
    )


@requires(Perm.COMPLIANCE_VIEW)
def heatmap_data(request):
    """The page's figures for the chart (the same rows as the table)."""
    _court, _org, _first, _last, _error, _page_, facts, cells = _page(request)
    order = list(compliance.SEVERITY)
    data = []
    for y, org in enumerate(facts.orgs):
        for x, month in enumerate(facts.months):
            cell = cells.get((org.id, month))
            code = cell.code if cell else compliance.NOT_APPLICABLE
            data.append([x, y, order.index(code), org.id, month.strftime("%Y-%m"), cell.rule if cell else ""])  # fmt: skip
    return JsonResponse(
        {
            "months": [m.strftime("%Y-%m") for m in facts.months],
            "organisations": [org.name for org in facts.orgs],
            "verdicts": [
                {"code": c, "label": str(compliance.VERDICTS[c]), "colour": COLOURS[c]}
                for c in order
            ],
            "cells": data,
            "explain": reverse("meetings:explain"),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@requires(Perm.COMPLIANCE_VIEW)
def explain(request):
    """Why a cell has its verdict: each rule, the version in force, the meetings counted and
    who attended them."""
    raw = request.GET.get("organisation", "")[:20]
    month = selectors.parse_period(request.GET.get("month", "")[:7])
    org = None
    if raw.isdigit() and int(raw) < 2**63:
        org = scope_for(request.user).visible(PartyOrganisation, Perm.COMPLIANCE_VIEW).filter(pk=int(raw)).first()  # fmt: skip
    if org is None or month is None:
        return render(request, "meetings/_explain.html", {"missing": True})
    first, last = month
    facts, cells = selectors.heatmap(PartyOrganisation.objects.filter(pk=org.pk), first, last)
    cell = cells.get((org.pk, first))
    verdicts = [v for v in (cell.verdicts if cell else []) if v.code != compliance.NOT_APPLICABLE]
    ids = {m for v in verdicts for m in v.considered}
    meetings = {m.pk: m for m in Meeting.objects.filter(pk__in=ids)}
    present: dict = {}
    for a in Attendance.objects.filter(meeting_id__in=ids, status="present").select_related("person").order_by("person__name"):  # fmt: skip
        present.setdefault(a.meeting_id, []).append(a.person.name)
    versions = {r.pk: r for r in ComplianceRule.objects.filter(pk__in=[v.version for v in verdicts if v.version])}  # fmt: skip
    items = [
        {
            "verdict": v,
            "label": compliance.VERDICTS[v.code],
            "activity": Kind(v.rule).label,
            "version": versions.get(v.version),
            "meetings": [
                (meetings[i], i in v.counted, present.get(i, []))
                for i in v.considered
                if i in meetings
            ],  # fmt: skip
        }
        for v in verdicts
    ]
    return render(
        request,
        "meetings/_explain.html",
        {
            "org": org,
            "month": first,
            "cell": cell,
            "items": items,
            "label": compliance.VERDICTS[cell.code] if cell else "",
        },  # fmt: skip
    )


@requires(Perm.COMPLIANCE_VIEW)
def rule_list(request):
    """The rules in force for a court (default: the user's first court) on a day, and every
    version with its history."""
    scope = scope_for(request.user)
    courts = scope.visible(Court, Perm.COMPLIANCE_VIEW)
    court = selectors.find_court(request.user, request.GET.get("court", "")[:20].strip())
    day = selectors.parse_period(request.GET.get("on", "")[:10])
    on = timezone.localdate() if day is None else day[0]
    if court is None:
        court = courts.order_by("depth", "path").first()
    versions = ComplianceRule.objects.select_related("court").filter(
        court__isnull=True
    ) | ComplianceRule.objects.select_related("court").filter(court__in=courts)
    return render(
        request,
        "meetings/rule_list.html",
        {
            "court": court,
            "on": on,
            "in_force": sorted(
                rulebook.in_force(court, on).values(), key=lambda r: Kind.values.index(r.activity)
            ),  # fmt: skip
            "versions": versions.order_by("activity", "effective_from", "id"),
            "can_change": scope.has(Perm.MEETING_RULE_CHANGE),
        },
    )


@requires(Perm.MEETING_RULE_CHANGE)
def rule_create(request):
    """A new version of an activity's rule for a court subtree, from a date on."""
    scope = scope_for(request.user)
    initial = {}
    source = None
    activity = request.GET.get("activity", "")
    if activity in Kind.values:
        court = selectors.find_court(request.user, request.GET.get("court", "")[:20])
        source = rulebook.in_force(court, timezone.localdate()).get(activity)
    if source is not None:
        initial = {f: getattr(source, f) for f in rulebook.VERSION_FIELDS}
        initial.update(
            activity=activity, applies=source.kinds, court_code=request.GET.get("court", "")
        )
    form = RuleVersionForm(request.POST or None, initial=initial)

    def action(data):
        court = scope.visible(Court, Perm.MEETING_RULE_CHANGE).filter(code=data["court_code"].strip()).first()  # fmt: skip
        if court is None:
            from tongxin.core.exceptions import ApplicationError

            message = _("No court with this code that you may set rules for.")
            raise ApplicationError(message, {"court_code": [message]})
        values = {f: data[f] for f in rulebook.VERSION_FIELDS if f in data and f != "applies_to"}
        values["applies_to"] = ",".join(data["applies"])
        rulebook.rule_version_save(
            actor=request.user, court=court, activity=data["activity"],
            effective_from=data["effective_from"], values=values,
        )  # fmt: skip

    return form_page(
        request,
        form=form,
        action=action,
        success=_("Rule saved: periods from that date on are judged by it."),
        redirect_to=reverse("meetings:rule-list"),
        template="meetings/form.html",
        context={"title": _("Change a compliance rule from a date on")},
    )
