"""The people list: the page, its .xlsx export and the API read rows through one definition.
Each column also names its field, so that a large export reads plain values."""

from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tongxin.core.listing import Column, Filters, ListDefinition
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.people import selectors
from tongxin.people.models import Membership, Person, Transfer


def _current_org(person):
    rows = getattr(person, "current_memberships", None)
    return rows[0].organisation.name_zh if rows else ""


def _current_org_field():
    """The organisation of the person's open membership (at most one: a unique index)."""
    return Subquery(
        Membership.objects.filter(person=OuterRef("pk"), ends_on__isnull=True)
        .order_by()
        .values("organisation__name_zh")[:1]
    )


PEOPLE = ListDefinition(
    filters=selectors.PersonFilters,
    select=selectors.person_list,
    columns=lambda: [
        Column(_("Staff number"), lambda p: p.staff_number, field="staff_number"),
        Column(pgettext("person", "Name"), lambda p: p.name, field="name"),
        Column(
            _("Gender"),
            lambda p: p.get_gender_display(),
            field="gender",
            labels=Person.Gender.choices,
        ),
        Column(_("Date of birth"), lambda p: p.birth_date, field="birth_date"),
        Column(_("Court"), lambda p: p.court.name_zh, field="court__name_zh"),
        Column(_("Court code"), lambda p: p.court.code, field="court__code"),
        Column(
            _("Department"),
            lambda p: p.department.name_zh if p.department else "",
            field="department__name_zh",
        ),
        Column(
            _("Position category"),
            lambda p: p.get_category_display(),
            field="category",
            labels=Person.Category.choices,
        ),
        Column(
            _("Leading-cadre level"),
            lambda p: p.get_cadre_level_display(),
            field="cadre_level",
            labels=Person.CadreLevel.choices,
        ),
        Column(_("Quota judge"), lambda p: p.is_quota_judge, field="is_quota_judge"),
        Column(
            _("Political status"),
            lambda p: p.get_political_status_display(),
            field="political_status",
            labels=Person.PoliticalStatus.choices,
        ),
        Column(_("Joined the Party on"), lambda p: p.joined_party_on, field="joined_party_on"),
        Column(_("Full member since"), lambda p: p.full_member_on, field="full_member_on"),
        Column(_("Organisation"), _current_org, field=_current_org_field()),
    ],
    filename="people.xlsx",
    name="people.people",
)


@dataclass
class TransferFilters(Filters):
    status: str = ""  # "" = in transit, "all", or a status
    q: str = ""  # part of the name or the letter number


def transfer_select(*, user, filters: TransferFilters):
    qs = scope_for(user).visible(Transfer, Perm.PERSON_VIEW)
    status = filters.status or Transfer.Status.IN_TRANSIT
    if status != "all":
        qs = qs.filter(status=status)
    if filters.q:
        qs = qs.filter(Q(person__name__startswith=filters.q) | Q(letter_number=filters.q))
    return qs.select_related(
        "person", "from_organisation__court", "to_organisation__court"
    ).order_by("-sent_on", "-id")


TRANSFERS = ListDefinition(
    name="people.transfers",
    filters=TransferFilters,
    select=transfer_select,
    columns=lambda: [
        Column(_("Name"), lambda t: t.person.name, field="person__name"),
        Column(
            _("From court"),
            lambda t: t.from_organisation.court.name_zh,
            field="from_organisation__court__name_zh",
        ),
        Column(
            _("From"), lambda t: t.from_organisation.name_zh, field="from_organisation__name_zh"
        ),
        Column(
            _("To court"),
            lambda t: t.to_organisation.court.name_zh,
            field="to_organisation__court__name_zh",
        ),
        Column(_("To"), lambda t: t.to_organisation.name_zh, field="to_organisation__name_zh"),
        Column(_("Letter number"), lambda t: t.letter_number, field="letter_number"),
        Column(_("Sent on"), lambda t: t.sent_on, field="sent_on"),
        Column(
            _("Status"),
            lambda t: t.get_status_display(),
            field="status",
            labels=Transfer.Status.choices,
        ),
        Column(_("Received or returned on"), lambda t: t.settled_on, field="settled_on"),
    ],
    filename="transfers.xlsx",
)
