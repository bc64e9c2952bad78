"""iCalendar (RFC 5545) feeds of meetings, built with the `icalendar` package."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

from tongxin.meetings.models import Meeting


def calendar_bytes(meetings, *, name: str, host: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Tongxin//Organisational life//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    zone = ZoneInfo(settings.TIME_ZONE)
    stamp = datetime.datetime.now(tz=datetime.UTC)
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", f"{meeting.get_kind_display()}: {meeting.topic}")
        if meeting.starts_at:
            start = datetime.datetime.combine(meeting.held_on, meeting.starts_at, tzinfo=zone)
            event.add("dtstart", start)
            event.add("dtend", start + datetime.timedelta(hours=float(meeting.hours or 1)))
        else:
            event.add("dtstart", meeting.held_on)
            event.add("dtend", meeting.held_on + datetime.timedelta(days=1))
        if meeting.place:
            event.add("location", meeting.place)
        event.add("description", str(meeting.organisation))
        event.add(
            "status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED"
        )
        cal.add_component(event)
    return cal.to_ical()
