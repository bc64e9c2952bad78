"""Pages of the care app: talks and home visits, coverage, help records, contact points."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.care import services
from tongxin.care.coverage import (
    branch_coverage,
    coverage_figures,
    coverage_organisations,
    coverage_totals,
)
from tongxin.care.forms import HelpForm, HomeVisitForm, TalkForm
from tongxin.care.lists import HELP, TALKS, VISITS
from tongxin.care.models import HelpRecord, HomeVisit, Talk
from tongxin.care.scope import HELP_ROLES, reads_confidential
from tongxin.core.access import requires
from tongxin.core.listing import form_page, text_param
from tongxin.core.paging import keyset_page
from tongxin.core.permissions import Perm, role_has
from tongxin.core.scoping import scope_for
from tongxin.orgs.models import Court, PartyOrganisation
from tongxin.people.scope import own_person


def _year(request) -> int:
    value = text_param(request.GET, "year", 4)
    today = timezone.localdate()
    if value.isdecimal() and 2000 <= int(value) <= today.year:
        return int(value)
    return today.year


def _years():
    this = timezone.localdate().year
    return list(range(this, this - 6, -1))


# Coverage -------------------------------------------------------------------------------


@requires(Perm.TALK_VIEW)
def coverage_list(request):
    """The branches in reach with their coverage of the year (a page at a time) and the
    figures of everything in reach (three queries for the whole scope)."""
    year, today = _year(request), timezone.localdate()
    court = text_param(request.GET, "court", 20)
    organisations = coverage_organisations(user=request.user, court=court)
    query = f"year={year}" + (f"&court={court}" if court else "")
    page = keyset_page(organisations, request.GET, per_page=settings.PAGE_SIZE, query=query)
    figures = coverage_figures([o.pk for o in page.object_list], year, today)
    for organisation in page.object_list:
        organisation.coverage = figures.get(organisation.pk)
    due, done = coverage_totals(organisations, year, today)
    return render(
        request,
        "care/coverage_list.html",
        {
            "page": page,
            "year": year,
            "years": _years(),
            "court": court,
            "query": query,
            "due": due,
            "done": done,
            "share": done / due if due else None,
        },
    )


@requires(Perm.TALK_VIEW, PartyOrganisation)
def coverage_detail(request, organisation: PartyOrganisation):
    year = _year(request)
    coverage = branch_coverage(organisation, year, timezone.localdate())
    scope = scope_for(request.user)
    return render(
        request,
        "care/coverage_detail.html",
        {
            "org": organisation,
            "coverage": coverage,
            "year": year,
            "years": _years(),
            "can_record": scope.can(Perm.TALK_CHANGE, organisation),
        },
    )


# Talks and home visits ------------------------------------------------------------------


@requires(Perm.TALK_VIEW)
def talk_list(request):
    return TALKS.page(
        request,
        template="care/talk_list.html",
        context={"kinds": Talk.Kind.choices, "years": _years()},
    )


@requires(Perm.TALK_CHANGE, PartyOrganisation)
def talk_create(request, organisation: PartyOrganisation):
    own = own_person(scope_for(request.user))
    form = TalkForm(request.POST or None, organisation=organisation, own=own)
    created = {}

    def action(data):
        created["talk"] = services.talk_record(
            actor=request.user, organisation=organisation, **data
        )

    return form_page(
        request,
        form=form,
        action=action,
        success=_("The talk was recorded."),
        redirect_to=lambda: reverse("care:talk-detail", args=[created["talk"].pk]),
        template="care/form.html",
        context={
            "title": _("Record a talk"),
            "org": organisation,
            "back": reverse("care:coverage-detail", args=[organisation.pk]),
        },
    )


@requires(Perm.TALK_VIEW, Talk)
def talk_detail(request, talk: Talk):
    return render(
        request,
        "care/talk_detail.html",
        {
            "talk": talk,
            "confidential": reads_confidential(scope_for(request.user), talk),
        },
    )


@requires(Perm.TALK_VIEW)
def visit_list(request):
    return VISITS.page(request, template="care/visit_list.html", context={"years": _years()})


@requires(Perm.TALK_CHANGE, PartyOrganisation)
def visit_create(request, organisation: PartyOrganisation):
    own = own_person(scope_for(request.user))
    form = HomeVisitForm(request.POST or None, organisation=organisation, own=own)
    created = {}

    def action(data):
        created["visit"] = services.home_visit_record(
            actor=request.user, organisation=organisation, **data
        )

    return form_page(
        request,
        form=form,
        action=action,
        success=_("The home visit was recorded."),
        redirect_to=lambda: reverse("care:visit-detail", args=[created["visit"].pk]),
        template="care/form.html",
        context={
            "title": _("Record a home visit"),
            "org": organisation,
            "back": reverse("care:visit-list"),
        },
    )


@requires(Perm.TALK_VIEW, HomeVisit)
def visit_detail(request, visit: HomeVisit):
    return render(
        request,
        "care/visit_detail.html",
        {
            "visit": visit,
            "confidential": reads_confidential(scope_for(request.user), visit),
        },
    )


# Help in difficulty ---------------------------------------------------------------------


def _help_courts(scope, perm: str):
    """The courts whose help records the user keeps: those of their own grants (see
    care/scope.py: not the courts below them)."""
    paths = [
        g.court_path
        for g in scope.grants
        if g.court_path and g.role in HELP_ROLES and role_has(g.role, perm)
    ]
    return Court.objects.filter(path__in=paths).order_by("path")


@requires(Perm.HELP_VIEW)
def help_list(request):
    scope = scope_for(request.user)
    return HELP.page(
        request,
        template="care/help_list.html",
        context={
            "kinds": HelpRecord.Kind.choices,
            "years": _years(),
            "can_add": _help_courts(scope, Perm.HELP_CHANGE).exists(),
        },
    )


@requires(Perm.HELP_CHANGE)
def help_create(request):
    courts = _help_courts(scope_for(request.user), Perm.HELP_CHANGE)
    form = HelpForm(request.POST or None, courts=courts)
    created = {}

    def action(data):
        created["help"] = services.help_record(actor=request.user, **data)

    return form_page(
        request,
        form=form,
        action=action,
        success=_("The help record was saved."),
        redirect_to=lambda: reverse("care:help-detail", args=[created["help"].pk]),
        template="care/form.html",
        context={
            "title": _("Record help given"),
            "back": reverse("care:help-list"),
            "note": None
            if courts.exists()
            else _("You hold no grant on a court whose help records you keep."),
        },
    )


@requires(Perm.HELP_VIEW, HelpRecord)
def help_detail(request, record: HelpRecord):
    return render(request, "care/help_detail.html", {"record": record})


@requires(signed_in=True)
def my_talks(request):
    """The talks and home visits held with the user (or by them), with what was said: the
    person talked with reads their own records without any grant."""
    person = own_person(scope_for(request.user))
    talks = visits = []
    if person is not None:
        talks = (
            Talk.objects.filter(Q(person=person) | Q(talker=person))
            .select_related("organisation", "talker", "person")
            .order_by("-held_on", "-id")[:200]
        )
        visits = (
            HomeVisit.objects.filter(Q(person=person) | Q(visitor=person))
            .select_related("organisation", "visitor", "person")
            .order_by("-visited_on", "-id")[:200]
        )
    return render(request, "care/mine.html", {"talks": talks, "visits": visits})
