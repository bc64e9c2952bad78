"""What organisational life tells the inbox (contract: tongxin.inbox.registry).

- `meetings.due`: before a required activity falls due (its period ends within REMIND_DAYS
  and it is not yet satisfied) and when it is overdue (the period and its record window have
  passed with a failing verdict), to the organisation's secretary of today. Event keys name
  the organisation, activity and period, so each reminder arrives once.
- `meetings.work`: meetings to attend (planned, next two weeks), to record (planned, date
  passed) and to sign off (held, not signed, where the user is the secretary).
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.inbox.registry import Draft, Waiting, reminder_source, waiting_source
from tongxin.meetings import compliance
from tongxin.meetings.models import Kind, Meeting
from tongxin.orgs.models import CommitteePost, PartyOrganisation

REMIND_DAYS = 14
OVERDUE_DAYS = 60  # overdue reminders for periods ended this recently
ATTEND_DAYS = 14
FAILING = {compliance.MISSING, compliance.QUORUM, compliance.MINUTES}


def _secretaries(today) -> dict[int, int]:
    """Organisation id → user id of its secretary today (one query)."""
    rows = (
        CommitteePost.objects.filter(post=CommitteePost.Post.SECRETARY, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        .filter(person__user__isnull=False, person__user__is_active=True)
        .values_list("organisation_id", "person__user_id")
    )
    return dict(rows)


def _verdicts(cells):
    """Every verdict of the cells (the heat map's grid: the same verdicts as the rule set run
    rule by rule, judged once per distinct pattern; a period's months in order)."""
    for cell in cells.values():
        yield from cell.verdicts


@reminder_source("meetings.due")
def due(today: datetime.date):
    secretaries = _secretaries(today)
    if not secretaries:
        return
    orgs = PartyOrganisation.objects.filter(pk__in=list(secretaries), is_active=True)
    first = (today - datetime.timedelta(days=OVERDUE_DAYS + 31)).replace(day=1)
    facts = compliance.load_facts(orgs, first, today.replace(day=1), today)
    seen = set()
    url_base = reverse("meetings:heatmap")
    for verdict in _verdicts(compliance.judge(facts)):
        if not verdict.period:
            continue
        start, end = verdict.period
        key = (verdict.organisation, verdict.rule, start)
        if key in seen:
            continue
        activity = Kind(verdict.rule).label
        user_id = secretaries[verdict.organisation]
        url = f"{url_base}?organisation={verdict.organisation}&period={start.year}"
        if verdict.code == compliance.NOT_DUE and today <= end <= today + datetime.timedelta(days=REMIND_DAYS) and not verdict.counted:  # fmt: skip
            seen.add(key)
            yield Draft(
                user_id=user_id,
                event_key=f"meetings.due:{verdict.organisation}:{verdict.rule}:{start.isoformat()}",
                subject=format_lazy(
                    _("{activity} of {org} is due by {day}"),
                    activity=activity,
                    org=verdict.subject,
                    day=end.isoformat(),
                ),  # fmt: skip
                body=format_lazy(
                    _("The period {start} – {end} has no meeting that counts yet."),
                    start=start.isoformat(),
                    end=end.isoformat(),
                ),  # fmt: skip
                url=url,
            )
        elif verdict.code in FAILING and end < today and (today - end).days <= OVERDUE_DAYS:
            seen.add(key)
            yield Draft(
                user_id=user_id,
                event_key=f"meetings.overdue:{verdict.organisation}:{verdict.rule}:{start.isoformat()}",
                subject=format_lazy(
                    _("{activity} of {org} is overdue"), activity=activity, org=verdict.subject
                ),  # fmt: skip
                body=format_lazy(
                    _("Period {start} – {end}: {verdict}."),
                    start=start.isoformat(),
                    end=end.isoformat(),
                    verdict=compliance.VERDICTS[verdict.code],
                ),  # fmt: skip
                url=url,
            )


@waiting_source("meetings.work")
def waiting(user) -> list[Waiting]:
    """Meetings to attend, to record and to sign off (three or four queries)."""
    from django.utils import timezone

    from tongxin.meetings.selectors import person_meetings
    from tongxin.people.models import Person

    today = timezone.localdate()
    scope = scope_for(user)
    out = []
    person = Person.objects.filter(user=user).first()
    if person is not None:
        attend = (
            person_meetings(person, today, today + datetime.timedelta(days=ATTEND_DAYS))
            .filter(status=Meeting.Status.PLANNED)
            .count()
        )
        if attend:
            out.append(Waiting(_("Meetings to attend"), attend, reverse("meetings:my-calendar")))
    if scope.has(Perm.MEETING_CHANGE):
        record = (
            scope.visible(Meeting, Perm.MEETING_CHANGE)
            .filter(status=Meeting.Status.PLANNED, held_on__lte=today)
            .count()
        )
        if record:
            out.append(Waiting(_("Meetings to record"), record, reverse("meetings:meeting-list") + "?status=planned"))  # fmt: skip
    if person is not None:
        sign = Meeting.objects.filter(
            status=Meeting.Status.HELD,
            signed_off_at__isnull=True,
            organisation__posts__person=person,
            organisation__posts__post=CommitteePost.Post.SECRETARY,
            organisation__posts__ends_on__isnull=True,
        ).count()
        if sign:
            out.append(Waiting(_("Meetings to sign off"), sign, reverse("meetings:meeting-list") + "?status=held"))  # fmt: skip
    return out
