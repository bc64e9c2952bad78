"""Every write of organisational life: keyword-only, the acting user first, one transaction
each, audited. A signed-off meeting is locked: a change needs a reason and leaves a
`Correction` (before and after) shown on the meeting's page."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.audit import audit_record, snapshot
from tongxin.core.exceptions import ApplicationError
from tongxin.lib.richtext import clean_html, has_active_content
from tongxin.lib.uploads import check_upload
from tongxin.meetings.models import (
    Attachment,
    Attendance,
    CalendarFeed,
    Correction,
    Critique,
    Meeting,
    MeetingIssue,
    MeetingOrganisation,
)
from tongxin.orgs.models import CommitteePost
from tongxin.orgs.rosters import status_on
from tongxin.orgs.selectors import posts_on, roster_on

MEETING_FIELDS = (
    "kind", "held_on", "starts_at", "hours", "place", "topic", "topic_approved_on", "host",
    "speaker",
)  # fmt: skip


def _refuse(message, field: str | None = None):
    raise ApplicationError(message, {field: [message]} if field else None)


def _state(meeting: Meeting) -> dict:
    data = snapshot(meeting)
    data["attendance"] = {
        str(p): [s, r]
        for p, s, r in meeting.attendance.order_by("person_id").values_list(
            "person_id", "status", "reason"
        )
    }
    return data


def _correction_guard(meeting: Meeting, reason: str) -> None:
    if meeting.locked and not (reason or "").strip():
        _refuse(
            _("This record is signed off: give the reason for the correction."),
            "correction_reason",
        )


def _trace(*, actor, meeting: Meeting, before: dict, reason: str, action: str) -> None:
    after = _state(meeting)
    if before == after:
        return
    if meeting.locked and before.get("signed_off_at"):
        changed = {k for k in after if before.get(k) != after.get(k)}
        Correction.objects.create(
            meeting=meeting,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=getattr(actor, "username", "") or "system",
            reason=reason.strip(),
            before={k: before.get(k) for k in changed},
            after={k: after.get(k) for k in changed},
        )
    audit_record(actor=actor, action=action, obj=meeting, before=before, after=after)


def _check_dates(*, status: str, held_on: datetime.date) -> None:
    if status == Meeting.Status.HELD and held_on > timezone.localdate():
        _refuse(_("A meeting dated in the future cannot be recorded as held."), "held_on")


@transaction.atomic
def meeting_save(
    *,
    actor,
    meeting: Meeting | None,
    organisation=None,
    values: dict,
    joint=None,
    correction_reason: str = "",
) -> Meeting:
    """Create a meeting of `organisation` (planned) or change one. `joint`: the other
    organisations it counts for."""
    created = meeting is None
    if created:
        meeting = Meeting(organisation=organisation, status=Meeting.Status.PLANNED)
        before = None
    else:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _correction_guard(meeting, correction_reason)
        before = _state(meeting)
    for name in MEETING_FIELDS:
        if name in values:
            setattr(meeting, name, values[name])
    if not meeting.topic:
        _refuse(_("Give the meeting a topic."), "topic")
    _check_dates(status=meeting.status, held_on=meeting.held_on)
    meeting.full_clean()
    meeting.save()
    wanted = {meeting.organisation_id} | {o.pk for o in joint or ()}
    if created or joint is not None:
        meeting.participants.exclude(organisation_id__in=wanted).delete()
        have = set(meeting.participants.values_list("organisation_id", flat=True))
        MeetingOrganisation.objects.bulk_create(
            MeetingOrganisation(meeting=meeting, organisation_id=o) for o in wanted - have
        )
    if created:
        audit_record(
            actor=actor, action="meetings.meeting.created", obj=meeting, before=None,
            after=_state(meeting),
        )  # fmt: skip
    else:
        _trace(
            actor=actor, meeting=meeting, before=before, reason=correction_reason,
            action="meetings.meeting.changed",
        )  # fmt: skip
    return meeting


def expected(meeting: Meeting) -> list[tuple]:
    """The expected attendees, derived from the roster of every organisation the meeting
    counts for on its date: (person, organisation, voting) with voting = full member that
    day. One query per organisation (a joint meeting has a few)."""
    out, seen = [], set()
    for link in meeting.participants.select_related("organisation").order_by("organisation__path"):
        for membership in roster_on(organisation=link.organisation, on=meeting.held_on):
            person = membership.person
            if person.pk in seen:
                continue
            seen.add(person.pk)
            out.append((person, link.organisation, status_on(person, meeting.held_on) == "full"))
    return out


@transaction.atomic
def attendance_record(
    *, actor, meeting: Meeting, rows: dict[int, tuple[str, str]], correction_reason: str = ""
) -> Meeting:
    """Record the meeting as held with its attendance: `rows` maps person id to (status,
    reason). Everyone on the expected roster gets a row (absent unless said otherwise);
    a person not on it, a leave without a reason or a future date refuses everything."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _correction_guard(meeting, correction_reason)
    if meeting.status == Meeting.Status.CANCELLED:
        _refuse(_("This meeting was cancelled; its attendance cannot be recorded."))
    _check_dates(status=Meeting.Status.HELD, held_on=meeting.held_on)
    roster = {person.pk: (person, org, voting) for person, org, voting in expected(meeting)}
    strangers = [pk for pk in rows if pk not in roster]
    if strangers:
        _refuse(
            _(
                "Attendance can only be recorded for the expected attendees (the roster on the meeting's date); %(n)s given are not on it."
            )  # noqa: E501
            % {"n": len(strangers)}
        )
    valid = {choice for choice, _label in Attendance.Status.choices}
    for pk, (status, reason) in rows.items():
        if status not in valid:
            _refuse(_("Unknown attendance status."))
        if status == Attendance.Status.LEAVE and not (reason or "").strip():
            _refuse(_("%(name)s is on leave: give the reason.") % {"name": roster[pk][0].name})
    before = _state(meeting)
    existing = {a.person_id: a for a in meeting.attendance.all()}
    for pk in set(existing) - set(roster):
        existing.pop(pk).delete()  # left the roster since (the date changed)
    create, update = [], []
    for pk, (person, org, voting) in roster.items():
        status, reason = rows.get(pk, (Attendance.Status.ABSENT, ""))
        reason = reason.strip() if status == Attendance.Status.LEAVE else ""
        row = existing.get(pk)
        if row is None:
            create.append(Attendance(meeting=meeting, person=person, organisation=org,
                                     voting=voting, status=status, reason=reason[:200]))  # fmt: skip
        else:
            row.organisation, row.voting, row.status, row.reason = org, voting, status, reason[:200]
            update.append(row)
    Attendance.objects.bulk_create(create)
    Attendance.objects.bulk_update(update, ["organisation", "voting", "status", "reason"])
    meeting.status = Meeting.Status.HELD
    meeting.recorded_on = meeting.recorded_on or timezone.localdate()
    meeting.save(update_fields=["status", "recorded_on"])
    _trace(actor=actor, meeting=meeting, before=before, reason=correction_reason,
           action="meetings.attendance.recorded")  # fmt: skip
    return meeting


