"""Meetings for tests, written through the services where the behaviour matters and
directly where a test needs a given state quickly."""

import datetime

from django.utils import timezone

from tongxin.meetings import services
from tongxin.meetings.models import Attendance, Meeting, MeetingOrganisation


def meeting(org, *, kind="general", held_on=None, status="planned", topic="议题", joint=()):
    m = Meeting.objects.create(
        organisation=org, kind=kind, held_on=held_on or timezone.localdate(),
        status=status, topic=topic,
    )  # fmt: skip
    MeetingOrganisation.objects.bulk_create(
        [MeetingOrganisation(meeting=m, organisation=o) for o in {org, *joint}]
    )
    return m


def held(org, *, kind="general", held_on, present=None, minutes="<p>纪要</p>", signed=True, joint=()):  # fmt: skip
    """A held meeting with attendance from the roster: `present` people present (all when
    None), minutes and sign-off as asked. Written directly (the state, not the journey)."""
    m = meeting(org, kind=kind, held_on=held_on, status="held", joint=joint)
    rows = services.expected(m)
    n = len(rows) if present is None else present
    Attendance.objects.bulk_create(
        Attendance(meeting=m, person=p, organisation=o, voting=v,
                   status="present" if i < n else "absent")
        for i, (p, o, v) in enumerate(rows)
    )  # fmt: skip
    m.minutes = minutes or ""
    if signed:
        m.signed_off_at = timezone.now()
    m.save()
    return m


def first_of(year, month):
    return datetime.date(year, month, 1)


def sample_list_rows(world):
    """A row for each list of this app (tests/core/test_exports.py)."""
    held(world.branch, held_on=datetime.date(2025, 3, 10))
    meeting(world.branch, held_on=datetime.date(2025, 4, 10))
