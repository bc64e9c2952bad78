"""Pages of the contact points of leading Party members' group members and their visits."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.care import services
from tongxin.care.forms import ContactPointForm, ContactVisitForm
from tongxin.care.lists import CONTACTS
from tongxin.care.models import ContactPoint
from tongxin.core.access import requires
from tongxin.core.listing import form_page, text_param
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs.models import Court, PartyOrganisation


@requires(Perm.CONTACT_VIEW)
def contact_list(request):
    scope = scope_for(request.user)
    code = text_param(request.GET, "court", 20)
    court = scope.visible(Court, Perm.CONTACT_CHANGE).filter(code=code).first() if code else None
    return CONTACTS.page(request, template="care/contact_list.html", context={"add_court": court})


@requires(
    Perm.CONTACT_CHANGE, ContactPoint, parent=(Court, "court_pk"), parent_view=Perm.COURT_VIEW
)
def contact_create(request, contact, parent: Court):
    leaders = services.party_group_members(parent, timezone.localdate())
    organisations = PartyOrganisation.objects.filter(
        court=parent,
        is_active=True,
        kind__in=(PartyOrganisation.Kind.BRANCH, PartyOrganisation.Kind.GENERAL_BRANCH),
    ).order_by("path")
    form = ContactPointForm(request.POST or None, leaders=leaders, organisations=organisations)
    return form_page(
        request,
        form=form,
        action=lambda data: services.contact_point_create(actor=request.user, **data),
        success=_("The contact point was saved."),
        redirect_to=f"{reverse('care:contact-list')}?court={parent.code or ''}",
        template="care/form.html",
        context={
            "title": _("Add a contact point"),
            "subtitle": parent.name,
            "back": reverse("care:contact-list"),
        },
    )


@requires(Perm.CONTACT_VIEW, ContactPoint)
def contact_detail(request, contact: ContactPoint):
    return render(
        request,
        "care/contact_detail.html",
        {
            "contact": contact,
            "visits": contact.visits.order_by("-visited_on", "-id"),
            "can_change": scope_for(request.user).can(Perm.CONTACT_CHANGE, contact),
        },
    )


@requires(Perm.CONTACT_CHANGE, ContactPoint)
def contact_visit_create(request, contact: ContactPoint):
    form = ContactVisitForm(request.POST or None)
    return form_page(
        request,
        form=form,
        action=lambda data: services.contact_visit_record(
            actor=request.user, contact=contact, **data
        ),
        success=_("The visit was recorded."),
        redirect_to=reverse("care:contact-detail", args=[contact.pk]),
        template="care/form.html",
        context={
            "title": _("Record a visit to the contact branch"),
            "subtitle": str(contact),
            "back": reverse("care:contact-detail", args=[contact.pk]),
        },
    )
