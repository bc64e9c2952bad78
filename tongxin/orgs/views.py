import datetime

from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.exceptions import ApplicationError
from tongxin.core.listing import Column, confirm_page, form_page, list_page, save_form, text_param
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.lib.dates import add_months
from tongxin.orgs import health, selectors, services
from tongxin.orgs.forms import (
    CourtForm,
    DepartmentForm,
    ElectionForm,
    HealthRuleForm,
    OrganisationForm,
    PostEndForm,
    PostForm,
    PostponementForm,
    TermForm,
)
from tongxin.orgs.lists import COURTS, DEPARTMENTS, ORGANISATIONS
from tongxin.orgs.models import CommitteePost, Court, Department, HealthRule, PartyOrganisation
from tongxin.people.models import Person

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
    on = _date_param(request.GET.get("on")) or timezone.localdate()
    can_change = scope.can(Perm.ORG_CHANGE, org)
    visible_people = set(
        scope.visible(Person).filter(memberships__organisation=org).values_list("pk", flat=True)
    )
    findings = health.findings(user=request.user, organisation=org)
    return render(
        request,
        "orgs/organisation_detail.html",
        {
            "org": org,
            "on": on,
            "can_change": can_change,
            "roster": selectors.roster_on(organisation=org, on=on),
            "posts": selectors.posts_on(organisation=org, on=on),
            "post_history": org.posts.select_related("person").order_by("-starts_on"),
            "terms": org.terms.all(),
            "elected": org.kind in PartyOrganisation.ELECTED_KINDS,
            "parent_visible": bool(org.parent_id) and scope.can(Perm.ORG_VIEW, org.parent),
            "current_term": selectors.term_current(org, on),
            "children": org.children.order_by("path"),
            "departments": org.departments.all(),
            "findings": findings,
            "visible_people": visible_people,
            "can_dues": scope.can(Perm.DUES_VIEW, org),
        },
    )


def _date_param(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


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

    return form_page(
        request,
        form=form,
        action=act,
        success=_("Term recorded."),
        redirect_to=reverse("orgs:organisation-detail", args=[org.pk]),
        template="orgs/simple_form.html",
        context={"org": org, "title": _("Record a committee term")},
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
    return form_page(
        request,
        form=form,
        action=lambda data: services.election_record(
            actor=request.user,
            organisation=org,
            elected_on=data["elected_on"],
            years=data["years"],
            posts=form.posts(),
        ),
        success=_("Election recorded: the new term and committee begin on the election day."),
        redirect_to=reverse("orgs:organisation-detail", args=[org.pk]),
        template="orgs/simple_form.html",
        context={"org": org, "title": _("Record an election")},
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
    return form_page(
        request,
        form=form,
        action=postpone,
        success=_("Postponement recorded."),
        redirect_to=reverse("orgs:organisation-detail", args=[org.pk]),
        template="orgs/simple_form.html",
        context={"org": org, "title": _("Record a postponed election")},
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
    return form_page(
        request,
        form=form,
        action=lambda data: services.post_assign(actor=request.user, organisation=org, **data),
        success=_("Post assigned."),
        redirect_to=reverse("orgs:organisation-detail", args=[org.pk]),
        template="orgs/simple_form.html",
        context={"org": org, "title": _("Assign a committee post")},
    )


@requires(Perm.ORG_CHANGE, CommitteePost)
def post_end(request, post: CommitteePost):
    org = post.organisation
    form = PostEndForm(request.POST or None)
    return form_page(
        request,
        form=form,
        action=lambda data: services.post_end(actor=request.user, post=post, **data),
        success=_("Post ended."),
        redirect_to=reverse("orgs:organisation-detail", args=[org.pk]),
        template="orgs/simple_form.html",
        context={"org": org, "title": _("End the post: %(post)s") % {"post": post}},
    )


# Health ----------------------------------------------------------------------------------


@requires(Perm.HEALTH_VIEW)
def health_page(request):
    """Every rule broken in a court subtree (or the user's organisations), with reasons."""
    scope = scope_for(request.user)
    court = None
    code = text_param(request.GET, "court")
    court_id = text_param(request.GET, "court_id")  # a court without a code: a tribunal
    if code:
        court = scope.visible(Court, Perm.HEALTH_VIEW).filter(code=code).first()
    elif court_id.isdigit():
        court = scope.visible(Court, Perm.HEALTH_VIEW).filter(pk=int(court_id)).first()
    # Lazy: counts by aggregates, then only the page shown (the export takes them all).
    items = health.check(user=request.user, court=court)
    tally = items.tally()
    rule = text_param(request.GET, "rule")
    if rule:
        items = items.only(rule)
    return list_page(
        request,
        queryset=items,
        template="orgs/health.html",
        columns=[
            Column(_("Rule"), lambda i: i.label),
            Column(_("Organisation or person"), lambda i: i.subject),
            Column(_("Court"), lambda i: i.court),
            Column(_("Reason"), lambda i: i.reason),
        ],
        filename="health.xlsx",
        context={
            "tally": tally,
            "rule": rule,
            "court": court,
            "code": code,
            "court_query": _court_query(court, code),
            "unknown_court": bool(code) and court is None,
            "unknown_court_id": not code and bool(court_id) and court is None,
            "can_edit_rules": scope.has(Perm.RULE_CHANGE),
        },
    )


def _court_query(court, code: str) -> str:
    """The health page's court in its links: by code, or by id for a court without one."""
    from urllib.parse import urlencode

    if court is not None and not court.code:
        return urlencode({"court_id": court.pk})
    return urlencode({"court": code})


@requires(Perm.RULE_CHANGE)
def rule_list(request):
    """Health rules and their thresholds: editable data with domain.md defaults. Every rule is
    listed, with its row or, where the row is missing, its defaults; saving creates the row."""
    rows = {row.code: row for row in HealthRule.objects.all()}
    forms = []
    for code, spec in health.RULES.items():
        row = rows.get(code) or HealthRule(code=code, value=spec.value, value_max=spec.value_max)
        form = HealthRuleForm(
            request.POST if request.POST.get("code") == code else None, instance=row, prefix=code
        )
        for name in ("value", "value_max"):
            if getattr(spec, name) is None:
                del form.fields[name]
            else:  # a blank threshold would silently mean the default: ask for a number
                form.fields[name].required = True
        forms.append((spec, form))

    for spec, form in forms:
        if request.POST.get("code") == spec.code and save_form(
            request,
            form,
            lambda data, form=form: _rule_save(request.user, form),
            success=_("Rule saved."),
        ):
            return redirect("orgs:rule-list")
    return render(request, "orgs/rule_list.html", {"forms": forms})


def _rule_save(actor, form) -> HealthRule:
    from tongxin.core.services import model_save

    return model_save(actor=actor, instance=form.instance, changes={}, action="orgs.health_rule")
