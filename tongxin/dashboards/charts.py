"""The figures behind the home and health pages' charts, each a few grouped queries over what
the user may see (the same scope as the lists), whatever the size of that scope.

Each function returns a plain dict the chart script turns into an ECharts option:
{"title", "kind": "bar" | "pie" | "bars", "labels": [...], "series": [{"name", "data"}]}.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.lib.dates import add_months
from tongxin.orgs.models import CommitteeTerm, PartyOrganisation
from tongxin.people.models import DuesPayment, Membership, Person

TOP_BRANCHES = 15
AGE_BANDS = ((0, 35), (36, 45), (46, 55), (56, 200))


def members_by_branch(user) -> dict:
    """The organisations with the most members today (full and probationary), largest first."""
    orgs = scope_for(user).visible(PartyOrganisation, Perm.ORG_VIEW).filter(is_active=True)
    rows = (
        Membership.objects.filter(ends_on__isnull=True, organisation__in=orgs)
        .values("organisation__name_zh", "organisation__name_en")
        .annotate(
            full=Count("pk", filter=Q(person__political_status=Person.PoliticalStatus.FULL)),
            probationary=Count(
                "pk", filter=Q(person__political_status=Person.PoliticalStatus.PROBATIONARY)
            ),
            total=Count("pk"),
        )
        .order_by("-total", "organisation__name_zh")[:TOP_BRANCHES]
    )
    english = (get_language() or "").startswith("en")
    labels = [
        (row["organisation__name_en"] if english and row["organisation__name_en"] else None)
        or row["organisation__name_zh"]
        for row in rows
    ]
    return {
        "title": _("Members by organisation (the %(n)s largest)") % {"n": TOP_BRANCHES},
        "kind": "bars",
        "labels": labels,
        "series": [
            {"name": _("Full members"), "data": [row["full"] for row in rows]},
            {"name": _("Probationary members"), "data": [row["probationary"] for row in rows]},
        ],
    }


def _party_people(user):
    return (
        scope_for(user)
        .visible(Person, Perm.PERSON_VIEW)
        .filter(is_active=True, political_status__in=("full", "probationary"))
    )


def composition(user) -> dict:
    """Party members in reach by status, gender, position category and age band."""
    people = _party_people(user)
    today = timezone.localdate()
    bands = {}
    for low, high in AGE_BANDS:
        youngest = today.replace(year=today.year - low)
        oldest = today.replace(year=today.year - high - 1)
        bands[f"b{low}"] = Count("pk", filter=Q(birth_date__gt=oldest, birth_date__lte=youngest))
    totals = people.order_by().aggregate(
        full=Count("pk", filter=Q(political_status="full")),
        probationary=Count("pk", filter=Q(political_status="probationary")),
        male=Count("pk", filter=Q(gender="m")),
        female=Count("pk", filter=Q(gender="f")),
        **bands,
        **{f"c_{value}": Count("pk", filter=Q(category=value)) for value in Person.Category.values},
    )
    band_labels = [
        _("up to %(high)s") % {"high": high}
        if low == 0
        else (_("%(low)s and over") % {"low": low} if high >= 200 else f"{low}–{high}")
        for low, high in AGE_BANDS
    ]
    return {
        "title": _("Party members in reach"),
        "kind": "pies",
        "groups": [
            {
                "name": _("Status"),
                "data": [
                    {"name": _("Full members"), "value": totals["full"]},
                    {"name": _("Probationary members"), "value": totals["probationary"]},
                ],
            },
            {
                "name": _("Gender"),
                "data": [
                    {"name": str(Person.Gender.MALE.label), "value": totals["male"]},
                    {"name": str(Person.Gender.FEMALE.label), "value": totals["female"]},
                ],
            },
            {
                "name": _("Age"),
                "data": [
                    {"name": label, "value": totals[f"b{low}"]}
                    for label, (low, _high) in zip(band_labels, AGE_BANDS, strict=True)
                ],
            },
            {
                "name": _("Position category"),
                "data": [
                    {"name": str(label), "value": totals[f"c_{value}"]}
                    for value, label in Person.Category.choices
                ],
            },
        ],
    }


def terms_ending(user) -> dict:
    """Current committee terms ending (or whose postponed election falls) in each of the next
    twelve months."""
    today = timezone.localdate()
    first = today.replace(day=1)
    last = add_months(first, 12)
    orgs = scope_for(user).visible(PartyOrganisation, Perm.ORG_VIEW).filter(is_active=True)
    later = CommitteeTerm.objects.filter(
        organisation=OuterRef("organisation"),
        starts_on__gt=OuterRef("starts_on"),
        starts_on__lte=today,
    )
    rows = (
        CommitteeTerm.objects.filter(organisation__in=orgs, starts_on__lte=today)
        .filter(~Exists(later))
        .filter(
            Q(postponed_until__isnull=True, ends_on__gte=first, ends_on__lt=last)
            | Q(postponed_until__gte=first, postponed_until__lt=last)
        )
        .values("ends_on", "postponed_until")
    )
    counts = {add_months(first, n): 0 for n in range(12)}
    for row in rows:
        deadline = row["postponed_until"] or row["ends_on"]
        counts[deadline.replace(day=1)] += 1
    return {
        "title": _("Committee terms ending in the next twelve months"),
        "kind": "bar",
        "labels": [month.strftime("%Y-%m") for month in counts],
        "series": [{"name": _("Terms"), "data": list(counts.values())}],
    }


def dues_by_month(user) -> dict:
    """Dues collected in each month of this year, in the organisations whose dues the user
    keeps."""
    year = timezone.localdate().year
    rows = (
        scope_for(user)
        .visible(DuesPayment, Perm.DUES_VIEW)
        .filter(status=DuesPayment.Status.PAID, month__year=year)
        .annotate(m=TruncMonth("month"))
        .values("m")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    totals = {datetime.date(year, m, 1): 0.0 for m in range(1, 13)}
    for row in rows:
        key = row["m"].date() if isinstance(row["m"], datetime.datetime) else row["m"]
        totals[key] = float(row["total"] or 0)
    return {
        "title": _("Party dues collected in %(year)s (yuan)") % {"year": year},
        "kind": "bar",
        "labels": [month.strftime("%Y-%m") for month in totals],
        "series": [{"name": _("Collected"), "data": list(totals.values())}],
    }


# name → (the permission the user needs somewhere, the function)
CHARTS = {
    "members": (Perm.ORG_VIEW, members_by_branch),
    "composition": (Perm.PERSON_VIEW, composition),
    "terms": (Perm.ORG_VIEW, terms_ending),
    "dues": (Perm.DUES_VIEW, dues_by_month),
}


def available(user) -> list[str]:
    scope = scope_for(user)
    return [name for name, (perm, _f) in CHARTS.items() if scope.has(perm)]