@transaction.atomic
def minutes_save(*, actor, meeting: Meeting, minutes: str, correction_reason: str = "") -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _correction_guard(meeting, correction_reason)
    if has_active_content(minutes):
        _refuse(
            _("The minutes contain scripts or other active content; remove them and save again."),
            "minutes",
        )
    before = _state(meeting)
    meeting.minutes = clean_html(minutes)
    meeting.save(update_fields=["minutes"])
    _trace(actor=actor, meeting=meeting, before=before, reason=correction_reason,
           action="meetings.minutes.saved")  # fmt: skip
    return meeting


@transaction.atomic
def attachment_add(*, actor, meeting: Meeting, file) -> Attachment:
    problems, kind = check_upload(file)
    if problems:
        _refuse(" ".join(problems), "file")
    file.seek(0)
    row = Attachment.objects.create(
        meeting=meeting,
        name=(getattr(file, "name", "") or "file")[-200:],
        content_type=kind.content_type,
        size=file.size,
        content=file.read(),
    )
    audit_record(actor=actor, action="meetings.attachment.added", obj=meeting, before=None,
                 after={"attachment": row.pk, "name": row.name, "size": row.size})  # fmt: skip
    return row


def secretary_on(meeting: Meeting, day: datetime.date):
    for post in posts_on(organisation=meeting.organisation, on=day):
        if post.post == CommitteePost.Post.SECRETARY:
            return post.person
    return None


