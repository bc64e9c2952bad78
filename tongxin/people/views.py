from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tongxin.core.access import requires
from tongxin.core.exceptions import ApplicationError
from tongxin.core.listing import Column, confirm_page, form_page, list_page, text_param
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs.models import Court, PartyOrganisation
from tongxin.orgs.selectors import organisation_picker
from tongxin.people import selectors, services
from tongxin.people.dues import dues_rate
from tongxin.people.forms import CellAssignForm, MoveForm, PersonForm
from tongxin.people.lists import PEOPLE
from tongxin.people.models import Person


@requires(Perm.PERSON_VIEW)
def person_list(request):
    return PEOPLE.page(
        request,
        template="people/person_list.html",
        context={
            "statuses": Person.PoliticalStatus.choices,
            "categories": Person.Category.choices,
            "can_add": bool(scope_for(request.user).court_paths(Perm.PERSON_CHANGE)),
            # The organisation filter's picker: search by name or court code (htmx).
            "picker": organisation_picker(user=request.user, params=request.GET),
        },
    )


@requires(Perm.PERSON_VIEW, Person)
def person_detail(request, person: Person):
    scope = scope_for(request.user)
    can_change = scope.can(Perm.PERSON_CHANGE, person)
    dues = None
    if person.dues_base is not None and person.is_party_member:
        from tongxin.people.dues import monthly_dues

        dues = (
            dues_rate(person.dues_base, retired=person.is_retired) * 100,
            monthly_dues(person.dues_base, retired=person.is_retired),
        )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "can_change": can_change,
            "dues": dues,
            "memberships": person.memberships.select_related("organisation", "cell").order_by(
                "-starts_on"
            ),
            "posts": person.posts.select_related("organisation").order_by("-starts_on"),
            "visible_orgs": set(
                scope.visible(PartyOrganisation)
                .filter(memberships__person=person)
                .values_list("pk", flat=True)
            ),
        },
    )


def _choose_court(request, scope):
    """First step of adding a person from the people list: which court (by its code)."""
    code = text_param(request.GET, "code")
    error = None
    if code:
        court = scope.visible(Court, Perm.PERSON_CHANGE).filter(code=code, is_active=True).first()
        if court is not None:
            return redirect(f"{reverse('people:person-create')}?court={court.pk}")
        error = _("No active court with code “%(code)s” where you may add people.") % {"code": code}
    return render(request, "people/person_court.html", {"code": code, "error": error})


@requires(Perm.PERSON_CHANGE, Person)
def person_edit(request, person: Person | None):
    scope = scope_for(request.user)
    if person is not None:
        court = person.court
    else:
        if not text_param(request.GET, "court"):
            return _choose_court(request, scope)
        # New staff go into a court seen with the people permission and changed with it.
        court = scope.get(
            Court, text_param(request.GET, "court"), Perm.PERSON_CHANGE, view=Perm.PERSON_VIEW
        )
        person = Person(court=court)
    form = PersonForm(request.POST or None, instance=person, court=court)
    return form_page(
        request,
        form=form,
        action=lambda data: services.person_save(
            actor=request.user, person=form.instance, changes=data
        ),
        success=_("Saved."),
        redirect_to=lambda: reverse("people:person-detail", args=[form.instance.pk]),
        template="people/person_form.html",
        context={"court": court, "person": person},
    )


@requires(Perm.PERSON_CHANGE, Person)
def person_deactivate(request, person: Person):
    back = reverse("people:person-detail", args=[person.pk])
    return confirm_page(
        request,
        obj=person,
        action=lambda: services.person_deactivate(actor=request.user, person=person),
        question=_(
            "Mark %(name)s as no longer on the staff? Their membership and posts end today; "
            "the record stays."
        )
        % {"name": person.name},
        done=_("Person deactivated."),
        back=back,
        redirect_to=back,
    )


@requires(Perm.PERSON_CHANGE, Person)
def person_move(request, person: Person):
    """Move a member into another organisation from a date (the old membership is kept)."""
    scope = scope_for(request.user)
    # The person's own court, or for a tribunal also its basic court (whose committee it sits under).
    organisations = (
        scope.visible(PartyOrganisation, Perm.ORG_VIEW)
        .filter(is_active=True, court_id__in=[person.court_id, person.court.parent_id])
        .order_by("path")
    )
    form = MoveForm(request.POST or None, organisations=organisations)
    return form_page(
        request,
        form=form,
        action=lambda data: services.membership_move(actor=request.user, person=person, **data),
        success=_("Membership recorded."),
        redirect_to=reverse("people:person-detail", args=[person.pk]),
        template="people/person_move.html",
        context={"person": person},
    )


@requires(Perm.DUES_VIEW, PartyOrganisation)
def dues(request, org: PartyOrganisation):
    """Monthly Party dues of an organisation's members, with the total; exportable."""
    rows, total = selectors.dues_for(organisation=org)
    return list_page(
        request,
        queryset=rows,
        template="people/dues.html",
        columns=[
            Column(_("Organisation"), lambda r: r[0].name_zh),
            Column(_("Staff number"), lambda r: r[1].staff_number),
            Column(pgettext("person", "Name"), lambda r: r[1].name),
            Column(_("Declared salary base"), lambda r: r[1].dues_base),
            Column(_("Retired"), lambda r: r[1].is_retired),
            Column(_("Monthly dues"), lambda r: r[2]),
        ],
        filename=f"dues-{org.pk}.xlsx",
        footer=["", "", _("Total"), "", "", total],
        context={"org": org, "total": total},
    )


@requires(Perm.PERSON_CHANGE, PartyOrganisation)
def cell_assign(request, org: PartyOrganisation):
    """Place the branch's current members in its Party cells from one date, all at once:
    every change is checked, and if one is refused nothing is saved (each refusal shows at
    its member)."""
    memberships = list(
        org.memberships.filter(ends_on__isnull=True)
        .select_related("person", "cell", "organisation")
        .order_by("person__name", "person_id")
    )
    cells = list(org.children.filter(kind=PartyOrganisation.Kind.CELL).order_by("path"))
    form = CellAssignForm(request.POST or None, memberships=memberships, cells=cells)
    by_id = {cell.pk: cell for cell in cells}

    def act(data):
        problems: dict[str, list[str]] = {}
        with transaction.atomic():
            for membership in memberships:
                if f"m{membership.pk}" not in form.data:
                    continue  # a row the form did not show (changed since): left as it is
                chosen = data[f"m{membership.pk}"]
                cell = by_id.get(int(chosen)) if chosen else None
                if (cell.pk if cell else None) == membership.cell_id:
                    continue
                try:
                    services.membership_cell_set(
                        actor=request.user, membership=membership, cell=cell, on=data["on"]
                    )
                except ApplicationError as error:
                    problems[f"m{membership.pk}"] = [error.message]
            if problems:  # leaves the transaction: nothing of this form is saved
                raise ApplicationError(
                    _("Nothing was saved: correct the members marked below."), extra=problems
                )

    return form_page(
        request,
        form=form,
        action=act,
        success=_("Party cells saved."),
        redirect_to=reverse("orgs:organisation-detail", args=[org.pk]),
        template="people/cell_assign.html",
        context={"org": org, "cells": cells, "kind_ok": org.kind == PartyOrganisation.Kind.BRANCH},
    )
