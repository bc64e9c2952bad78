"""The lists of courts, departments and Party organisations: each page, its .xlsx export and
its API endpoint read rows through one definition (filters, scoped selector, columns)."""

from django.utils.translation import gettext as _

from tongxin.core.listing import Column, ListDefinition
from tongxin.orgs import selectors

COURTS = ListDefinition(
    filters=selectors.CourtFilters,
    select=selectors.court_list,
    columns=lambda: [
        Column(_("Court code"), lambda c: c.code),
        Column(_("Name (Chinese)"), lambda c: c.name_zh),
        Column(_("Name (English)"), lambda c: c.name_en),
        Column(_("Level"), lambda c: c.get_level_display()),
        Column(_("Kind"), lambda c: c.get_kind_display()),
        Column(_("Province"), lambda c: c.province),
        Column(_("Parent court code"), lambda c: c.parent.code if c.parent else ""),
        Column(_("Parent court"), lambda c: c.parent.name if c.parent else ""),
        Column(_("Active"), lambda c: c.is_active),
    ],
    filename="courts.xlsx",
)

DEPARTMENTS = ListDefinition(
    filters=selectors.DepartmentFilters,
    select=selectors.department_list,
    columns=lambda: [
        Column(_("Court code"), lambda d: d.court.code),
        Column(_("Court"), lambda d: d.court.name_zh),
        Column(_("Name (Chinese)"), lambda d: d.name_zh),
        Column(_("Name (English)"), lambda d: d.name_en),
        Column(_("Kind"), lambda d: d.get_kind_display()),
        Column(_("Staff"), lambda d: d.staff),
        Column(_("Active"), lambda d: d.is_active),
    ],
    filename="departments.xlsx",
    decorate=selectors.department_staff,
)

ORGANISATIONS = ListDefinition(
    filters=selectors.OrganisationFilters,
    select=selectors.organisation_list,
    columns=lambda: [
        Column(_("Organisation"), lambda o: o.name_zh),
        Column(_("Name (English)"), lambda o: o.name_en),
        Column(_("Kind"), lambda o: o.get_kind_display()),
        Column(_("Court"), lambda o: o.court.name_zh),
        Column(_("Court code"), lambda o: o.court.code),
        Column(_("Parent organisation"), lambda o: o.parent.name_zh if o.parent else ""),
        Column(_("Full members"), lambda o: o.full_members),
        Column(_("Founded on"), lambda o: o.founded_on),
        Column(_("Active"), lambda o: o.is_active),
    ],
    filename="organisations.xlsx",
    decorate=selectors.organisation_full_members,
)
