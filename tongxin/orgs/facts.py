"""Maintained organisation facts: what health reads, kept current by the services.

`OrganisationFacts` holds one row per Party organisation (its paths, kind, active flag, full
and probationary members, committee size, secretary, its two latest terms) and
`UnassignedMember` one row per Party member on the staff without an open membership. The
services that change their inputs (memberships, political status and deactivation of people,
committee posts, terms, organisations and court moves) call `facts_refresh` for what they
touched, inside their transaction; a bulk writer that bypasses the services calls it for the
organisations and people it wrote (or, for a whole load, `facts_recount`).

`facts_refresh` recomputes the given rows from the source tables with a fixed number of
grouped queries (set-based, whatever the number of ids); `facts_recount` does the same for
every row, and with `write=False` only reports what differs (`manage.py recount_facts
--check`). Both use one definition of every figure (`_org_rows`, `_unassigned_rows`), which
is what the health rules used to compute on each request.

The current committee term depends on the day. Rows do not store "the current term" (it
would go stale at midnight): they store the two latest terms, and `term_ends_on(day)` picks
the latest begun by that day. Only an organisation whose two latest terms both begin after
that day (a past day, or two future terms recorded) needs a look at its terms, which the
expression does for those rows alone. So rows are day-independent, a recount on any day
agrees with them, and nothing has to run at midnight.

A `facts_deferred()` block collects the ids of every refresh inside it and recomputes them
once at its end (still inside the caller's transaction): for imports that call the services
row by row.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from threading import local

from django.db import connection, transaction
from django.db.models import Case, Count, DateField, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

__all__ = [
    "Differences",
    "facts_deferred",
    "facts_recount",
    "facts_refresh",
    "facts_refresh_court",
    "term_ends_on",
]

CHUNK = 2000  # ids per IN list (SQLite's limit on variables is far above it)
FULL, PROBATIONARY = "full", "probationary"
SECRETARY = "secretary"
ELECTED_KINDS = ("organ_committee", "general_branch", "branch")  # PartyOrganisation's


class _Models:
    """The models the computation reads: the real ones, or a migration's historical ones."""

    def __init__(self, apps=None):
        get = apps.get_model if apps is not None else _real_model
        self.Organisation = get("orgs", "PartyOrganisation")
        self.Facts = get("orgs", "OrganisationFacts")
        self.Unassigned = get("orgs", "UnassignedMember")
        self.Post = get("orgs", "CommitteePost")
        self.Term = get("orgs", "CommitteeTerm")
        self.Person = get("people", "Person")
        self.Membership = get("people", "Membership")


def _real_model(app: str, name: str):
    from django.apps import apps

    return apps.get_model(app, name)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _ids(values) -> list[int]:
    """Ids from ids, objects, or a queryset (of objects or of ids), without duplicates."""
    if isinstance(values, QuerySet):
        return sorted(set(values.order_by().values_list("pk", flat=True)))
    out = set()
    for value in values:
        if value is None:
            continue
        out.add(int(getattr(value, "pk", value)))
    return sorted(out)


# The figures: one definition ------------------------------------------------------------


def _org_rows(m: _Models, ids: list[int] | None) -> dict[int, dict]:
    """The facts of the given organisations (all with None), by organisation id, as field
    values: six grouped queries per chunk of ids."""
    out: dict[int, dict] = {}
    for chunk in [None] if ids is None else _chunks(ids):
        out.update(_org_rows_chunk(m, chunk))
    return out


def _org_rows_chunk(m: _Models, ids: list[int] | None) -> dict[int, dict]:
    def of(qs, field: str = "organisation_id"):
        qs = qs.order_by()  # default orderings would join or sort for nothing
        return qs if ids is None else qs.filter(**{f"{field}__in": ids})

    rows: dict[int, dict] = {}
    for pk, court_id, court_path, path, kind, active in of(
        m.Organisation.objects, "pk"
    ).values_list("pk", "court_id", "court__path", "path", "kind", "is_active"):
        rows[pk] = {
            "court_id": court_id,
            "court_path": court_path,
            "path": path,
            "kind": kind,
            "is_active": active,
            "checked": active and kind in ELECTED_KINDS,
            "full": 0,
            "probationary": 0,
            "committee": 0,
            "secretary": False,
            "last_starts": None,
            "last_ends": None,
            "prev_starts": None,
            "prev_ends": None,
        }
    members = of(m.Membership.objects).filter(
        ends_on__isnull=True,
        person__is_active=True,
        person__political_status__in=[FULL, PROBATIONARY],
    )
    for org_id, status, n in members.values_list(
        "organisation_id", "person__political_status"
    ).annotate(n=Count("id")):
        if org_id in rows:
            rows[org_id]["full" if status == FULL else "probationary"] = n
    posts = of(m.Post.objects).filter(ends_on__isnull=True)
    for org_id, n, secretaries in posts.values_list("organisation_id").annotate(
        n=Count("id"), secretaries=Count("id", filter=Q(post=SECRETARY))
    ):
        if org_id in rows:
            rows[org_id]["committee"] = n
            rows[org_id]["secretary"] = secretaries > 0
    seen: dict[int, int] = defaultdict(int)
    # A term's "end" here is when its election is due: an approved postponement's date, else
    # the scheduled end (health warns of that day, and names it).
    for org_id, starts, ends in (
        of(m.Term.objects)
        .order_by("organisation_id", "-starts_on")
        .annotate(due=Coalesce("postponed_until", "ends_on"))
        .values_list("organisation_id", "starts_on", "due")
    ):
        row = rows.get(org_id)
        if row is None or seen[org_id] >= 2:
            continue
        prefix = "last" if seen[org_id] == 0 else "prev"
        row[f"{prefix}_starts"], row[f"{prefix}_ends"] = starts, ends
        seen[org_id] += 1
    return rows


