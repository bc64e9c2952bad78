"""Pages of a meeting: list, create and edit, attendance, minutes, attachments, sign-off,
cancellation, criticism and issues, and planning the year."""

from __future__ import annotations

import datetime
import io

from django.apps import apps
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.exceptions import ApplicationError
from tongxin.core.listing import confirm_page, form_page
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.lib.excel import download_response
from tongxin.meetings import planning, services
from tongxin.meetings.forms import (
    AttachmentForm,
    CancelForm,
    CritiqueForm,
    IssueForm,
    MeetingForm,
    MinutesForm,
)
from tongxin.meetings.lists import MEETINGS
from tongxin.meetings.models import Attachment, Attendance, Kind, Meeting
from tongxin.orgs.models import PartyOrganisation
from tongxin.people.models import Person

FORM = "meetings/form.html"


def _people(organisation):
    return Person.objects.filter(
        memberships__organisation__path__startswith=organisation.path,
        memberships__ends_on__isnull=True,
    ).distinct()


@requires(Perm.MEETING_VIEW)
def meeting_list(request):
    scope = scope_for(request.user)
    changeable = (
        scope.visible(PartyOrganisation, Perm.MEETING_CHANGE)
        .filter(is_active=True)
        .exclude(kind=PartyOrganisation.Kind.CELL)
        .order_by("path")[:20]
        if scope.has(Perm.MEETING_CHANGE)
        else []
    )
    return MEETINGS.page(
        request,
        template="meetings/meeting_list.html",
        context={
            "kinds": Kind.choices,
            "statuses": Meeting.Status.choices,
            "changeable": changeable,
        },
    )


def _issues_with_tasks(meeting: Meeting) -> list:
    """The meeting's issues, each with the rectification tasks made from it (one query; the
    answers app, when installed, keeps the tasks)."""
    issues = list(meeting.issues.select_related("raised_by"))
    if apps.is_installed("tongxin.answers") and issues:
        from tongxin.answers.sources import tasks_of

        tasks = tasks_of("meetings.MeetingIssue", [i.pk for i in issues])
        for issue in issues:
            issue.tasks = tasks.get(issue.pk, [])
    return issues


@requires(Perm.MEETING_VIEW, Meeting)
def meeting_detail(request, meeting: Meeting):
    scope = scope_for(request.user)
    can_change = scope.can(Perm.MEETING_CHANGE, meeting)
    attendance = list(meeting.attendance.select_related("person", "organisation"))
    secretary = services.secretary_on(meeting, timezone.localdate())
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "participants": [
                p.organisation for p in meeting.participants.select_related("organisation")
            ],
            "attendance": attendance,
            "present": sum(1 for a in attendance if a.status == Attendance.Status.PRESENT),
            "attachments": meeting.attachments.defer("content"),
            "critiques": meeting.critiques.select_related("person"),
            "issues": _issues_with_tasks(meeting),
            "can_assign": apps.is_installed("tongxin.answers")
            and scope.covers_court(meeting.organisation.court, Perm.TASK_ASSIGN),
            "corrections": meeting.corrections.all(),
            "can_change": can_change,
            "can_sign": bool(
                secretary
                and secretary.user_id == request.user.pk
                and meeting.status == Meeting.Status.HELD
                and not meeting.locked
            ),
            "attachment_form": AttachmentForm(),
            "issue_form": IssueForm(),
        },
    )


def _meeting_form(request, meeting, organisation):
    joint = (
        scope_for(request.user)
        .visible(PartyOrganisation, Perm.MEETING_VIEW)
        .filter(court=organisation.court, is_active=True)
        .exclude(pk=organisation.pk)
    )
    initial = {}
    if meeting is None:
        initial = {
            "held_on": request.GET.get("date") or timezone.localdate(),
            "kind": request.GET.get("kind") if request.GET.get("kind") in Kind.values else None,
        }
    elif request.method != "POST":
        initial = {"joint": [p.organisation_id for p in meeting.participants.exclude(organisation=organisation)]}  # fmt: skip
    return MeetingForm(
        request.POST or None,
        instance=meeting,
        initial=initial,
        people=_people(organisation),
        joint_choices=joint,
    )


