"""Where the appraisal reads its facts: a registry of sources, nothing else.

A source has a code, a label and a function `(person_ids, year) -> {person_id: value}`
answering for many people in a fixed number of queries. The appraisal never reads another
app's tables: each app's facts come through its own selector, wrapped here or in
`sources_apps.py` (registered only when that app is installed). A person missing from a
source's answer has no record there; the criterion is then left out (grading.py).

When the people are a cycle's members, the ids come as a `PersonIds` list whose `query`
selects the same people in the database: a source reading a table may then join it there
(`_chunks` gives the query once instead of lists of ids), instead of sending hundreds of
thousands of ids; any other source simply uses the list.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Source:
    code: str
    label: object
    fetch: Callable[[list[int], int], dict[int, object]]


_SOURCES: dict[str, Source] = {}


def register(code: str, label) -> Callable:
    """Decorator: register `fn(person_ids, year) -> {pid: value}` as source `code`."""

    def wrap(fn):
        _SOURCES[code] = Source(code=code, label=label, fetch=fn)
        return fn

    return wrap


def unregister(code: str) -> None:
    _SOURCES.pop(code, None)


def sources() -> dict[str, Source]:
    from tongxin.evaluation import sources_apps  # noqa: F401 (registers what is installed)

    return dict(_SOURCES)


def known_codes() -> set[str]:
    """Codes a scheme may name: the registered sources and the adapters of apps that may
    not be installed yet (their criteria are then left out: no record)."""
    from tongxin.evaluation.sources_apps import ADAPTERS

    return set(sources()) | {a[0] for a in ADAPTERS}


class PersonIds(list):
    """The person ids asked for, with `query`: a queryset of the same ids (or None)."""

    query = None


def fetch_all(
    codes: Iterable[str], person_ids: list[int], year: int, query=None
) -> dict[int, dict]:
    """{pid: {code: value}} for the given sources (unknown codes give nothing). `query`: a
    queryset selecting exactly `person_ids` (values_list of the ids), passed on to the
    sources as `person_ids.query`."""
    known = sources()
    if query is not None:
        person_ids = PersonIds(person_ids)
        person_ids.query = query
    facts: dict[int, dict] = {pid: {} for pid in person_ids}
    for code in sorted(set(codes)):
        source = known.get(code)
        if source is None:
            continue
        for pid, value in source.fetch(person_ids, year).items():
            if pid in facts:
                facts[pid][code] = value
    return facts


def _chunks(ids: list[int], size: int = 5000):
    """Lists of at most `size` ids; or once the query selecting them, when there is one."""
    query = getattr(ids, "query", None)
    if query is not None:
        yield query
        return
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


# Sources of the foundation (people, orgs) ------------------------------------------------


@register("membership_months", _("Months of Party membership in the year"))
def membership_months(person_ids, year):
    """Whole months of the year with an open membership (people's memberships)."""
    from tongxin.people.models import Membership

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    out: dict[int, int] = {}
    for chunk in _chunks(person_ids):
        rows = Membership.objects.filter(person_id__in=chunk, starts_on__lte=end).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=start)
        )
        for pid, s, e in rows.values_list("person_id", "starts_on", "ends_on"):
            s, e = max(s, start), min(e or end, end)
            out[pid] = min(
                12, out.get(pid, 0) + max(0, (e.year - s.year) * 12 + e.month - s.month + 1)
            )
    return out


@register("dues_on_time", _("Party dues paid on time (share of months)"))
def dues_on_time(person_ids, year):
    """Share of the year's 12 months paid within their month or exempt (people's ledger);
    only people with at least one month recorded have a value."""
    from tongxin.people.models import DuesPayment

    good: dict[int, int] = {}
    for chunk in _chunks(person_ids):
        rows = DuesPayment.objects.filter(person_id__in=chunk, month__year=year).values_list(
            "person_id", "month", "status", "paid_on"
        )
        for pid, month, status, paid_on in rows:
            on_time = status == "exempt" or (
                paid_on is not None and (paid_on.year, paid_on.month) <= (month.year, month.month)
            )
            good[pid] = good.get(pid, 0) + on_time
    return {pid: round(n / 12, 4) for pid, n in good.items()}


# This app's own sources ------------------------------------------------------------------


@register("democratic_grade", _("Democratic evaluation grade"))
def democratic_grade(person_ids, year):
    from tongxin.evaluation.models import DemocraticGrade

    out = {}
    for chunk in _chunks(person_ids):
        rows = DemocraticGrade.objects.filter(person_id__in=chunk, evaluation__year=year)
        out.update(rows.values_list("person_id", "grade"))
    return out


@register("commitments_fulfilled", _("Commitments fulfilled (share)"))
def commitments_fulfilled(person_ids, year):
    """Fulfilled 1, partly ½, not 0, over the year's evaluated commitments."""
    from tongxin.evaluation.models import Commitment

    worth = {"fulfilled": 1.0, "partly": 0.5, "not": 0.0}
    sums: dict[int, list[float]] = {}
    for chunk in _chunks(person_ids):
        rows = Commitment.objects.filter(
            person_id__in=chunk, year=year, status=Commitment.Status.EVALUATED
        ).values_list("person_id", "outcome")
        for pid, outcome in rows:
            sums.setdefault(pid, []).append(worth[outcome])
    return {pid: round(sum(v) / len(v), 4) for pid, v in sums.items()}


@register("previous_incompetent", _("Graded incompetent the year before"))
def previous_incompetent(person_ids, year):
    """True for people whose final grade in a final cycle of the year before was
    incompetent (the committee's override counts)."""
    from tongxin.evaluation.selectors import final_grades

    return {
        pid: True
        for pid, grade in final_grades(person_ids, year - 1).items()
        if grade == "incompetent"
    }
