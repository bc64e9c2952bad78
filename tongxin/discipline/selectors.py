"""Reading the register and the discipline records, always through the scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Q

from tongxin.core.listing import Filters
from tongxin.core.permissions import Perm
from tongxin.core.scoping import any_prefix, scope_for
from tongxin.discipline.models import (
    DisciplineRecord,
    EducationSession,
    Kind,
    RegisterEntry,
    SupervisionCheck,
)

ZERO_STREAK_QUARTERS = 4  # a unit reporting zero this long is flagged (domain.md section 8)


@dataclass
class EntryFilters(Filters):
    q: str = ""
    kind: str = ""
    court: str = ""


def entry_list(*, user, filters: EntryFilters):
    qs = scope_for(user).visible(RegisterEntry).select_related("court", "correction_of")
    if filters.q:
        qs = qs.filter(
            Q(person_name__icontains=filters.q)
            | Q(case_number__icontains=filters.q)
            | Q(person_unit__icontains=filters.q)
        )
    if filters.kind in Kind.values:
        qs = qs.filter(kind=filters.kind)
    if filters.court:
        qs = qs.filter(court__code=filters.court)
    return qs.order_by("-recorded_at", "-id")


# Quarterly summary --------------------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, end - datetime.timedelta(days=1)


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters_between(a: tuple[int, int], b: tuple[int, int]) -> int:
    return (b[0] - a[0]) * 4 + (b[1] - a[1])


@dataclass
class SummaryRow:
    court: object
    depth: int
    counts: dict[str, int] = field(default_factory=dict)
    corrections: int = 0
    affecting: int = 0
    streak: int = 0  # quarters without any entry, this one included

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(kind, 0) for kind in Kind.values]

    @property
    def indent(self) -> str:
        return "·" * self.depth

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def zero(self) -> bool:
        return self.total == 0

    @property
    def flagged(self) -> bool:
        limit = getattr(settings, "DISCIPLINE_ZERO_STREAK_QUARTERS", ZERO_STREAK_QUARTERS)
        return self.streak >= limit


def summary_courts(user):
    """The courts whose register summary the user may read (offices and named leaders)."""
    from tongxin.orgs.models import Court

    scope = scope_for(user)
    paths = scope.court_paths(Perm.REGISTER_VIEW) + scope.court_paths(Perm.REGISTER_LEADER)
    return Court.objects.filter(any_prefix(paths, "path"), is_active=True).order_by("path")


def quarterly_summary(*, user, court, year: int, quarter: int) -> list[SummaryRow]:
    """One row per active court of `court`'s subtree: its entries of the quarter by kind
    (corrections apart), a zero report where it had none, and its zero-report streak. Three
    queries, whatever the size of the subtree; only entries the user may read count."""
    from tongxin.orgs.models import Court

    start, end = quarter_bounds(year, quarter)
    courts = list(
        Court.objects.filter(path__startswith=court.path, is_active=True).order_by("path")
    )
    base = scope_for(user).visible(RegisterEntry).filter(court_path__startswith=court.path)
    rows = {
        c.pk: SummaryRow(court=c, depth=c.path.count(".") - court.path.count(".")) for c in courts
    }
    for item in (
        base.filter(occurred_on__range=(start, end))
        .values("court_id", "kind")
        .annotate(
            n=Count("id", filter=Q(correction_of__isnull=True)),
            corrections=Count("id", filter=Q(correction_of__isnull=False)),
            affecting=Count("id", filter=Q(affects_case=True, correction_of__isnull=True)),
        )
    ):
        row = rows.get(item["court_id"])
        if row is None:
            continue
        row.counts[item["kind"]] = row.counts.get(item["kind"], 0) + item["n"]
        row.corrections += item["corrections"]
        row.affecting += item["affecting"]
    last = dict(
        base.filter(occurred_on__lte=end, correction_of__isnull=True)
        .values("court_id")
        .annotate(last=Max("occurred_on"))
        .values_list("court_id", "last")
    )
    here = (year, quarter)
    for row in rows.values():
        for kind in Kind.values:
            row.counts.setdefault(kind, 0)
        seen = last.get(row.court.pk)
        since = quarter_of(seen) if seen else (2015, 1)
        row.streak = max(0, quarters_between(since, here) + (0 if seen else 1))
    return list(rows.values())


# Discipline records feeding appraisal ---------------------------------------------------


def person_year_facts(person_ids, year: int) -> dict[int, dict]:
    """For the appraisal of `year` (evaluation app): each person's sanctions in effect during
    the year and the number of register entries they recorded that year. Two queries.

    {person_id: {"sanctions": [{"sanction", "decided_on", "ends_on", "veto"}],
                 "interference_recorded": n}}

    An internal read (no scope): the caller checks the reader's reach over the people.
    """
    from tongxin.discipline.models import VETO
    from tongxin.people.models import Person

    person_ids = list(person_ids)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    facts = {pk: {"sanctions": [], "interference_recorded": 0} for pk in person_ids}
    records = DisciplineRecord.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start),
        person_id__in=person_ids,
        decided_on__lte=end,
    ).order_by("person_id", "decided_on")
    for record in records:
        facts[record.person_id]["sanctions"].append(
            {
                "sanction": record.sanction,
                "decided_on": record.decided_on,
                "ends_on": record.ends_on,
                "veto": record.sanction in VETO,
            }
        )
    users = dict(
        Person.objects.filter(pk__in=person_ids, user__isnull=False).values_list("user_id", "pk")
    )
    for item in (
        RegisterEntry.objects.filter(
            recorder_id__in=list(users), occurred_on__range=(start, end), correction_of__isnull=True
        )
        .values("recorder_id")
        .annotate(n=Count("id"))
    ):
        facts[users[item["recorder_id"]]]["interference_recorded"] = item["n"]
    return facts


@dataclass
class RecordFilters(Filters):
    q: str = ""
    sanction: str = ""
    court: str = ""


def record_list(*, user, filters: RecordFilters):
    qs = scope_for(user).visible(DisciplineRecord).select_related("person", "court")
    if filters.q:
        qs = qs.filter(person__name__icontains=filters.q)
    if filters.sanction:
        qs = qs.filter(sanction=filters.sanction)
    if filters.court:
        qs = qs.filter(court__code=filters.court)
    return qs.order_by("-decided_on", "-id")


@dataclass
class CheckFilters(Filters):
    area: str = ""
    court: str = ""


def check_list(*, user, filters: CheckFilters):
    qs = (
        scope_for(user)
        .visible(SupervisionCheck)
        .select_related("court")
        .annotate(finding_count=Count("findings"))
    )
    if filters.area:
        qs = qs.filter(area=filters.area)
    if filters.court:
        qs = qs.filter(court__code=filters.court)
    return qs.order_by("-checked_on", "-id")


@dataclass
class SessionFilters(Filters):
    court: str = ""


def session_list(*, user, filters: SessionFilters):
    qs = (
        scope_for(user)
        .visible(EducationSession)
        .select_related("court")
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
            absent=Count("attendance", filter=Q(attendance__present=False)),
        )
    )
    if filters.court:
        qs = qs.filter(court__code=filters.court)
    return qs.order_by("-held_on", "-id")