@requires(Perm.MEETING_CHANGE, Meeting, parent=(PartyOrganisation, "org_pk"), parent_view=Perm.MEETING_VIEW)  # fmt: skip
def meeting_create(request, meeting, parent: PartyOrganisation):
    form = _meeting_form(request, None, parent)
    created = {}

    def action(data):
        values = {k: v for k, v in data.items() if k not in ("joint", "correction_reason")}
        created["m"] = services.meeting_save(
            actor=request.user, meeting=None, organisation=parent, values=values,
            joint=list(data.get("joint") or []),
        )  # fmt: skip

    return form_page(
        request,
        form=form,
        action=action,
        success=_("Meeting planned."),
        redirect_to=lambda: reverse("meetings:meeting-detail", args=[created["m"].pk]),
        template=FORM,
        context={"title": _("New meeting"), "org": parent},
    )


@requires(Perm.MEETING_CHANGE, Meeting)
def meeting_edit(request, meeting: Meeting):
    form = _meeting_form(request, meeting, meeting.organisation)
    original = Meeting.objects.get(pk=meeting.pk)

    def action(data):
        values = {k: v for k, v in data.items() if k not in ("joint", "correction_reason")}
        services.meeting_save(
            actor=request.user, meeting=original, values=values,
            joint=list(data.get("joint") or []),
            correction_reason=data.get("correction_reason", ""),
        )  # fmt: skip

    return form_page(
        request,
        form=form,
        action=action,
        success=_("Meeting saved."),
        redirect_to=reverse("meetings:meeting-detail", args=[meeting.pk]),
        template=FORM,
        context={"title": _("Edit meeting"), "org": meeting.organisation, "meeting": meeting},
    )


@requires(Perm.MEETING_CHANGE, Meeting)
def attendance_edit(request, meeting: Meeting):
    """The expected attendees (roster of the day), each present / on leave / absent."""
    rows = services.expected(meeting)
    current = {a.person_id: a for a in meeting.attendance.all()}
    error = None
    if request.method == "POST":
        given = {}
        for key in request.POST:
            if key.startswith("status-") and key[7:].isdigit():
                pk = int(key[7:])
                given[pk] = (request.POST[key][:10], request.POST.get(f"reason-{pk}", "")[:200])
        try:
            services.attendance_record(
                actor=request.user, meeting=meeting, rows=given,
                correction_reason=request.POST.get("correction_reason", "")[:300],
            )  # fmt: skip
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Attendance recorded."))
            return redirect("meetings:meeting-detail", meeting.pk)
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "rows": [(person, org, voting, current.get(person.pk)) for person, org, voting in rows],
            "statuses": Attendance.Status.choices,
            "error": error,
        },
    )


@requires(Perm.MEETING_CHANGE, Meeting)
def minutes_edit(request, meeting: Meeting):
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes}, meeting=meeting)
    return form_page(
        request,
        form=form,
        action=lambda d: services.minutes_save(
            actor=request.user,
            meeting=meeting,
            minutes=d["minutes"],
            correction_reason=d.get("correction_reason", ""),
        ),  # fmt: skip
        success=_("Minutes saved."),
        redirect_to=reverse("meetings:meeting-detail", args=[meeting.pk]),
        template=FORM,
        context={"title": _("Minutes"), "org": meeting.organisation, "meeting": meeting},
    )


@requires(Perm.MEETING_CHANGE, Meeting)
def attachment_add(request, meeting: Meeting):
    form = AttachmentForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form=form,
        action=lambda d: services.attachment_add(
            actor=request.user, meeting=meeting, file=d["file"]
        ),
        success=_("Attachment added."),
        redirect_to=reverse("meetings:meeting-detail", args=[meeting.pk]),
        template=FORM,
        context={
            "title": _("Add an attachment"),
            "org": meeting.organisation,
            "meeting": meeting,
            "multipart": True,
        },  # fmt: skip
    )


