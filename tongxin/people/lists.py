"""The people list: the page, its .xlsx export and the API read rows through one definition."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tongxin.core.listing import Column, ListDefinition
from tongxin.people import selectors


def _current_org(person):
    rows = getattr(person, "current_memberships", None)
    return rows[0].organisation.name_zh if rows else ""


PEOPLE = ListDefinition(
    filters=selectors.PersonFilters,
    select=selectors.person_list,
    columns=lambda: [
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
    ],
    filename="people.xlsx",
)