def _unassigned_rows(m: _Models, ids: list[int] | None) -> dict[int, dict]:
    """Of the given people (everyone with None): the full and probationary members on the
    staff without an open membership, with their court's path and staff number, by id."""
    out: dict[int, dict] = {}
    for chunk in [None] if ids is None else _chunks(ids):
        people = m.Person.objects.filter(
            is_active=True, political_status__in=[FULL, PROBATIONARY]
        ).order_by()
        members = m.Membership.objects.filter(ends_on__isnull=True).order_by()
        if chunk is not None:
            people = people.filter(pk__in=chunk)
            members = members.filter(person_id__in=chunk)
        placed = set(members.values_list("person_id", flat=True))
        for pk, court_path, number in people.values_list("pk", "court__path", "staff_number"):
            if pk not in placed:
                out[pk] = {"court_path": court_path, "staff_number": number}
    return out


# Writing --------------------------------------------------------------------------------


ORG_FIELDS = (
    "court_id",
    "court_path",
    "path",
    "kind",
    "is_active",
    "checked",
    "full",
    "probationary",
    "committee",
    "secretary",
    "last_starts",
    "last_ends",
    "prev_starts",
    "prev_ends",
)
PERSON_FIELDS = ("court_path", "staff_number")


def _write(model, key: str, fields, rows: dict[int, dict], ids: list[int] | None) -> None:
    """Upsert the computed rows (by `key`, the primary key) and drop the rows of the given
    ids (all with None) that were not computed: organisations no longer there, people no
    longer unassigned."""
    model.objects.bulk_create(
        [model(**{key: pk}, **values) for pk, values in rows.items()],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=[key.removesuffix("_id")],
        update_fields=[name.removesuffix("_id") for name in fields],
    )
    if ids is None:
        gone = set(model.objects.values_list("pk", flat=True)) - set(rows)
    else:
        gone = set(ids) - set(rows)
    for chunk in _chunks(sorted(gone)):
        model.objects.filter(pk__in=chunk).delete()


class _Pending(local):
    def __init__(self):
        self.depth = 0
        self.orgs: set[int] = set()
        self.people: set[int] = set()


_pending = _Pending()


def facts_refresh(org_ids: Iterable = (), *, person_ids: Iterable = ()) -> None:
    """Recompute the facts of these organisations and people (ids, objects or querysets)
    from the source tables; call it inside the transaction that changed them. A person's
    facts are whether they are an unassigned member and the counts of the organisation of
    their open membership, so that organisation is refreshed with them. Inside a
    `facts_deferred()` block the ids are collected and recomputed once at its end."""
    orgs, people = _ids(org_ids), _ids(person_ids)
    if _pending.depth:
        _pending.orgs.update(orgs)
        _pending.people.update(people)
        return
    _refresh(orgs, people)


def facts_refresh_court(court) -> None:
    """After a court moved (its subtree's paths rewritten): the facts that copy those court
    paths, of its organisations and of its unassigned members."""
    from tongxin.orgs.models import PartyOrganisation, UnassignedMember

    facts_refresh(
        PartyOrganisation.objects.filter(court__path__startswith=court.path),
        person_ids=UnassignedMember.objects.filter(person__court__path__startswith=court.path),
    )


def _refresh(orgs: list[int], people: list[int]) -> None:
    if not orgs and not people:
        return
    m = _Models()
    with transaction.atomic():
        if people:  # a person counts in the organisation of their open membership
            orgs = sorted(set(orgs) | _open_organisations(m, people))
        # Lock the rows first (PostgreSQL; SQLite has one writer at a time): a concurrent
        # refresh of the same organisation waits for this transaction, then counts again
        # with what it committed, so neither overwrites the other with an older count.
        for chunk in _chunks(orgs) if connection.features.has_select_for_update else ():
            list(
                m.Facts.objects.select_for_update()
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk")
            )
        if orgs:
            _write(m.Facts, "organisation_id", ORG_FIELDS, _org_rows(m, orgs), orgs)
        if people:
            _write(m.Unassigned, "person_id", PERSON_FIELDS, _unassigned_rows(m, people), people)


def _open_organisations(m: _Models, people: list[int]) -> set[int]:
    out: set[int] = set()
    for chunk in _chunks(people):
        out |= set(
            m.Membership.objects.filter(person_id__in=chunk, ends_on__isnull=True)
            .order_by()
            .values_list("organisation_id", flat=True)
        )
    return out


