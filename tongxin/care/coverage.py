"""Yearly talk coverage: each committee member should talk with each member of the branch at
least once a year (domain.md section 3). Computed from the records, never entered.

The committee and the roster are those of one day of the year (`coverage_day`: the year's
last day, or today for the running year), read with the same definitions as the rosters
(`orgs.selectors.roster_on`, `posts_on`, or their set-based equivalents for many
organisations). A pair (committee member, member) is covered by a talk recorded in that
branch in that year. Every function here costs a fixed number of queries, whatever the size.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from tongxin.care.models import Talk
from tongxin.orgs.models import CommitteePost, PartyOrganisation
from tongxin.orgs.selectors import posts_on, roster_on


def coverage_day(year: int, today: datetime.date) -> datetime.date:
    """The day whose committee and roster a year's coverage is judged against."""
    return min(datetime.date(year, 12, 31), today) if year <= today.year else today


def year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


@dataclass
class Row:
    """One committee member's coverage: the members talked with and those still due."""

    person: object
    post: str
    done: list = field(default_factory=list)
    missing: list = field(default_factory=list)

    @property
    def due(self) -> int:
        return len(self.done) + len(self.missing)

    @property
    def share(self) -> float | None:
        return len(self.done) / self.due if self.due else None


@dataclass
class Coverage:
    organisation: PartyOrganisation
    year: int
    on: datetime.date
    members: list
    rows: list[Row]

    @property
    def due(self) -> int:
        return sum(row.due for row in self.rows)

    @property
    def done(self) -> int:
        return sum(len(row.done) for row in self.rows)

    @property
    def share(self) -> float | None:
        return self.done / self.due if self.due else None

    @property
    def gaps(self) -> list[tuple[object, object]]:
        return [(row.person, person) for row in self.rows for person in row.missing]

    def matrix(self) -> list[tuple[object, list[bool | None]]]:
        """Each member with, per committee member, talked (True), not yet (False) or
        themselves (None)."""
        done = {(row.person.pk, p.pk) for row in self.rows for p in row.done}
        return [
            (
                member,
                [
                    None if row.person.pk == member.pk else (row.person.pk, member.pk) in done
                    for row in self.rows
                ],
            )
            for member in self.members
        ]


def branch_coverage(organisation: PartyOrganisation, year: int, today: datetime.date) -> Coverage:
    """One organisation's coverage for a year: three queries."""
    on = coverage_day(year, today)
    posts = posts_on(organisation=organisation, on=on)
    members = [m.person for m in roster_on(organisation=organisation, on=on)]
    start, end = year_range(year)
    pairs = set(
        Talk.objects.filter(organisation=organisation, held_on__range=(start, end))
        .values_list("talker_id", "person_id")
        .distinct()
    )
    rows = []
    for post in posts:
        row = Row(person=post.person, post=post.get_post_display())
        for member in members:
            if member.pk == post.person_id:
                continue
            (row.done if (post.person_id, member.pk) in pairs else row.missing).append(member)
        rows.append(row)
    return Coverage(organisation=organisation, year=year, on=on, members=members, rows=rows)


@dataclass
class Figures:
    """The coverage figures of one organisation (set-based, for lists)."""

    committee: int = 0
    members: int = 0
    due: int = 0
    done: int = 0

    @property
    def share(self) -> float | None:
        return self.done / self.due if self.due else None


def _on_day(on: datetime.date) -> Q:
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gt=on))


