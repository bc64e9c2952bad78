"""Pages of courts and their departments."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.exceptions import ApplicationError
from tongxin.core.listing import confirm_page, form_page, text_param
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs import services
from tongxin.orgs.forms import (
    CourtForm,
    DepartmentForm,
)
from tongxin.orgs.lists import COURTS, DEPARTMENTS
from tongxin.orgs.models import Court, Department, PartyOrganisation

# Courts ----------------------------------------------------------------------------------


@requires(Perm.COURT_VIEW)
def court_list(request):
    """The court tree within the user's scope, searchable, in tree order."""
    return COURTS.page(
        request,
        template="orgs/court_list.html",
        context={
            "levels": Court.Level.choices,
            "can_change": scope_for(request.user).has(Perm.COURT_CHANGE),
        },
    )


@requires(Perm.COURT_VIEW, Court)
def court_detail(request, court: Court):
    scope = scope_for(request.user)
    can_change = scope.can(Perm.COURT_CHANGE, court)
    children = court.children.order_by("path")
    departments = court.departments.annotate(
        people_count=Count("people", filter=Q(people__is_active=True))
    )
    organisations = scope.visible(PartyOrganisation).filter(court=court).order_by("path")
    ancestors = Court.objects.filter(
        pk__in=[int(s) for s in court.path.split(".")[:-2] if s]
    ).order_by("path")
    return render(
        request,
        "orgs/court_detail.html",
        {
            "court": court,
            "children": children,
            "departments": departments,
            "organisations": organisations,
            "can_change": can_change,
            "ancestors": ancestors,
            # Courts above the user's grants are named, not linked (their page would be 404).
            "visible_ancestors": set(scope.visible(ancestors).values_list("pk", flat=True)),
            "can_health": scope.can(Perm.HEALTH_VIEW, court),
            "people_count": court.people.filter(is_active=True).count(),
            # Nothing new is added under an inactive court (the services refuse it too).
            "can_org_change": court.is_active and scope.covers_court(court, Perm.ORG_CHANGE),
            "can_person_change": court.is_active and scope.covers_court(court, Perm.PERSON_CHANGE),
        },
    )


@requires(Perm.COURT_CHANGE, Court)
def court_edit(request, court: Court | None):
    """Create a court (from the list: no court yet) or change one."""
    scope = scope_for(request.user)
    pk = court.pk if court else None
    court = court or Court()
    form = CourtForm(
        request.POST or None, instance=court, parents=scope.visible(Court, Perm.COURT_CHANGE)
    )
    if not pk and not request.POST and text_param(request.GET, "parent"):
        form.fields["parent_code"].initial = text_param(request.GET, "parent")

    def act(data):
        changes = {k: v for k, v in data.items() if k != "parent_code"}
        changes["parent"] = data["parent_code"]
        if not pk and changes["parent"] is None:
            raise ApplicationError(_("Give the code of the parent court."))
        services.court_save(actor=request.user, court=form.instance, changes=changes)

    return form_page(
        request,
        form=form,
        action=act,
        success=_("Court saved."),
        redirect_to=lambda: reverse("orgs:court-detail", args=[form.instance.pk]),
        template="orgs/court_form.html",
        context={"court": court if pk else None},
    )


@requires(Perm.COURT_CHANGE, Court)
def court_deactivate(request, court: Court):
    pk = court.pk
    return confirm_page(
        request,
        obj=court,
        action=lambda: services.court_deactivate(actor=request.user, court=court),
        question=_(
            "Deactivate %(name)s? It stays in the records and can be reactivated by editing it."
        )
        % {"name": court.name},
        done=_("Court deactivated."),
        back=reverse("orgs:court-detail", args=[pk]),
        redirect_to=reverse("orgs:court-detail", args=[pk]),
        blocker=services.court_deactivate_blocker(court) if court.is_active else None,
    )


# Departments -----------------------------------------------------------------------------


@requires(Perm.COURT_VIEW)
def department_list(request):
    """Departments of every court in reach: search by name, filter by court subtree and kind."""
    return DEPARTMENTS.page(
        request, template="orgs/department_list.html", context={"kinds": Department.Kind.choices}
    )


@requires(Perm.COURT_CHANGE, Department, parent=(Court, "court_pk"))
def department_edit(request, department: Department | None, parent: Court | None = None):
    court = department.court if department is not None else parent
    department = department or Department(court=court)
    form = DepartmentForm(request.POST or None, instance=department)
    return form_page(
        request,
        form=form,
        action=lambda data: services.department_save(
            actor=request.user, department=form.instance, changes=data
        ),
        success=_("Department saved."),
        redirect_to=reverse("orgs:court-detail", args=[court.pk]),
        template="orgs/department_form.html",
        context={"court": court, "department": department},
    )


@requires(Perm.COURT_CHANGE, Department)
def department_deactivate(request, department: Department):
    back = reverse("orgs:court-detail", args=[department.court_id])
    return confirm_page(
        request,
        obj=department,
        action=lambda: services.department_deactivate(actor=request.user, department=department),
        question=_("Deactivate the department %(name)s? People keep it in their history.")
        % {"name": department.name},
        done=_("Department deactivated."),
        back=back,
        redirect_to=back,
    )
