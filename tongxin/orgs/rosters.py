"""The roster (花名册) of a Party organisation on a day: its members with their Party status
on that day, their Party cell and the committee posts they held, with the counts.

Two queries whatever the size of the roster: the memberships of that day
(`selectors.roster_on`, with person, department, organisation and cell) and the posts the
members held that day. The organisation page, its .xlsx and PDF exports and the API all read
a roster through `roster_build`, so they agree.

Whose members: a branch's roster is its own members (its Party cells are a column, not
separate rosters); a Party cell's roster is the members placed in it that day; an organ
committee or a general branch lists its own direct members, or with `subtree` the members
of every organisation below it too (with an organisation column).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tongxin.core.listing import Column
from tongxin.orgs.models import CommitteePost, PartyOrganisation
from tongxin.orgs.selectors import roster_on
from tongxin.people.models import Membership, Person

Status = Person.PoliticalStatus
# Kinds whose page offers "with sub-organisations" (members sit in the organisations below).
SUBTREE_KINDS = (PartyOrganisation.Kind.ORGAN_COMMITTEE, PartyOrganisation.Kind.GENERAL_BRANCH)


def status_on(person: Person, on: datetime.date) -> str:
    """A member's Party status on a day, from the dates recorded: full from the date of full
    membership, probationary from joining until then. Without dates, the current status
    when the person is a member today; "" (unknown) for someone who has left the Party since
    (whose dates are no longer recorded)."""
    if person.full_member_on is not None:
        if person.full_member_on <= on:
            return Status.FULL
        if person.joined_party_on is not None and person.joined_party_on <= on:
            return Status.PROBATIONARY
    if person.political_status in (Status.FULL, Status.PROBATIONARY):
        if person.political_status == Status.FULL and person.full_member_on is not None:
            return Status.PROBATIONARY  # full today, not yet on that day
        return person.political_status
    return ""


@dataclass
class RosterRow:
    number: int
    membership: Membership
    status: str  # a PoliticalStatus value on the day, or "" when unknown
    posts: list[CommitteePost] = field(default_factory=list)  # held on the day, anywhere

    @property
    def person(self) -> Person:
        return self.membership.person

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label) if self.status else "—"

    @property
    def cell(self) -> PartyOrganisation | None:
        return self.membership.cell

    @property
    def organisation(self) -> PartyOrganisation:
        return self.membership.organisation

    @property
    def post_labels(self) -> list[str]:
        """Each post's name, with the organisation's for a post outside the member's own
        (书记, or 书记（机关党委）)."""
        labels = []
        for post in self.posts:
            label = str(post.get_post_display())
            if post.organisation_id != self.membership.organisation_id:
                label = f"{label}（{post.organisation.name_zh}）"
            labels.append(label)
        return labels


@dataclass
class Roster:
    organisation: PartyOrganisation
    on: datetime.date
    subtree: bool
    rows: list[RosterRow]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def full(self) -> int:
        return sum(1 for row in self.rows if row.status == Status.FULL)

    @property
    def probationary(self) -> int:
        return sum(1 for row in self.rows if row.status == Status.PROBATIONARY)

    @property
    def cells(self) -> dict[int, int]:
        """Members per Party cell (cell id → count) on the day."""
        counts: dict[int, int] = defaultdict(int)
        for row in self.rows:
            if row.membership.cell_id:
                counts[row.membership.cell_id] += 1
        return dict(counts)

    def counts_text(self) -> str:
        return _(
            "Full members: %(full)s · probationary members: %(probationary)s · total: %(total)s"
        ) % {"full": self.full, "probationary": self.probationary, "total": self.total}

    def filename(self, extension: str) -> str:
        """花名册-<organisation>-<date>.<extension> (Chinese: the document's name in courts)."""
        return f"花名册-{self.organisation.name_zh}-{self.on.isoformat()}.{extension}"

    def columns(self) -> list[Column]:
        """The roster's columns for the exports (names as recorded: Chinese)."""
        return [column for column, _fits in self._columns()]

    def fitted(self) -> list[bool]:
        """Per column: short values a printed roster keeps on one line (names, dates...)."""
        return [fits for _column, fits in self._columns()]

    def _columns(self) -> list[tuple[Column, bool]]:
        columns = [
            (Column(_("No."), lambda r: r.number), True),
            (Column(pgettext("person", "Name"), lambda r: r.person.name), True),
            (Column(_("Gender"), lambda r: r.person.get_gender_display()), True),
            (Column(_("Staff number"), lambda r: r.person.staff_number), True),
            (
                Column(
                    _("Department"),
                    lambda r: r.person.department.name_zh if r.person.department_id else "",
                ),
                False,
            ),
        ]
        if self.subtree:
            columns.append((Column(_("Organisation"), lambda r: r.organisation.name_zh), False))
        columns += [
            (Column(_("Political status"), lambda r: r.status_label if r.status else ""), True),
            (Column(_("Joined the Party on"), lambda r: r.person.joined_party_on), True),
            (Column(_("Full member since"), lambda r: r.person.full_member_on), True),
            (Column(_("Party cell"), lambda r: r.cell.name_zh if r.cell else ""), False),
            (Column(_("Posts"), lambda r: "、".join(r.post_labels)), False),
        ]
        return columns

    def table(self) -> tuple[list[str], list[list]]:
        """Headers and rows of plain values, for the exports."""
        columns = self.columns()
        return [str(c.header) for c in columns], [
            [c.value(row) for c in columns] for row in self.rows
        ]


def posts_held(person_ids, on: datetime.date) -> dict[int, list[CommitteePost]]:
    """The committee posts each of these people held on a day (in any organisation), in one
    query: person id → posts, secretary first."""
    rank = {post: n for n, post in enumerate(CommitteePost.Post.values)}
    rows = (
        CommitteePost.objects.filter(person_id__in=list(person_ids), starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))
        .select_related("organisation")
        .order_by()
    )
    held: dict[int, list[CommitteePost]] = defaultdict(list)
    for post in sorted(rows, key=lambda p: (rank[p.post], p.starts_on, p.pk)):
        held[post.person_id].append(post)
    return held


def roster_build(
    *, organisation: PartyOrganisation, on: datetime.date, subtree: bool = False
) -> Roster:
    """The roster of `organisation` on `on` in two queries (see the module docstring);
    `subtree` counts only for the kinds with organisations below (SUBTREE_KINDS)."""
    subtree = subtree and organisation.kind in SUBTREE_KINDS
    memberships = list(roster_on(organisation=organisation, on=on, subtree=subtree))
    held = posts_held({m.person_id for m in memberships}, on) if memberships else {}
    rows = [
        RosterRow(
            number=n,
            membership=m,
            status=status_on(m.person, on),
            posts=held.get(m.person_id, []),
        )
        for n, m in enumerate(memberships, start=1)
    ]
    return Roster(organisation=organisation, on=on, subtree=subtree, rows=rows)