def coverage_figures(organisations, year: int, today: datetime.date) -> dict[int, Figures]:
    """Figures for many organisations (a list of ids or a queryset of ids): three queries.
    `organisations` may be a subquery (a whole court subtree): nothing is read per row."""
    from tongxin.people.models import Membership

    on = coverage_day(year, today)
    committee = defaultdict(set)
    for org_id, person_id in (
        CommitteePost.objects.filter(_on_day(on), organisation_id__in=organisations)
        .order_by()
        .values_list("organisation_id", "person_id")
    ):
        committee[org_id].add(person_id)
    members = defaultdict(set)
    for org_id, person_id in (
        Membership.objects.filter(_on_day(on), organisation_id__in=organisations)
        .order_by()
        .values_list("organisation_id", "person_id")
    ):
        members[org_id].add(person_id)
    start, end = year_range(year)
    done = defaultdict(int)
    for org_id, talker_id, person_id in (
        Talk.objects.filter(organisation_id__in=organisations, held_on__range=(start, end))
        .order_by()
        .values_list("organisation_id", "talker_id", "person_id")
        .distinct()
    ):
        if talker_id in committee.get(org_id, ()) and person_id in members.get(org_id, ()):
            done[org_id] += 1
    out = {}
    for org_id in set(committee) | set(members):
        ids, roster = committee.get(org_id, set()), members.get(org_id, set())
        due = sum(len(roster) - (1 if c in roster else 0) for c in ids)
        out[org_id] = Figures(committee=len(ids), members=len(roster), due=due, done=done[org_id])
    return out


def coverage_organisations(*, user, court: str = ""):
    """The organisations whose coverage the user sees (`talk.view`), in tree order;
    `court`: a court code, that court and those below."""
    from tongxin.core.permissions import Perm
    from tongxin.core.scoping import scope_for
    from tongxin.orgs.models import Court

    organisations = (
        scope_for(user)
        .visible(PartyOrganisation, Perm.TALK_VIEW)
        .filter(kind__in=PartyOrganisation.ELECTED_KINDS, is_active=True)
        .select_related("court")
        .order_by("path")
    )
    if court:
        target = Court.objects.filter(code=court).only("path").first()
        if target is None:
            return organisations.none()
        organisations = organisations.filter(court__path__startswith=target.path)
    return organisations


def coverage_totals(organisations, year: int, today: datetime.date) -> tuple[int, int]:
    """(pairs due, pairs held) over every organisation of a queryset: three queries."""
    figures = coverage_figures(organisations.order_by().values("pk"), year, today)
    return sum(f.due for f in figures.values()), sum(f.done for f in figures.values())


def person_year_facts(person_ids, year: int, today: datetime.date | None = None) -> dict:
    """For the evaluation app: per person, `talk_coverage` (for a committee member on the
    year's day: the share of their organisation's other members they talked with that year;
    None for others or an empty organisation) and `people_talked_with` (distinct people). Three queries."""
    from django.utils import timezone

    from tongxin.people.models import Membership

    today = today or timezone.localdate()
    on = coverage_day(year, today)
    person_ids = list(person_ids)
    facts = {pid: {"talk_coverage": None, "people_talked_with": 0} for pid in person_ids}
    posts = list(
        CommitteePost.objects.filter(_on_day(on), person_id__in=person_ids)
        .order_by()
        .values_list("person_id", "organisation_id")
    )
    org_ids = {org_id for _pid, org_id in posts}
    members = defaultdict(set)
    for org_id, person_id in (
        Membership.objects.filter(_on_day(on), organisation_id__in=org_ids)
        .order_by()
        .values_list("organisation_id", "person_id")
    ):
        members[org_id].add(person_id)
    start, end = year_range(year)
    talked = defaultdict(set)
    for talker_id, org_id, person_id in (
        Talk.objects.filter(talker_id__in=person_ids, held_on__range=(start, end))
        .order_by()
        .values_list("talker_id", "organisation_id", "person_id")
        .distinct()
    ):
        talked[talker_id].add((org_id, person_id))
        facts[talker_id]["people_talked_with"] += 1
    for person_id, org_id in posts:
        roster = members.get(org_id, set()) - {person_id}
        if roster:
            covered = {p for o, p in talked.get(person_id, ()) if o == org_id} & roster
            facts[person_id]["talk_coverage"] = len(covered) / len(roster)
    return facts
