"""Discipline records, eight-provisions supervision checks and their findings, and
warning-education sessions with their attendance."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.listing import form_page
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.discipline import services
from tongxin.discipline.forms import (
    AREAS,
    SANCTIONS,
    AttendanceForm,
    CheckForm,
    FindingForm,
    RecordForm,
    SessionForm,
)
from tongxin.discipline.lists import CHECKS, RECORDS, SESSIONS
from tongxin.discipline.models import EducationSession, SupervisionCheck


def _can_change(request) -> bool:
    return scope_for(request.user).has(Perm.DISCIPLINE_CHANGE)


@requires(Perm.DISCIPLINE_VIEW)
def record_list(request):
    return RECORDS.page(
        request,
        template="discipline/record_list.html",
        context={"sanctions": SANCTIONS, "can_change": _can_change(request)},
    )


@requires(Perm.DISCIPLINE_CHANGE)
def record_create(request):
    return form_page(
        request,
        form=RecordForm(request.POST or None),
        action=lambda data: services.record_create(actor=request.user, values=data),
        success=_("The discipline record is saved."),
        redirect_to=reverse("discipline:record-list"),
        template="discipline/simple_form.html",
        context={"title": _("New discipline record"), "back": reverse("discipline:record-list")},
    )


@requires(Perm.DISCIPLINE_VIEW)
def check_list(request):
    return CHECKS.page(
        request,
        template="discipline/check_list.html",
        context={"areas": AREAS, "can_change": _can_change(request)},
    )


@requires(Perm.DISCIPLINE_CHANGE)
def check_create(request):
    created = {}

    def action(data):
        created["check"] = services.check_create(actor=request.user, values=data)

    return form_page(
        request,
        form=CheckForm(request.POST or None),
        action=action,
        success=_("The supervision check is saved: add its findings."),
        redirect_to=lambda: reverse("discipline:check-detail", args=[created["check"].pk]),
        template="discipline/simple_form.html",
        context={"title": _("New supervision check"), "back": reverse("discipline:check-list")},
    )


@requires(Perm.DISCIPLINE_VIEW, SupervisionCheck)
def check_detail(request, check: SupervisionCheck):
    can_change = scope_for(request.user).can(Perm.DISCIPLINE_CHANGE, check)
    form = FindingForm(request.POST or None) if can_change else None
    if request.method == "POST" and can_change:
        return form_page(
            request,
            form=form,
            action=lambda data: services.finding_add(actor=request.user, check=check, values=data),
            success=_("The finding is added."),
            redirect_to=reverse("discipline:check-detail", args=[check.pk]),
            template="discipline/check_detail.html",
            context={
                "check": check,
                "findings": _with_tasks(request, check),
                "can_change": can_change,
                "can_assign": _can_assign(request, check),
            },
        )
    return render(
        request,
        "discipline/check_detail.html",
        {
            "check": check,
            "findings": _with_tasks(request, check),
            "form": form,
            "can_change": can_change,
            "can_assign": _can_assign(request, check),
        },
    )


def _with_tasks(request, check: SupervisionCheck) -> list:
    """The check's findings, each with the rectification tasks made from it (one query), when
    the answers app is installed."""
    from django.apps import apps

    findings = list(check.findings.all())
    if apps.is_installed("tongxin.answers") and findings:
        from tongxin.answers.sources import tasks_of

        tasks = tasks_of("discipline.Finding", [f.pk for f in findings])
        for finding in findings:
            finding.tasks = tasks.get(finding.pk, [])
    return findings


def _can_assign(request, check: SupervisionCheck) -> bool:
    from django.apps import apps

    return apps.is_installed("tongxin.answers") and scope_for(request.user).covers_court(
        check.court, Perm.TASK_ASSIGN
    )


@requires(Perm.DISCIPLINE_VIEW)
def session_list(request):
    return SESSIONS.page(
        request,
        template="discipline/session_list.html",
        context={"can_change": _can_change(request)},
    )


@requires(Perm.DISCIPLINE_CHANGE)
def session_create(request):
    created = {}

    def action(data):
        created["session"] = services.session_create(actor=request.user, values=data)

    return form_page(
        request,
        form=SessionForm(request.POST or None),
        action=action,
        success=_("The session is saved: record who attended."),
        redirect_to=lambda: reverse("discipline:session-detail", args=[created["session"].pk]),
        template="discipline/simple_form.html",
        context={
            "title": _("New warning-education session"),
            "back": reverse("discipline:session-list"),
        },
    )


@requires(Perm.DISCIPLINE_VIEW, EducationSession)
def session_detail(request, session: EducationSession):
    can_change = scope_for(request.user).can(Perm.DISCIPLINE_CHANGE, session)
    attendance = session.attendance.select_related("person").order_by("person__staff_number")
    form = AttendanceForm(request.POST or None) if can_change else None
    context = {"session": session, "attendance": attendance, "can_change": can_change}
    if request.method == "POST" and can_change:
        return form_page(
            request,
            form=form,
            action=lambda data: services.attendance_record(
                actor=request.user, session=session, present=data["present"], absent=data["absent"]
            ),
            success=_("The attendance is recorded."),
            redirect_to=reverse("discipline:session-detail", args=[session.pk]),
            template="discipline/session_detail.html",
            context=context,
        )
    return render(request, "discipline/session_detail.html", {**context, "form": form})