@contextmanager
def facts_deferred():
    """Collect every `facts_refresh` inside the block and run them once at its end (inside
    the caller's transaction, if any): an import that calls the services for thousands of
    rows recomputes each touched organisation once."""
    _pending.depth += 1
    try:
        yield
    except BaseException:
        _pending.depth -= 1
        if not _pending.depth:
            _pending.orgs.clear()
            _pending.people.clear()
        raise
    _pending.depth -= 1
    if not _pending.depth:
        orgs, people = sorted(_pending.orgs), sorted(_pending.people)
        _pending.orgs.clear()
        _pending.people.clear()
        _refresh(orgs, people)


# The full recount -----------------------------------------------------------------------


@dataclass
class Differences:
    """What the stored facts get wrong, compared with a full recount: for organisations and
    for unassigned people, the ids without a row, the rows of no one, and the rows with wrong
    values (id: field: (stored, recounted))."""

    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    wrong: dict[int, dict[str, tuple]] = field(default_factory=dict)
    people_missing: list[int] = field(default_factory=list)
    people_extra: list[int] = field(default_factory=list)
    people_wrong: dict[int, dict[str, tuple]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(vars(self).values())

    def lines(self, limit: int = 20) -> list[str]:
        """The differences, for a person to read (at most `limit` of each kind)."""
        out = []
        for label, ids in (
            ("organisations without facts", self.missing),
            ("facts rows of no organisation", self.extra),
            ("unassigned members not recorded", self.people_missing),
            ("people recorded as unassigned who are not", self.people_extra),
        ):
            if ids:
                more = f" (and {len(ids) - limit} more)" if len(ids) > limit else ""
                out.append(f"{len(ids)} {label}: {', '.join(map(str, ids[:limit]))}{more}")
        for label, wrong in (
            ("organisation", self.wrong),
            ("unassigned person", self.people_wrong),
        ):
            for pk, fields in list(wrong.items())[:limit]:
                detail = "; ".join(
                    f"{name} {stored!r} (recount {counted!r})"
                    for name, (stored, counted) in fields.items()
                )
                out.append(f"{label} {pk}: {detail}")
            if len(wrong) > limit:
                out.append(f"... and {len(wrong) - limit} more of them with wrong values")
        return out


def _compare(model, key: str, fields, counted: dict[int, dict]) -> tuple[list, list, dict]:
    stored = {row.pop(key): row for row in model.objects.values(key, *fields)}
    wrong = {}
    for pk in sorted(set(counted) & set(stored)):
        bad = {
            name: (stored[pk][name], value)
            for name, value in counted[pk].items()
            if stored[pk][name] != value
        }
        if bad:
            wrong[pk] = bad
    return sorted(set(counted) - set(stored)), sorted(set(stored) - set(counted)), wrong


def facts_recount(*, write: bool = True, apps=None) -> Differences:
    """Recount every fact from the source tables and compare with what is stored; with
    `write` (the default) store the recount where it differs. `apps`: a migration's app
    registry (the historical models)."""
    m = _Models(apps)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql":
            if write:
                # No refresh runs meanwhile (they wait), and one that ran before has
                # committed: the recount reads what the services left.
                for model in (m.Facts, m.Unassigned):
                    with connection.cursor() as cursor:
                        cursor.execute(f"LOCK TABLE {model._meta.db_table} IN EXCLUSIVE MODE")
            elif outermost:
                # One snapshot for the sources and the facts: no difference is reported
                # for a change committed between two of the reads.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        orgs = _org_rows(m, None)
        people = _unassigned_rows(m, None)
        diff = Differences()
        diff.missing, diff.extra, diff.wrong = _compare(
            m.Facts, "organisation_id", ORG_FIELDS, orgs
        )
        diff.people_missing, diff.people_extra, diff.people_wrong = _compare(
            m.Unassigned, "person_id", PERSON_FIELDS, people
        )
        if write and diff:
            _write(m.Facts, "organisation_id", ORG_FIELDS, orgs, None)
            _write(m.Unassigned, "person_id", PERSON_FIELDS, people, None)
    return diff


# Reading --------------------------------------------------------------------------------


def term_ends_on(day: datetime.date):
    """An expression over OrganisationFacts: the end of the current committee term on `day`
    (the latest term begun on or before it), or NULL without one. The two stored terms
    answer for nearly every row; a row whose two latest terms both begin after `day` looks
    its terms up (a subquery evaluated for those rows only)."""
    from tongxin.orgs.models import CommitteeTerm

    begun = (
        CommitteeTerm.objects.filter(
            organisation_id=OuterRef("organisation_id"), starts_on__lte=day
        )
        .order_by("-starts_on")
        .annotate(due=Coalesce("postponed_until", "ends_on"))
        .values("due")[:1]
    )
    return Case(
        When(last_starts__lte=day, then=F("last_ends")),
        When(prev_starts__lte=day, then=F("prev_ends")),
        When(prev_starts__isnull=True, then=Value(None)),
        default=Subquery(begun),
        output_field=DateField(),
    )
