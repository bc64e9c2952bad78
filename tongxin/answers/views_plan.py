"""Pages of responsibility lists, tour guidance and the task figures."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tongxin.answers import planning, selectors, services
from tongxin.answers.forms import (
    CopyForm,
    FindingForm,
    ItemForm,
    ListForm,
    OrgListForm,
    TaskForm,
    VisitForm,
)
from tongxin.answers.lists import ITEMS, VISITS
from tongxin.answers.models import (
    Finding,
    ListItem,
    ResponsibilityList,
    TourVisit,
)
from tongxin.answers.sources import sources, tasks_of
from tongxin.answers.views import _task_values
from tongxin.core.access import requires
from tongxin.core.exceptions import Forbidden, NotFound
from tongxin.core.listing import form_page
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs.models import Court, PartyOrganisation

# Responsibility lists ---------------------------------------------------------------------


@requires(Perm.LIST_VIEW)
def resp_list(request):
    scope = scope_for(request.user)
    lists = (
        scope.visible(ResponsibilityList, Perm.LIST_VIEW)
        .select_related("court", "organisation", "cadre")
        .annotate(
            n_items=Count("items"),
            n_done=Count("items", filter=Q(items__state=ListItem.State.DONE)),
        )
    )
    year = request.GET.get("year", "")
    if year.isdigit():
        lists = lists.filter(year=int(year))
    if request.GET.get("export") in ("xlsx", "csv"):
        return ITEMS.page(request, template="answers/resp_list.html")
    return render(
        request,
        "answers/resp_list.html",
        {
            "lists": lists[:500],
            "year": year,
            "courts": _change_courts(scope, Perm.LIST_CHANGE),
            "organisations": _change_organisations(scope),
        },
    )


def _change_courts(scope, perm):
    paths = scope.court_paths(perm)
    if not paths:
        return []
    return list(Court.objects.filter(path__in=paths).order_by("path")[:50])


def _change_organisations(scope):
    """The organisations a branch role keeps the list of (not those reached by a court grant:
    those users create lists from the court's button)."""
    paths = [g.org_path for g in scope.grants if g.org_path and g.role != "member"]
    paths = [p for p in paths if p in scope.org_paths(Perm.LIST_CHANGE)]
    return list(PartyOrganisation.objects.filter(path__in=paths).order_by("path")[:20])


@requires(Perm.LIST_CHANGE, PartyOrganisation, pk="org_pk")
def resp_create_org(request, organisation):
    """A grassroots organisation's list, created by its secretary (or court staff)."""
    created = {}

    def action(d):
        created["l"] = planning.list_create(
            user=request.user, court=organisation.court, kind=ResponsibilityList.Kind.ORGANISATION,
            year=d["year"], title=d["title"], organisation=organisation,
        )  # fmt: skip

    return form_page(
        request,
        form=OrgListForm(request.POST or None),
        action=action,
        success=_("The responsibility list was created."),
        redirect_to=lambda: reverse("answers:resp-detail", args=[created["l"].pk]),
        template="answers/form.html",
        context={"title": _("New responsibility list"), "object": organisation},
    )


@requires(Perm.LIST_CHANGE, Court, pk="court_pk")
def resp_create(request, court):
    created = {}

    def action(d):
        created["l"] = planning.list_create(
            user=request.user, court=court, kind=d["kind"], year=d["year"], title=d["title"],
            organisation=d["organisation"], cadre=d["cadre"],
        )  # fmt: skip

    return form_page(
        request,
        form=ListForm(request.POST or None, court=court),
        action=action,
        success=_("The responsibility list was created."),
        redirect_to=lambda: reverse("answers:resp-detail", args=[created["l"].pk]),
        template="answers/form.html",
        context={"title": _("New responsibility list"), "object": court},
    )


@requires(Perm.LIST_VIEW, ResponsibilityList)
def resp_detail(request, lst: ResponsibilityList):
    """The review page: every item with its state, evidence and the tasks it spawned."""
    scope = scope_for(request.user)
    items = list(lst.items.select_related("responsible_person"))
    tasks = tasks_of("answers.listitem", [i.pk for i in items])
    for item in items:
        item.tasks = tasks.get(item.pk, [])
    return render(
        request,
        "answers/resp_detail.html",
        {
            "lst": lst,
            "items": items,
            "can_change": scope.can(Perm.LIST_CHANGE, lst),
            "can_assign": scope.covers_court(lst.court, Perm.TASK_ASSIGN),
        },
    )


@requires(Perm.LIST_CHANGE, ResponsibilityList)
def item_create(request, lst: ResponsibilityList):
    return _item_form(request, lst, None)


@requires(Perm.LIST_CHANGE, ListItem)
def item_edit(request, item: ListItem):
    return _item_form(request, item.list, item)


def _item_form(request, lst, item):
    initial = None
    if item is not None:
        initial = {f: getattr(item, f) for f in (
            "content", "measures", "responsible_person", "responsible_unit", "deadline",
            "state", "evidence")}  # fmt: skip
    return form_page(
        request,
        form=ItemForm(request.POST or None, court=lst.court, initial=initial),
        action=lambda d: planning.item_save(user=request.user, lst=lst, item=item, **d),
        success=_("The item was saved."),
        redirect_to=reverse("answers:resp-detail", args=[lst.pk]),
        template="answers/form.html",
        context={"title": _("Responsibility-list item"), "object": lst},
    )


@requires(Perm.LIST_CHANGE, ResponsibilityList)
def resp_copy(request, lst: ResponsibilityList):
    created = {}

    def action(d):
        created["l"] = planning.list_copy(user=request.user, source=lst, year=d["year"])

    return form_page(
        request,
        form=CopyForm(request.POST or None, initial={"year": lst.year + 1}),
        action=action,
        success=_("The list was copied; review each item's deadline."),
        redirect_to=lambda: reverse("answers:resp-detail", args=[created["l"].pk]),
        template="answers/form.html",
        context={"title": _("Copy to another year"), "object": lst},
    )


@requires(Perm.TASK_ASSIGN, ListItem, parent_view=Perm.LIST_VIEW)
def item_task(request, item: ListItem):
    return _task_from(
        request, item, item.list.court, reverse("answers:resp-detail", args=[item.list_id])
    )


def _task_from(request, source, court, back):
    return form_page(
        request,
        form=TaskForm(request.POST or None, court=court),
        action=lambda d: services.task_create(user=request.user, source=source, **_task_values(d)),
        success=_("The rectification task was created."),
        redirect_to=back,
        template="answers/form.html",
        context={"title": _("Turn into a rectification task"), "object": source},
    )


@requires(Perm.TASK_ASSIGN)
def task_from_source(request, model: str, pk: int):
    """Turn a record of any declared source (another app's finding, a meeting's issue) into a
    rectification task: the record as its own app scopes it (404 outside), and task.assign
    over the record's court (403 otherwise)."""
    from django.apps import apps

    declared = sources().get(model.lower())
    if declared is None:
        raise NotFound("not found")
    scope = scope_for(request.user)
    record = scope.get(apps.get_model(declared.model), pk)
    court = declared.court(record) if declared.court else None
    if court is None or not scope.covers_court(court, Perm.TASK_ASSIGN):
        raise Forbidden("forbidden", kind=Forbidden.VIEW_ONLY)
    back = declared.url(record) if declared.url else reverse("answers:task-list")
    return _task_from(request, record, court, back)


# Tour guidance ----------------------------------------------------------------------------


@requires(Perm.TOUR_VIEW)
def tour_list(request):
    return VISITS.page(
        request,
        template="answers/tour_list.html",
        context={
            "states": TourVisit.State.choices,
            "courts": _change_courts(scope_for(request.user), Perm.TOUR_CHANGE),
        },
    )


@requires(Perm.TOUR_CHANGE, Court, pk="court_pk")
def tour_create(request, court):
    created = {}

    def action(d):
        created["v"] = planning.visit_save(user=request.user, court=court, **d)

    return form_page(
        request,
        form=VisitForm(request.POST or None, court=court),
        action=action,
        success=_("The visit was saved."),
        redirect_to=lambda: reverse("answers:tour-detail", args=[created["v"].pk]),
        template="answers/form.html",
        context={"title": _("Plan a tour guidance visit"), "object": court},
    )


@requires(Perm.TOUR_CHANGE, TourVisit)
def tour_edit(request, visit: TourVisit):
    initial = {
        f: getattr(visit, f) for f in ("target", "planned_on", "visited_on", "team", "purpose")
    }
    return form_page(
        request,
        form=VisitForm(request.POST or None, court=visit.court, initial=initial),
        action=lambda d: planning.visit_save(
            user=request.user, court=visit.court, visit=visit, **d
        ),
        success=_("The visit was saved."),
        redirect_to=reverse("answers:tour-detail", args=[visit.pk]),
        template="answers/form.html",
        context={"title": _("Tour guidance visit"), "object": visit},
    )


@requires(Perm.TOUR_VIEW, TourVisit)
def tour_detail(request, visit: TourVisit):
    scope = scope_for(request.user)
    findings = list(visit.findings.all())
    tasks = tasks_of("answers.finding", [f.pk for f in findings])
    for finding in findings:
        finding.tasks = tasks.get(finding.pk, [])
    return render(
        request,
        "answers/tour_detail.html",
        {
            "visit": visit,
            "findings": findings,
            "can_change": scope.can(Perm.TOUR_CHANGE, visit),
            "can_assign": scope.covers_court(visit.court, Perm.TASK_ASSIGN),
        },
    )


@requires(Perm.TOUR_CHANGE, TourVisit)
def finding_create(request, visit: TourVisit):
    return form_page(
        request,
        form=FindingForm(request.POST or None),
        action=lambda d: planning.finding_add(user=request.user, visit=visit, text=d["text"]),
        success=_("The finding was recorded."),
        redirect_to=reverse("answers:tour-detail", args=[visit.pk]),
        template="answers/form.html",
        context={"title": _("Record a finding"), "object": visit},
    )


@requires(Perm.TASK_ASSIGN, Finding, parent_view=Perm.TOUR_VIEW)
def finding_task(request, finding: Finding):
    return _task_from(
        request,
        finding,
        finding.visit.target,
        reverse("answers:tour-detail", args=[finding.visit_id]),
    )


# Figures -------------------------------------------------------------------------------------


@requires(Perm.TASK_VIEW)
def figures(request):
    by = "department" if request.GET.get("by") == "department" else "court"
    return render(
        request,
        "answers/figures.html",
        {"rows": selectors.figures(user=request.user, by=by), "by": by},
    )
