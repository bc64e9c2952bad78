"""Calendars (month and list) for an organisation and for oneself, the per-person figures,
and the iCalendar feeds behind a secret token."""

from __future__ import annotations

import calendar
import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import public, requires
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.meetings import selectors, services
from tongxin.meetings.compliance import month_end
from tongxin.meetings.feeds import calendar_bytes
from tongxin.meetings.models import CalendarFeed, Meeting
from tongxin.orgs.models import PartyOrganisation
from tongxin.orgs.selectors import roster_on
from tongxin.people.models import Person

FEED_DAYS_BACK = 366


def _month(request) -> datetime.date:
    period = selectors.parse_period(request.GET.get("month", "")[:7])
    if period is None or (period[1] - period[0]).days > 31:
        return timezone.localdate().replace(day=1)
    return period[0]


def _weeks(first: datetime.date, meetings) -> list[list[tuple]]:
    by_day: dict = {}
    for m in meetings:
        by_day.setdefault(m.held_on, []).append(m)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append([(day, day.month == first.month, by_day.get(day, [])) for day in week])
    return weeks


def _calendar_context(request, meetings, first):
    prev = (first - datetime.timedelta(days=1)).replace(day=1)
    nxt = month_end(first) + datetime.timedelta(days=1)
    return {
        "first": first,
        "meetings": meetings,
        "weeks": _weeks(first, meetings),
        "prev": prev.strftime("%Y-%m"),
        "next": nxt.strftime("%Y-%m"),
        "view": "list" if request.GET.get("view") == "list" else "month",
    }


@requires(Perm.MEETING_VIEW)
def my_calendar(request):
    """The meetings of one's own organisations, month or list, with one's attendance rate and
    study hours of the year."""
    person = Person.objects.filter(user=request.user).first()
    first = _month(request)
    meetings = list(selectors.person_meetings(person, first, month_end(first))) if person else []
    facts = selectors.person_year_facts([person.pk], first.year)[person.pk] if person else None
    return render(
        request,
        "meetings/calendar.html",
        {
            **_calendar_context(request, meetings, first),
            "person": person,
            "facts": facts,
            "title": _("My meetings"),
        },  # fmt: skip
    )


@requires(Perm.MEETING_VIEW, PartyOrganisation)
def org_calendar(request, organisation: PartyOrganisation):
    first = _month(request)
    meetings = list(selectors.organisation_meetings(organisation, first, month_end(first)))
    scope = scope_for(request.user)
    return render(
        request,
        "meetings/calendar.html",
        {
            **_calendar_context(request, meetings, first),
            "org": organisation,
            "title": _("Meetings of %(org)s") % {"org": organisation.name},
            "can_change": scope.can(Perm.MEETING_CHANGE, organisation),
            "can_compliance": scope.can(Perm.COMPLIANCE_VIEW, organisation),
        },  # fmt: skip
    )


@requires(Perm.COMPLIANCE_VIEW, PartyOrganisation, parent_view=Perm.COMPLIANCE_VIEW)
def org_people(request, organisation: PartyOrganisation):
    """Each member's attendance rate and study hours of a year against the requirement."""
    today = timezone.localdate()
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else today.year
    on = min(today, datetime.date(year, 12, 31))
    members = [m.person for m in roster_on(organisation=organisation, on=on)]
    facts = selectors.person_year_facts([p.pk for p in members], year)
    return render(
        request,
        "meetings/org_people.html",
        {"org": organisation, "year": year, "rows": [(p, facts[p.pk]) for p in members]},
    )


@requires(Perm.MEETING_VIEW)
def feed_page(request):
    """One's feed addresses and the button to reset them."""
    feed = services.feed_for(request.user)
    if request.method == "POST":
        feed = services.feed_reset(user=request.user)
        messages.success(request, _("New feed addresses made; the old ones no longer work."))
        return redirect("meetings:feed-page")
    orgs = scope_for(request.user).visible(PartyOrganisation, Perm.MEETING_VIEW).filter(is_active=True).order_by("path")[:20]  # fmt: skip
    base = request.build_absolute_uri("/")[:-1]
    return render(
        request,
        "meetings/feed.html",
        {
            "personal": base + reverse("meetings:feed-person", args=[feed.token]),
            "orgs": [
                (o, base + reverse("meetings:feed-org", args=[feed.token, o.pk])) for o in orgs
            ],
        },
    )


def _feed_user(token: str):
    if not token or len(token) > 64:
        raise Http404
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed.user


def _ics(meetings, name: str, request) -> HttpResponse:
    response = HttpResponse(
        calendar_bytes(meetings, name=name, host=request.get_host().split(":")[0]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return response


@public
def feed_person(request, token: str):
    """The personal feed: public URL, valid only with the user's current token (404 else)."""
    user = _feed_user(token)
    person = Person.objects.filter(user=user).first()
    if person is None:
        raise Http404
    today = timezone.localdate()
    meetings = selectors.person_meetings(
        person,
        today - datetime.timedelta(days=FEED_DAYS_BACK),
        today + datetime.timedelta(days=366),
    )
    return _ics(meetings, _("My meetings"), request)


@public
def feed_org(request, token: str, org_pk: int):
    """An organisation's feed, for a token whose user may see its meetings (404 else)."""
    user = _feed_user(token)
    if org_pk > 2**63 - 1:
        raise Http404
    org = scope_for(user).visible(PartyOrganisation, Perm.MEETING_VIEW).filter(pk=org_pk).first()
    if org is None:
        raise Http404
    today = timezone.localdate()
    meetings = selectors.organisation_meetings(
        org, today - datetime.timedelta(days=FEED_DAYS_BACK), today + datetime.timedelta(days=366)
    ).exclude(status=Meeting.Status.PLANNED, held_on__lt=today)
    return _ics(meetings, org.name, request)
