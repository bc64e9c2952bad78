"""The lists of courts, departments and Party organisations: each page, its .xlsx export and
its API endpoint read rows through one definition (filters, scoped selector, columns).
Each column also names its field, so that a large export reads plain values."""

from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tongxin.core.listing import Column, ListDefinition
from tongxin.orgs import selectors
from tongxin.orgs.models import Court, Department, PartyOrganisation


def _parent_name():
    """The field of `parent.name`: the English name for an English reader, where there is one."""
    if (get_language() or "").startswith("en"):
        return Coalesce(NullIf(F("parent__name_en"), Value("")), F("parent__name_zh"))
    return "parent__name_zh"


COURTS = ListDefinition(
    filters=selectors.CourtFilters,
    select=selectors.court_list,
    columns=lambda: [
        Column(_("Court code"), lambda c: c.code, field="code"),
        Column(_("Name (Chinese)"), lambda c: c.name_zh, field="name_zh"),
        Column(_("Name (English)"), lambda c: c.name_en, field="name_en"),
        Column(
            _("Level"), lambda c: c.get_level_display(), field="level", labels=Court.Level.choices
        ),
        Column(_("Kind"), lambda c: c.get_kind_display(), field="kind", labels=Court.Kind.choices),
        Column(_("Province"), lambda c: c.province, field="province"),
        Column(
            _("Parent court code"),
            lambda c: c.parent.code if c.parent else "",
            field="parent__code",
        ),
        Column(
            _("Parent court"), lambda c: c.parent.name if c.parent else "", field=_parent_name()
        ),
        Column(_("Active"), lambda c: c.is_active, field="is_active"),
    ],
    filename="courts.xlsx",
    name="orgs.courts",
)

DEPARTMENTS = ListDefinition(
    filters=selectors.DepartmentFilters,
    select=selectors.department_list,
    columns=lambda: [
        Column(_("Court code"), lambda d: d.court.code, field="court__code"),
        Column(_("Court"), lambda d: d.court.name_zh, field="court__name_zh"),
        Column(_("Name (Chinese)"), lambda d: d.name_zh, field="name_zh"),
        Column(_("Name (English)"), lambda d: d.name_en, field="name_en"),
        Column(
            _("Kind"), lambda d: d.get_kind_display(), field="kind", labels=Department.Kind.choices
        ),
        Column(_("Staff"), lambda d: d.staff, field=selectors.department_staff_count()),
        Column(_("Active"), lambda d: d.is_active, field="is_active"),
    ],
    filename="departments.xlsx",
    decorate=selectors.department_staff,
    name="orgs.departments",
)

ORGANISATIONS = ListDefinition(
    filters=selectors.OrganisationFilters,
    select=selectors.organisation_list,
    columns=lambda: [
        Column(_("Organisation"), lambda o: o.name_zh, field="name_zh"),
        Column(_("Name (English)"), lambda o: o.name_en, field="name_en"),
        Column(
            _("Kind"),
            lambda o: o.get_kind_display(),
            field="kind",
            labels=PartyOrganisation.Kind.choices,
        ),
        Column(_("Court"), lambda o: o.court.name_zh, field="court__name_zh"),
        Column(_("Court code"), lambda o: o.court.code, field="court__code"),
        Column(
            _("Parent organisation"),
            lambda o: o.parent.name_zh if o.parent else "",
            field="parent__name_zh",
        ),
        Column(
            _("Full members"),
            lambda o: o.full_members,
            field=selectors.organisation_full_members_count(),
        ),
        Column(_("Founded on"), lambda o: o.founded_on, field="founded_on"),
        Column(_("Active"), lambda o: o.is_active, field="is_active"),
    ],
    filename="organisations.xlsx",
    decorate=selectors.organisation_full_members,
    name="orgs.organisations",
)
