import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.exceptions import ApplicationError
from tongxin.core.listing import Column, confirm_page, form_page, list_page, save_form, text_param
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.lib.dates import add_months
from tongxin.lib.excel import download_response, workbook_response
from tongxin.lib.pdf import PDF, pdf_file
from tongxin.orgs import health, rosters, selectors, services
from tongxin.orgs.forms import (
    CellForm,
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


def _date_param(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _roster_date(request) -> tuple[datetime.date, str]:
    """The roster's day (?on=YYYY-MM-DD, default today) and, for text that is not a date,
    why today is shown instead."""
    value = text_param(request.GET, "on", 40)
    on = _date_param(value)
    if on is None and value:
        return timezone.localdate(), _(
            "“%(value)s” is not a date (YYYY-MM-DD): the roster shows today."
        ) % {"value": value}
    return on or timezone.localdate(), ""


def _roster_subtree(request, org: PartyOrganisation) -> bool:
    return request.GET.get("sub") == "1" and org.kind in rosters.SUBTREE_KINDS


def _roster_query(roster) -> str:
    query = {"on": roster.on.isoformat()}
    if roster.subtree:
        query["sub"] = "1"
    return urlencode(query)


# The roster (花名册) as a file: personal data, so for those who may see the organisation's
# people (a member sees the short roster on their branch's page, and no export).
@requires(Perm.PERSON_VIEW, PartyOrganisation)
def roster_xlsx(request, org: PartyOrganisation):
    on, _error = _roster_date(request)
    roster = rosters.roster_build(organisation=org, on=on, subtree=_roster_subtree(request, org))
    headers, rows = roster.table()
    footer = [
        [],
        [_("Organisation"), org.name_zh, _("Court"), org.court.name_zh, _("Date"), on],
        [
            _("Full members"),
            roster.full,
            _("Probationary members"),
            roster.probationary,
            _("Total"),
            roster.total,
        ],
    ]
    return workbook_response(
        filename=roster.filename("xlsx"), headers=headers, rows=[*rows, *footer]
    )


ROSTER_PDF_MAX_ROWS = 1000


@requires(Perm.PERSON_VIEW, PartyOrganisation)
def roster_pdf(request, org: PartyOrganisation):
    """The roster as an A4 PDF with the CJK font embedded: organisation, court, date and
    counts in the heading, page numbers in the footer."""
    on, _error = _roster_date(request)
    roster = rosters.roster_build(organisation=org, on=on, subtree=_roster_subtree(request, org))
    limit = getattr(settings, "ROSTER_PDF_MAX_ROWS", ROSTER_PDF_MAX_ROWS)
    if roster.total > limit:  # about 10 s of rendering per thousand members: the .xlsx instead
        return render(
            request,
            "orgs/roster_too_long.html",
            {"org": org, "roster": roster, "limit": limit, "roster_query": _roster_query(roster)},
        )
    headers, rows = roster.table()
    fitted = roster.fitted()
    rows = [
        [
            ("" if v is None else v.isoformat() if isinstance(v, datetime.date) else v, fits)
            for v, fits in zip(row, fitted, strict=True)
        ]
        for row in rows
    ]
    html = render_to_string(
        "orgs/roster_pdf.html",
        {
            "org": org,
            "roster": roster,
            "headers": list(zip(headers, fitted, strict=True)),
            "rows": rows,
            "today": timezone.localdate(),
        },
        request=request,
    )
    handle = pdf_file(html, stylesheets=[settings.BASE_DIR / "static" / "css" / "roster-pdf.css"])
    return download_response(handle, filename=roster.filename("pdf"), content_type=PDF)


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
