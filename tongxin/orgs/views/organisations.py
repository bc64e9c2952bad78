"""Pages of Party organisations: list, detail, edits, cells, terms and posts."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.exceptions import ApplicationError
from tongxin.core.listing import confirm_page, form_page
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.lib.dates import add_months
from tongxin.orgs import health, rosters, selectors, services
from tongxin.orgs.forms import (
    CellForm,
    ElectionForm,
    OrganisationForm,
    PostEndForm,
    PostForm,
    PostponementForm,
    TermForm,
)
from tongxin.orgs.lists import ORGANISATIONS
from tongxin.orgs.models import CommitteePost, Court, PartyOrganisation
from tongxin.orgs.views.rosters import _roster_date, _roster_query, _roster_subtree
from tongxin.people.models import Person

# Party organisations ---------------------------------------------------------------------


@requires(signed_in=True)  # every role sees some organisations (a member their own)
def organisation_list(request):
    return ORGANISATIONS.page(
        request,
        template="orgs/organisation_list.html",
        context={
            "kinds": PartyOrganisation.Kind.choices,
            "can_change": scope_for(request.user).has(Perm.ORG_CHANGE),
        },
    )


@requires(Perm.ORG_VIEW, PartyOrganisation)
def organisation_detail(request, org: PartyOrganisation):
    scope = scope_for(request.user)
    on, date_error = _roster_date(request)
    can_change = scope.can(Perm.ORG_CHANGE, org)
    roster = rosters.roster_build(organisation=org, on=on, subtree=_roster_subtree(request, org))
    ids = {row.membership.person_id for row in roster.rows}
    visible_people = (
        set(scope.visible(Person).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    )
    findings = health.findings(user=request.user, organisation=org)
    children = list(org.children.order_by("path"))
    counts = roster.cells
    for child in children:
        child.members_on = counts.get(child.pk, 0)  # members in a cell on the day
    return render(
        request,
        "orgs/organisation_detail.html",
        {
            "org": org,
            "on": on,
            "date_error": date_error,
            "can_change": can_change,
            "roster": roster,
            "roster_query": _roster_query(roster),
            "offers_subtree": org.kind in rosters.SUBTREE_KINDS,
            # Personal columns and the exports (花名册) for those who may see its people.
            "personal": scope.can(Perm.PERSON_VIEW, org),
            "cells": [c for c in children if c.kind == PartyOrganisation.Kind.CELL],
            "can_assign": org.kind == PartyOrganisation.Kind.BRANCH
            and org.is_active
            and scope.can(Perm.PERSON_CHANGE, org),
            "posts": selectors.posts_on(organisation=org, on=on),
            "post_history": org.posts.select_related("person").order_by("-starts_on"),
            "terms": org.terms.all(),
            "elected": org.kind in PartyOrganisation.ELECTED_KINDS,
            "parent_visible": bool(org.parent_id) and scope.can(Perm.ORG_VIEW, org.parent),
            "current_term": selectors.term_current(org, on),
            "children": [c for c in children if c.kind != PartyOrganisation.Kind.CELL],
            "departments": org.departments.all(),
            "findings": findings,
            "visible_people": visible_people,
            "can_dues": scope.can(Perm.DUES_VIEW, org),
        },
    )


@requires(signed_in=True)  # every role sees some organisations (a member their own)
def organisation_pick(request):
    """The organisations a picker offers for the text typed (`org_q`), as <option>s (htmx);
    the one chosen so far (`organisation`) stays first and selected."""
    return render(
        request,
        "orgs/_organisation_options.html",
        selectors.organisation_picker(user=request.user, params=request.GET),
    )


# Party cells -----------------------------------------------------------------------------


@requires(Perm.ORG_CHANGE, PartyOrganisation)
def cell_create(request, org: PartyOrganisation):
    """A new Party cell in a branch (from the branch's page)."""
    form = CellForm(request.POST or None)
    if not request.POST:
        form.fields["name_zh"].initial = f"{org.name_zh.removesuffix('党支部')}党小组"
    return _organisation_form(
        request,
        org,
        form=form,
        action=lambda data: services.cell_create(actor=request.user, branch=org, **data),
        success=_("Party cell created."),
        title=_("New Party cell"),
    )


@requires(Perm.ORG_CHANGE, PartyOrganisation)
def cell_rename(request, org: PartyOrganisation):
    form = CellForm(request.POST or None, initial={"name_zh": org.name_zh, "name_en": org.name_en})
    back = reverse("orgs:organisation-detail", args=[org.parent_id or org.pk])
    return form_page(
        request,
        form=form,
        action=lambda data: services.cell_rename(actor=request.user, cell=org, **data),
        success=_("Party cell renamed."),
        redirect_to=back,
        template="orgs/simple_form.html",
        context={"org": org, "title": _("Rename the Party cell")},
    )


@requires(Perm.ORG_CHANGE, PartyOrganisation)
def cell_close(request, org: PartyOrganisation):
    back = reverse("orgs:organisation-detail", args=[org.parent_id or org.pk])
    blocker = None
    if org.kind != PartyOrganisation.Kind.CELL:
        blocker = _("This organisation is not a Party cell.")
    elif org.is_active:
        blocker = services.organisation_deactivate_blocker(org)
    return confirm_page(
        request,
        obj=org,
        action=lambda: services.cell_close(actor=request.user, cell=org),
        question=_("Close the Party cell %(name)s? Its members' history stays.")
        % {"name": org.name},
        done=_("Party cell closed."),
        back=back,
        redirect_to=back,
        blocker=blocker,
    )


# A new organisation in a court: the court is seen through the organisations the user sees
# there, and allowed where they may change organisations (a secretary: below their branch).
@requires(Perm.ORG_CHANGE, PartyOrganisation, parent=(Court, "court_pk"), parent_view=Perm.ORG_VIEW)
def organisation_edit(request, org: PartyOrganisation | None, parent: Court | None = None):
    scope = scope_for(request.user)
    pk = org.pk if org else None
    court = org.court if org is not None else parent
    org = org or PartyOrganisation(court=court)
    parents = (
        scope.visible(PartyOrganisation, Perm.ORG_CHANGE)
        .filter(court__in=services.parent_courts(court), is_active=True)
        .exclude(kind__in=[PartyOrganisation.Kind.PARTY_GROUP])
        .select_related("court")
    )
    if org.pk:
        parents = parents.exclude(path__startswith=org.path)
    form = OrganisationForm(request.POST or None, instance=org, court=court, parents=parents)
    if org.parent_id and not parents.filter(pk=org.parent_id).exists():
        # A branch secretary may edit their branch but not re-attach it elsewhere: where it
        # sits (and so its kind) stays as it is.
        for name in ("parent", "kind"):
            form.fields[name].disabled = True
        form.fields["parent"].queryset = PartyOrganisation.objects.filter(pk=org.parent_id)

    def act(data):
        if not pk and data.get("parent") is None and not scope.covers_court(court, Perm.ORG_CHANGE):
            raise ApplicationError(_("Choose a parent organisation within your own."))
        changes = {k: v for k, v in data.items() if k != "departments"}
        services.organisation_save(
            actor=request.user,
            organisation=form.instance,
            changes=changes,
            departments=list(data["departments"]),
        )

    return form_page(
        request,
        form=form,
        action=act,
        success=_("Organisation saved."),
        redirect_to=lambda: reverse("orgs:organisation-detail", args=[form.instance.pk]),
        template="orgs/organisation_form.html",
        context={
            "court": court,
            "org": org if pk else None,
            "court_visible": scope.can(Perm.COURT_VIEW, court),
        },
    )


@requires(Perm.ORG_CHANGE, PartyOrganisation)
def organisation_deactivate(request, org: PartyOrganisation):
    back = reverse("orgs:organisation-detail", args=[org.pk])
    return confirm_page(
        request,
        obj=org,
        action=lambda: services.organisation_deactivate(actor=request.user, organisation=org),
        question=_("Deactivate %(name)s? Its history stays.") % {"name": org.name},
        done=_("Organisation deactivated."),
        back=back,
        redirect_to=back,
        blocker=services.organisation_deactivate_blocker(org) if org.is_active else None,
    )


@requires(Perm.ORG_CHANGE, PartyOrganisation)
def term_create(request, org: PartyOrganisation):
    form = TermForm(request.POST or None)

    def act(data):
        years = 5 if org.kind == PartyOrganisation.Kind.ORGAN_COMMITTEE else 3
        ends = data["ends_on"] or add_months(data["starts_on"], 12 * years)
        services.term_record(
            actor=request.user, organisation=org, starts_on=data["starts_on"], ends_on=ends
        )

    return _organisation_form(
        request,
        org,
        form=form,
        action=act,
        success=_("Term recorded."),
        title=_("Record a committee term"),
    )


@requires(Perm.ORG_CHANGE, PartyOrganisation)
def election_record(request, org: PartyOrganisation):
    """Record an election (on time, early or after a postponement) and the new committee."""
    today = timezone.localdate()
    people = (
        Person.objects.filter(
            memberships__organisation=org,
            memberships__ends_on__isnull=True,
            political_status=Person.PoliticalStatus.FULL,
            is_active=True,
        )
        .order_by("name")
        .distinct()
    )
    form = ElectionForm(
        request.POST or None,
        people=people,
        initial={"elected_on": today, "years": services.term_years(org)},
    )
    return _organisation_form(
        request,
        org,
        form=form,
        action=lambda data: services.election_record(
            actor=request.user,
            organisation=org,
            elected_on=data["elected_on"],
            years=data["years"],
            posts=form.posts(),
        ),
        success=_("Election recorded: the new term and committee begin on the election day."),
        title=_("Record an election"),
    )


@requires(Perm.ORG_CHANGE, PartyOrganisation)
def postponement_record(request, org: PartyOrganisation):
    """Record an approved postponement of the current term's election."""
    term = selectors.term_current(org, timezone.localdate())

    def postpone(data):
        if term is None:
            raise ApplicationError(_("There is no current term to postpone: record a term first."))
        services.postponement_record(actor=request.user, term=term, **data)

    form = PostponementForm(request.POST or None)
    return _organisation_form(
        request,
        org,
        form=form,
        action=postpone,
        success=_("Postponement recorded."),
        title=_("Record a postponed election"),
    )


@requires(Perm.ORG_CHANGE, PartyOrganisation)
def post_create(request, org: PartyOrganisation):
    scope = scope_for(request.user)
    people = (
        scope.visible(Person, Perm.PERSON_VIEW)
        .filter(
            memberships__organisation__path__startswith=org.path,
            memberships__ends_on__isnull=True,
            is_active=True,
        )
        .order_by("name")
    )
    form = PostForm(request.POST or None, people=people)
    return _organisation_form(
        request,
        org,
        form=form,
        action=lambda data: services.post_assign(actor=request.user, organisation=org, **data),
        success=_("Post assigned."),
        title=_("Assign a committee post"),
    )


@requires(Perm.ORG_CHANGE, CommitteePost)
def post_end(request, post: CommitteePost):
    org = post.organisation
    form = PostEndForm(request.POST or None)
    return _organisation_form(
        request,
        org,
        form=form,
        action=lambda data: services.post_end(actor=request.user, post=post, **data),
        success=_("Post ended."),
        title=_("End the post: %(post)s") % {"post": post},
    )


def _organisation_form(request, org, *, form, action, success: str, title: str):
    """A form about an organisation (its cells, terms, posts): saved, back to its page."""
    return form_page(
        request,
        form=form,
        action=action,
        success=success,
        redirect_to=reverse("orgs:organisation-detail", args=[org.pk]),
        template="orgs/simple_form.html",
        context={"org": org, "title": title},
    )
