"""What the organisation-health rules read (`tongxin.orgs.health`): the maintained facts rows
within a user's reach, as querysets the rules filter with their conditions, and the plain rows
a page of findings shows."""

from __future__ import annotations

import datetime
from functools import cached_property
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Func, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from tongxin.core.permissions import Perm
from tongxin.core.rules import Settings
from tongxin.core.scoping import scope_for
from tongxin.orgs.facts import term_ends_on
from tongxin.orgs.models import OrganisationFacts, UnassignedMember
from tongxin.people.models import Person


class OrgFacts(NamedTuple):
    """An organisation as the rules see it (plain values)."""

    pk: int
    kind: str
    name: str
    court: str
    url: str
    full: int  # active full members with an open membership
    committee: int  # open committee posts
    secretary: bool  # an open secretary post
    term_ends: datetime.date | None  # end of the current term (the latest begun), if any


class PersonFacts(NamedTuple):
    pk: int
    name: str
    court: str
    url: str
    status: str  # political status, displayed


def url_format(name: str):
    """A formatter for `reverse(name, args=[pk])`: one reverse, not one per finding."""
    sentinel = 918273645
    return reverse(name, args=[sentinel]).replace(str(sentinel), "{}").format


class HealthFacts:
    """What the health rules read: the facts rows of the organisations in reach (active, of
    the kinds that elect a committee) and the unassigned members in reach, as querysets;
    the rules filter them with their conditions."""

    def __init__(self, *, organisations, people, today: datetime.date, probationers=None):
        self.today = today
        # Probationary members in reach (the conversion rules).
        self.probationers = probationers if probationers is not None else Person.objects.none()
        # Querysets, already scoped and filtered; the current term's end as of `today`.
        self.organisations = organisations.alias(term_ends=term_ends_on(today))
        self.people = people
        english = (get_language() or "").startswith("en")
        self._bilingual = lambda zh, en: en if english and en else zh  # as Bilingual.name
        self._counts: dict[tuple, dict[str, int]] = {}

    def counts(self, settings: Settings) -> dict[str, int]:
        """Every enabled rule's count, by code, in one statement of one count per rule (each
        served by its index): `SELECT (SELECT COUNT(*) ...), (SELECT COUNT(*) ...), ...`."""
        key = tuple(sorted(settings.items()))
        if key not in self._counts:
            parts = {
                code: rule.counted(self, settings)
                for code, rule in settings.ruleset.items()
                if settings.enabled(code)
            }
            self._counts[key] = _count_all(parts)
        return self._counts[key]

    @cached_property
    def _not_begun(self) -> dict[int, datetime.date | None] | None:
        """Organisations in reach whose latest recorded term begins after `today`, with the
        end of their current term (an earlier one, or None): few for today (a term recorded
        ahead of time), so they are looked up once and named by id in the conditions. None
        when there are many (a day long past): the conditions then use the expression."""
        rows = list(
            self.organisations.filter(last_starts__gt=self.today)
            .annotate(ends=F("term_ends"))
            .order_by()
            .values_list("pk", "ends")[: self.NOT_BEGUN_MAX + 1]
        )
        return None if len(rows) > self.NOT_BEGUN_MAX else dict(rows)

    NOT_BEGUN_MAX = 500

    def not_begun(self, test, expression: Q) -> Q:
        """The organisations whose latest term has not begun by `today` and whose current
        term's end (None: no current term) passes `test`; `expression` says the same in SQL
        over the `term_ends` expression, for when there are too many to name."""
        found = self._not_begun
        if found is None:
            return Q(last_starts__gt=self.today) & expression
        return Q(pk__in=sorted(pk for pk, ends in found.items() if test(ends)))

    def org_rows(self, condition: Q, start: int = 0, stop: int | None = None) -> list[OrgFacts]:
        """The organisations meeting `condition`, in tree order (a slice of them)."""
        url = url_format("orgs:organisation-detail")
        name = self._bilingual
        found = self.organisations.filter(condition)
        if start or stop is not None:  # the window from the facts alone, then the names
            window = found.order_by("path").values("pk")[start:stop]
            found = self.organisations.filter(pk__in=Subquery(window))
        rows = (
            found.annotate(ends=F("term_ends"))
            .order_by("path")
            .values_list(
                "pk",
                "kind",
                "organisation__name_zh",
                "organisation__name_en",
                "court__name_zh",
                "court__name_en",
                "full",
                "committee",
                "secretary",
                "ends",
            )
        )
        return [
            OrgFacts(pk, kind, name(zh, en), name(court_zh, court_en), url(pk), *figures)
            for pk, kind, zh, en, court_zh, court_en, *figures in rows
        ]

    def unassigned(self, start: int = 0, stop: int | None = None) -> list[PersonFacts]:
        """Full and probationary members without an open membership anywhere, by court."""
        statuses = dict(Person.PoliticalStatus.choices)
        url = url_format("people:person-detail")
        name = self._bilingual
        order = ("court_path", "staff_number")
        people = self.people
        if start or stop is not None:
            # The window is taken from this table alone (its index is in list order), then
            # joined to the people: the join never sees more than the page.
            window = people.order_by(*order).values("pk")[start:stop]
            people = people.filter(pk__in=Subquery(window))
        rows = people.order_by(*order).values_list(
            "person_id",
            "person__name",
            "person__court__name_zh",
            "person__court__name_en",
            "person__political_status",
        )
        return [
            PersonFacts(pk, person, name(court_zh, court_en), url(pk), str(statuses[status]))
            for pk, person, court_zh, court_en, status in rows
        ]


def _count_all(querysets: dict) -> dict[str, int]:
    """The number of rows of each queryset, in one database round trip."""
    out = dict.fromkeys(querysets, 0)
    parts, params, codes = [], [], []
    for code, queryset in querysets.items():
        counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
        try:
            sql, part = counted.query.get_compiler(queryset.db).as_sql()
        except EmptyResultSet:  # e.g. none(): nothing to count
            continue
        parts.append(f"({sql})")
        params.extend(part)
        codes.append(code)
    if parts:
        with connections[next(iter(querysets.values())).db].cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)}", params)
            out.update(zip(codes, cursor.fetchone(), strict=True))
    return out


def facts_load(
    *, user, court=None, organisation=None, today: datetime.date | None = None
) -> HealthFacts:
    """The facts within the user's reach: a court subtree if one is given, or one
    organisation alone (its own rules, not its sub-organisations' or people's)."""
    scope = scope_for(user)
    orgs = scope.visible(OrganisationFacts, Perm.HEALTH_VIEW).filter(checked=True)
    people = scope.visible(UnassignedMember, Perm.HEALTH_VIEW)
    if court is not None:
        orgs = orgs.filter(court_path__startswith=court.path)
        people = people.filter(court_path__startswith=court.path)
    probationers = scope.visible(Person, Perm.HEALTH_VIEW).filter(
        is_active=True, political_status=Person.PoliticalStatus.PROBATIONARY
    )
    if court is not None:
        probationers = probationers.filter(court__path__startswith=court.path)
    if organisation is not None:
        orgs = orgs.filter(pk=organisation.pk)
        people = people.none()
        probationers = probationers.filter(
            memberships__organisation=organisation, memberships__ends_on__isnull=True
        )
    return HealthFacts(
        organisations=orgs,
        people=people,
        today=today or timezone.localdate(),
        probationers=probationers,
    )
