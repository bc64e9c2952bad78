"""Reads of organisational life, each starting from the user's scope."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from tongxin.core.listing import Filters
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.meetings import compliance
from tongxin.meetings.defaults import STUDY_HOURS_MEMBER, STUDY_HOURS_SECRETARY
from tongxin.meetings.models import STUDY_KINDS, Attendance, Meeting
from tongxin.orgs.models import CommitteePost, Court, PartyOrganisation


@dataclass
class MeetingFilters(Filters):
    q: str = ""
    organisation: str = ""  # an organisation id: its meetings (joint ones included)
    kind: str = ""
    status: str = ""
    year: str = ""


def meeting_list(*, user, filters: MeetingFilters):
    qs = scope_for(user).visible(Meeting).select_related("organisation")
    if filters.q:
        qs = qs.filter(topic__icontains=filters.q)
    if filters.organisation.isdigit():
        qs = qs.filter(participants__organisation_id=int(filters.organisation))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year.isdigit() and 1900 < int(filters.year) < 3000:
        qs = qs.filter(held_on__year=int(filters.year))
    return qs.order_by("-held_on", "-id")


# Periods --------------------------------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{1,2})))?$")


def parse_period(text: str, today: datetime.date | None = None):
    """'2026' (the year), '2026-Q3' or '2026-05' → (first day, last day); None if invalid."""
    today = today or timezone.localdate()
    text = (text or "").strip() or str(today.year)
    match = _PERIOD.match(text)
    if not match:
        return None
    year = int(match.group(1))
    if not 1990 <= year <= 2100:
        return None
    if match.group(2):
        q = int(match.group(2))
        first = datetime.date(year, 3 * q - 2, 1)
        return first, compliance.month_end(datetime.date(year, 3 * q, 1))
    if match.group(3):
        month = int(match.group(3))
        if not 1 <= month <= 12:
            return None
        first = datetime.date(year, month, 1)
        return first, compliance.month_end(first)
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def compliance_orgs(*, user, court=None, organisation=None):
    """The organisations a heat map covers: a court's subtree or an organisation's, within
    the user's reach of compliance.view, active, in tree order."""
    qs = scope_for(user).visible(PartyOrganisation, Perm.COMPLIANCE_VIEW)
    if organisation is not None:
        qs = qs.filter(path__startswith=organisation.path)
    elif court is not None:
        qs = qs.filter(court__path__startswith=court.path)
    return qs.filter(is_active=True).order_by("path")


def heatmap(orgs_qs, first, last, today=None):
    """(facts, cells) for the organisations of `orgs_qs` (a page of them, or all)."""
    facts = compliance.load_facts(orgs_qs, first, last, today or timezone.localdate())
    return facts, compliance.judge(facts)


def find_court(user, code: str):
    if not code:
        return None
    return scope_for(user).visible(Court, Perm.COMPLIANCE_VIEW).filter(code=code).first()


# People ---------------------------------------------------------------------------------


def person_year_facts(person_ids, year: int) -> dict[int, dict]:
    """Per person: attendance rate (present / expected, leave excused from the expected) and
    study hours (hours of study meetings attended) against the yearly requirement, for the
    held meetings of `year`. Two queries whatever the number of people. A person with no
    attendance recorded in the year (the organisation kept no records here then) has no
    rate and no study hours (None: "no record", left out by the appraisal), not zero."""
    ids = list(person_ids)
    rows = (
        Attendance.objects.filter(
            person_id__in=ids, meeting__status="held", meeting__held_on__year=year
        )
        .values("person_id")
        .annotate(
            expected=Count("id", filter=~Q(status="leave")),
            present=Count("id", filter=Q(status="present")),
            leave=Count("id", filter=Q(status="leave")),
            study=Sum("meeting__hours", filter=Q(status="present", meeting__kind__in=STUDY_KINDS)),
        )
        .order_by()
    )
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    secretaries = set(
        CommitteePost.objects.filter(
            person_id__in=ids, post=CommitteePost.Post.SECRETARY, starts_on__lte=last
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=first))
        .values_list("person_id", flat=True)
    )
    out = {
        pk: {
            "attendance_rate": None,
            "present": 0,
            "expected": 0,
            "leave": 0,
            "study_hours": None,
            "study_required": STUDY_HOURS_SECRETARY if pk in secretaries else STUDY_HOURS_MEMBER,
        }
        for pk in ids
    }
    for row in rows:
        entry = out[row["person_id"]]
        entry["expected"], entry["present"], entry["leave"] = (
            row["expected"], row["present"], row["leave"],
        )  # fmt: skip
        entry["attendance_rate"] = (
            round(row["present"] / row["expected"], 4) if row["expected"] else None
        )
        entry["study_hours"] = float(row["study"] or 0)
    return out


def person_org_ids(person, first, last) -> list[int]:
    """The organisations (and cells) a person belonged to at some time between two days."""
    from tongxin.people.models import Membership

    rows = (
        Membership.objects.filter(person=person, starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=first))
        .values_list("organisation_id", "cell_id")
    )
    return sorted({x for row in rows for x in row if x})


def person_meetings(person, first, last):
    """Meetings of the person's organisations between two days, and those they attended."""
    orgs = person_org_ids(person, first, last)
    return (
        Meeting.objects.filter(held_on__gte=first, held_on__lte=last)
        .filter(Q(participants__organisation_id__in=orgs) | Q(attendance__person=person))
        .select_related("organisation")
        .distinct()
        .order_by("held_on", "starts_at", "id")
    )


def organisation_meetings(organisation, first, last):
    return (
        Meeting.objects.filter(
            participants__organisation=organisation, held_on__gte=first, held_on__lte=last
        )
        .select_related("organisation")
        .order_by("held_on", "starts_at", "id")
    )