@transaction.atomic
def sign_off(*, actor, meeting: Meeting) -> Meeting:
    """The secretary of the host organisation (today's committee) signs the record off;
    it is then locked."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.locked:
        _refuse(_("This record is already signed off."))
    if meeting.status != Meeting.Status.HELD:
        _refuse(_("Only a meeting recorded as held can be signed off."))
    secretary = secretary_on(meeting, timezone.localdate())
    if secretary is None or secretary.user_id is None or secretary.user_id != actor.pk:
        _refuse(_("Only the secretary of %(org)s can sign this record off.") % {"org": meeting.organisation})  # fmt: skip
    before = _state(meeting)
    meeting.signed_off_by = secretary
    meeting.signed_off_at = timezone.now()
    meeting.save(update_fields=["signed_off_by", "signed_off_at"])
    audit_record(actor=actor, action="meetings.meeting.signed_off", obj=meeting, before=before,
                 after=_state(meeting))  # fmt: skip
    return meeting


@transaction.atomic
def cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a meeting: the record stays, with its reason."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not (reason or "").strip():
        _refuse(_("Give the reason for cancelling."), "reason")
    if meeting.locked:
        _refuse(_("A signed-off record cannot be cancelled."))
    before = _state(meeting)
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancel_reason = reason.strip()[:200]
    meeting.save(update_fields=["status", "cancel_reason"])
    audit_record(actor=actor, action="meetings.meeting.cancelled", obj=meeting, before=before,
                 after=_state(meeting))  # fmt: skip
    return meeting


@transaction.atomic
def critique_save(*, actor, meeting: Meeting, person, self_criticism: str, criticism: str):
    if not meeting.is_life:
        _refuse(_("Criticism and self-criticism belong to democratic and organisational life meetings."))  # fmt: skip
    if meeting.locked:
        _refuse(_("This record is signed off."))
    if not meeting.attendance.filter(person=person).exists():
        _refuse(_("Only an attendee of the meeting can be recorded."), "person")
    for text in (self_criticism, criticism):
        if has_active_content(text):
            _refuse(_("The text contains scripts or other active content."))
    row, _created = Critique.objects.update_or_create(
        meeting=meeting, person=person,
        defaults={"self_criticism": clean_html(self_criticism), "criticism": clean_html(criticism)},
    )  # fmt: skip
    audit_record(actor=actor, action="meetings.critique.saved", obj=meeting, before=None,
                 after={"person": person.pk})  # fmt: skip
    return row


@transaction.atomic
def issue_add(*, actor, meeting: Meeting, text: str, raised_by=None) -> MeetingIssue:
    if not (text or "").strip():
        _refuse(_("Describe the issue."), "text")
    row = MeetingIssue.objects.create(meeting=meeting, text=text.strip()[:500], raised_by=raised_by)
    audit_record(actor=actor, action="meetings.issue.added", obj=meeting, before=None,
                 after={"issue": row.pk, "text": row.text})  # fmt: skip
    return row


@transaction.atomic
def plan_save(*, actor, organisation, rows: list[dict]) -> list[Meeting]:
    """Save an adjusted plan: each row a planned meeting (kind, held_on, topic)."""
    return [
        meeting_save(actor=actor, meeting=None, organisation=organisation, values=row)
        for row in rows
    ]


THEME_DAY_DEFAULT = 15


def theme_day_of(organisation) -> int:
    from tongxin.meetings.models import ThemeDay

    found = ThemeDay.objects.filter(organisation=organisation).values_list("day", flat=True)
    return next(iter(found), THEME_DAY_DEFAULT)


@transaction.atomic
def theme_day_set(*, actor, organisation, day) -> int:
    """The branch's fixed theme Party day: a day from 1 to 28 (every month has it)."""
    from tongxin.meetings.models import ThemeDay

    try:
        day = int(day)
    except (TypeError, ValueError):
        day = 0
    if not 1 <= day <= 28:
        raise ApplicationError(
            _("Give a day of the month from 1 to 28 (every month has it)."),
            extra={"day": [_("From 1 to 28.")]},
        )
    before = theme_day_of(organisation)
    ThemeDay.objects.update_or_create(organisation=organisation, defaults={"day": day})
    if before != day:
        audit_record(
            actor=actor,
            action="meetings.theme_day",
            obj=organisation,
            before={"theme_day": before},
            after={"theme_day": day},
            court=organisation.court,
        )
    return day


def feed_for(user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def feed_reset(*, user) -> CalendarFeed:
    from tongxin.meetings.models import new_token

    feed = feed_for(user)
    feed.token = new_token()
    feed.save(update_fields=["token", "created_at"])
    return feed
