from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.access import requires
from tongxin.core.listing import confirm_page, form_page, text_param
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.lib.dates import add_months
from tongxin.orgs.models import Court, PartyOrganisation
from tongxin.people import ledger, ledger_export, services
from tongxin.people.dues import dues_rate
from tongxin.people.forms import DuesForm, MoveForm, PersonForm
from tongxin.people.lists import PEOPLE
from tongxin.people.models import DuesPayment, Person


@requires(Perm.PERSON_VIEW)
def person_list(request):
    return PEOPLE.page(
        request,
        template="people/person_list.html",
        context={
            "statuses": Person.PoliticalStatus.choices,
            "categories": Person.Category.choices,
            "can_add": bool(scope_for(request.user).court_paths(Perm.PERSON_CHANGE)),
        },
    )


@requires(Perm.PERSON_VIEW, Person)
def person_detail(request, person: Person):
    scope = scope_for(request.user)
    can_change = scope.can(Perm.PERSON_CHANGE, person)
    dues = None
    # The declared salary base is for those who keep the dues: not every reader of the record.
    if person.dues_base is not None and person.is_party_member and _sees_dues(scope, person):
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


def _sees_dues(scope, person) -> bool:
    """True if the user holds the dues permission over the person's court or branch."""
    if scope.covers_court(person.court, Perm.DUES_VIEW):
        return True
    branch = person.memberships.filter(ends_on__isnull=True).values("organisation")
    return scope.visible(PartyOrganisation, Perm.DUES_VIEW).filter(pk__in=branch).exists()


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
    """A branch's dues collection sheet for a month: what each member owes, what was paid or
    exempted, arrears carried; exportable."""
    today = timezone.localdate()
    month = ledger.parse_month(text_param(request.GET, "month"), ledger.month_start(today))
    month = min(month, ledger.month_start(today))
    sheet = ledger.collection_sheet(organisation=org, month=month)
    if request.GET.get("export") in ("xlsx", "csv"):
        return ledger_export.sheet_response(sheet, request.GET["export"])
    return render(
        request,
        "people/dues.html",
        {
            "org": org,
            "sheet": sheet,
            "month": month,
            "previous": add_months(month, -1).strftime("%Y-%m"),
            "next": add_months(month, 1).strftime("%Y-%m")
            if month < ledger.month_start(today)
            else "",
            "can_record": scope_for(request.user).can(Perm.DUES_CHANGE, org),
            "ledger_start": ledger.ledger_start(),
        },
    )


@requires(Perm.DUES_CHANGE, PartyOrganisation)
def dues_record(request, org: PartyOrganisation):
    """Record a member's month as paid or exempt (from the collection sheet)."""
    members = Person.objects.filter(pk__in=[m.person_id for m in ledger_members(org)]).order_by(
        "name"
    )
    initial = {
        "person": text_param(request.GET, "person"),
        "month": text_param(request.GET, "month") or timezone.localdate().strftime("%Y-%m"),
        "status": text_param(request.GET, "status") or "paid",
        "paid_on": timezone.localdate(),
    }
    form = DuesForm(request.POST or None, members=members, initial=initial)
    month = form.data.get("month") or initial["month"]
    return form_page(
        request,
        form=form,
        action=lambda data: ledger.dues_record(actor=request.user, organisation=org, **data),
        success=_("Dues recorded."),
        redirect_to=lambda: f"{reverse('people:dues', args=[org.pk])}?month={month}",
        template="people/dues_record.html",
        context={"org": org},
    )


def ledger_members(org):
    """Everyone who belonged to the branch since the ledger began (payments may be late)."""
    start = ledger.ledger_start()
    return org.memberships.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=start))


@requires(Perm.DUES_CHANGE, DuesPayment)
def dues_undo(request, payment: DuesPayment):
    back = f"{reverse('people:dues', args=[payment.organisation_id])}?month={payment.month:%Y-%m}"
    return confirm_page(
        request,
        obj=payment,
        action=lambda: ledger.dues_undo(actor=request.user, payment=payment),
        question=_("Take back the record “%(payment)s”? The month becomes unpaid again.")
        % {"payment": payment},
        done=_("Record taken back."),
        back=back,
        redirect_to=back,
    )


# The organisations that have members of their own (and so a dues ledger).
MEMBER_KINDS = (
    PartyOrganisation.Kind.BRANCH,
    PartyOrganisation.Kind.GENERAL_BRANCH,
    PartyOrganisation.Kind.ORGAN_COMMITTEE,
)


@requires(Perm.DUES_VIEW)
def dues_year(request):
    """A court's yearly dues report, branch by branch and month by month; exportable."""
    scope = scope_for(request.user)
    code = text_param(request.GET, "court")
    year = text_param(request.GET, "year")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    organisations = scope.visible(PartyOrganisation, Perm.DUES_VIEW).filter(
        kind__in=MEMBER_KINDS, is_active=True
    )
    court = None
    if code:
        court = scope.visible(Court).filter(code=code).first()
        organisations = (
            organisations.filter(court__path__startswith=court.path)
            if court
            else organisations.none()
        )
    organisations = list(organisations.select_related("court").order_by("path")[:500])
    report = ledger.yearly_report(organisations=organisations, year=year)
    if request.GET.get("export") == "xlsx":
        return ledger_export.year_response(report, year=year, court=court)
    return render(
        request,
        "people/dues_year.html",
        {"report": report, "year": year, "code": code, "court": court, "months": range(1, 13)},
    )
