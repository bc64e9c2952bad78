from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tongxin.core.exceptions import Forbidden, NotFound
from tongxin.core.listing import Column, confirm_page, list_page, save_form, text_param
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs.models import Court, PartyOrganisation
from tongxin.people import selectors, services
from tongxin.people.dues import dues_rate
from tongxin.people.forms import MoveForm, PersonForm
from tongxin.people.models import Person


def _current_org(person):
    rows = getattr(person, "current_memberships", None)
    return rows[0].organisation.name_zh if rows else ""


def person_list(request):
    scope = scope_for(request.user)
    scope.require(Perm.PERSON_VIEW)
    filters = selectors.PersonFilters.from_request(request.GET)
    qs = selectors.person_list(user=request.user, filters=filters)
    columns = [
        Column(_("Staff number"), lambda p: p.staff_number),
        Column(pgettext("person", "Name"), lambda p: p.name),
        Column(_("Gender"), lambda p: p.get_gender_display()),
        Column(_("Date of birth"), lambda p: p.birth_date),
        Column(_("Court"), lambda p: p.court.name_zh),
        Column(_("Court code"), lambda p: p.court.code),
        Column(_("Department"), lambda p: p.department.name_zh if p.department else ""),
        Column(_("Position category"), lambda p: p.get_category_display()),
        Column(_("Leading-cadre level"), lambda p: p.get_cadre_level_display()),
        Column(_("Quota judge"), lambda p: p.is_quota_judge),
        Column(_("Political status"), lambda p: p.get_political_status_display()),
        Column(_("Joined the Party on"), lambda p: p.joined_party_on),
        Column(_("Full member since"), lambda p: p.full_member_on),
        Column(_("Organisation"), _current_org),
    ]
    return list_page(
        request,
        queryset=qs,
        template="people/person_list.html",
        columns=columns,
        filename="people.xlsx",
        context={
            "filters": filters,
            "statuses": Person.PoliticalStatus.choices,
            "categories": Person.Category.choices,
            "can_add": bool(scope.court_paths(Perm.PERSON_CHANGE)),
        },
    )


def person_detail(request, pk: int):
    scope = scope_for(request.user)
    person = scope.get(Person, pk, queryset=Person.objects.select_related("court", "department"))
    can_change = scope.visible(Person, Perm.PERSON_CHANGE).filter(pk=person.pk).exists()
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


def _court_for_new_person(scope, court_pk):
    court = Court.objects.filter(pk=court_pk).first() if str(court_pk).isdigit() else None
    if court is None:
        raise NotFound("not found")
    if not scope.covers_court(court, Perm.PERSON_CHANGE):
        raise (
            Forbidden("forbidden")
            if scope.covers_court(court, Perm.PERSON_VIEW)
            else NotFound("not found")
        )
    return court


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


def person_edit(request, pk: int | None = None):
    scope = scope_for(request.user)
    if pk:
        person = scope.get(
            Person, pk, Perm.PERSON_CHANGE, queryset=Person.objects.select_related("court")
        )
        court = person.court
    else:
        scope.require(Perm.PERSON_CHANGE)
        if not text_param(request.GET, "court"):
            return _choose_court(request, scope)
        court = _court_for_new_person(scope, text_param(request.GET, "court"))
        person = Person(court=court)
    form = PersonForm(request.POST or None, instance=person, court=court)
    if save_form(
        request,
        form,
        lambda data: services.person_save(actor=request.user, person=form.instance, changes=data),
        success=_("Saved."),
    ):
        return redirect("people:person-detail", form.instance.pk)
    return render(
        request, "people/person_form.html", {"form": form, "court": court, "person": person}
    )


def person_deactivate(request, pk: int):
    scope = scope_for(request.user)
    person = scope.get(Person, pk, Perm.PERSON_CHANGE)
    back = reverse("people:person-detail", args=[pk])
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


def person_move(request, pk: int):
    """Move a member into another organisation from a date (the old membership is kept)."""
    scope = scope_for(request.user)
    person = scope.get(
        Person, pk, Perm.PERSON_CHANGE, queryset=Person.objects.select_related("court")
    )
    # The person's own court, or for a tribunal also its basic court (whose committee it sits under).
    organisations = (
        scope.visible(PartyOrganisation, Perm.ORG_VIEW)
        .filter(is_active=True, court_id__in=[person.court_id, person.court.parent_id])
        .order_by("path")
    )
    form = MoveForm(request.POST or None, organisations=organisations)
    if save_form(
        request,
        form,
        lambda data: services.membership_move(actor=request.user, person=person, **data),
        success=_("Membership recorded."),
    ):
        return redirect("people:person-detail", person.pk)
    return render(request, "people/person_move.html", {"form": form, "person": person})


def dues(request, pk: int):
    """Monthly Party dues of an organisation's members, with the total; exportable."""
    scope = scope_for(request.user)
    org = scope.get(PartyOrganisation, pk)
    if not scope.visible(PartyOrganisation, Perm.DUES_VIEW).filter(pk=org.pk).exists():
        raise Forbidden("forbidden")
    rows, total = selectors.dues_for(organisation=org)
    if request.GET.get("export") == "xlsx":
        from tongxin.lib.excel import workbook_response

        return workbook_response(
            filename=f"dues-{org.pk}.xlsx",
            headers=[
                _("Organisation"),
                _("Staff number"),
                pgettext("person", "Name"),
                _("Declared salary base"),
                _("Retired"),
                _("Monthly dues"),
            ],
            rows=[
                [o.name_zh, p.staff_number, p.name, p.dues_base, p.is_retired, amount]
                for o, p, amount in rows
            ]
            + [["", "", _("Total"), "", "", total]],
        )
    return render(request, "people/dues.html", {"org": org, "rows": rows, "total": total})


# Accounts and role grants ----------------------------------------------------------------