@requires(Perm.MEETING_VIEW, Attachment)
def attachment_download(request, attachment: Attachment):
    response = download_response(
        io.BytesIO(bytes(attachment.content)),
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires(Perm.MEETING_CHANGE, Meeting)
def meeting_sign_off(request, meeting: Meeting):
    return confirm_page(
        request,
        obj=meeting,
        action=lambda: services.sign_off(actor=request.user, meeting=meeting),
        question=_(
            "Sign off the record of this meeting? It is then locked; corrections leave a trace."
        ),  # fmt: skip
        done=_("Record signed off."),
        back=reverse("meetings:meeting-detail", args=[meeting.pk]),
        redirect_to=reverse("meetings:meeting-detail", args=[meeting.pk]),
    )


@requires(Perm.MEETING_CHANGE, Meeting)
def meeting_cancel(request, meeting: Meeting):
    return form_page(
        request,
        form=CancelForm(request.POST or None),
        action=lambda d: services.cancel(actor=request.user, meeting=meeting, reason=d["reason"]),
        success=_("Meeting cancelled; the record is kept."),
        redirect_to=reverse("meetings:meeting-detail", args=[meeting.pk]),
        template=FORM,
        context={"title": _("Cancel the meeting"), "org": meeting.organisation, "meeting": meeting},
    )


@requires(Perm.MEETING_CHANGE, Meeting)
def critique_edit(request, meeting: Meeting):
    people = Person.objects.filter(pk__in=meeting.attendance.values("person_id"))
    form = CritiqueForm(request.POST or None, people=people)
    return form_page(
        request,
        form=form,
        action=lambda d: services.critique_save(
            actor=request.user,
            meeting=meeting,
            person=d["person"],
            self_criticism=d["self_criticism"],
            criticism=d["criticism"],
        ),  # fmt: skip
        success=_("Criticism and self-criticism saved."),
        redirect_to=reverse("meetings:meeting-detail", args=[meeting.pk]),
        template=FORM,
        context={
            "title": _("Criticism and self-criticism"),
            "org": meeting.organisation,
            "meeting": meeting,
        },  # fmt: skip
    )


@requires(Perm.MEETING_CHANGE, Meeting)
def issue_add(request, meeting: Meeting):
    return form_page(
        request,
        form=IssueForm(request.POST or None),
        action=lambda d: services.issue_add(actor=request.user, meeting=meeting, text=d["text"]),
        success=_("Issue recorded."),
        redirect_to=reverse("meetings:meeting-detail", args=[meeting.pk]),
        template=FORM,
        context={"title": _("Issues raised"), "org": meeting.organisation, "meeting": meeting},
    )


@requires(Perm.MEETING_CHANGE, PartyOrganisation, parent_view=Perm.MEETING_VIEW)
def plan_year(request, organisation: PartyOrganisation):
    """The proposed schedule of the year; the secretary unticks, moves dates, renames topics
    and saves the ticked rows as planned meetings."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    error = None
    if request.method == "POST" and "theme_day" in request.POST:
        try:
            day = services.theme_day_set(
                actor=request.user, organisation=organisation, day=request.POST["theme_day"]
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("The theme Party day is the %(day)s of each month.") % {"day": day})  # fmt: skip
            return redirect(reverse("meetings:plan", args=[organisation.pk]) + f"?year={year}")
    proposals = planning.propose(organisation, year)
    if request.method == "POST" and error is None:
        rows = []
        try:
            for n in range(min(int(request.POST.get("count", "0") or 0), 400)):
                if not request.POST.get(f"take-{n}"):
                    continue
                kind = request.POST.get(f"kind-{n}", "")
                if kind not in Kind.values:
                    raise ValueError
                held_on = datetime.date.fromisoformat(request.POST.get(f"date-{n}", ""))
                topic = request.POST.get(f"topic-{n}", "").strip()[:200]
                rows.append({"kind": kind, "held_on": held_on, "topic": topic})
            services.plan_save(actor=request.user, organisation=organisation, rows=rows)
        except ValueError:
            error = _("Every row needs a kind and a valid date.")
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("%(n)s meetings planned.") % {"n": len(rows)})
            return redirect(
                reverse("meetings:org-calendar", args=[organisation.pk]) + f"?month={year}-01"
            )
    return render(
        request,
        "meetings/plan.html",
        {
            "org": organisation,
            "year": year,
            "proposals": proposals,
            "error": error,
            "theme_day": services.theme_day_of(organisation),
        },
    )
