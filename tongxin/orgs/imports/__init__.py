"""The import kinds of the orgs app: courts, departments and Party organisations.

Registered with the import app (`tongxin.transfer.registry`) when Django starts; the columns
are in fields.py, one checker per kind beside it, and the lookups every court-bound kind
shares (courts by code) in lookups.py.
"""

from django.utils.translation import gettext_lazy

from tongxin.core.permissions import Perm
from tongxin.orgs.imports.courts import CourtChecker
from tongxin.orgs.imports.departments import DepartmentChecker
from tongxin.orgs.imports.fields import COURT_FIELDS, DEPARTMENT_FIELDS, ORGANISATION_FIELDS
from tongxin.orgs.imports.organisations import OrganisationChecker
from tongxin.transfer.registry import ImportKind, register

COURTS = register(
    ImportKind(
        name="courts",
        label=gettext_lazy("Courts"),
        description=gettext_lazy("Courts and people's tribunals, matched by court code."),
        fields=COURT_FIELDS,
        permission=Perm.COURT_CHANGE,
        template_name="法院导入模板.xlsx",
        checker=CourtChecker,
        order=10,
    )
)
DEPARTMENTS = register(
    ImportKind(
        name="departments",
        label=gettext_lazy("Departments"),
        description=gettext_lazy("Departments of courts, matched by court code and Chinese name."),
        fields=DEPARTMENT_FIELDS,
        permission=Perm.COURT_CHANGE,
        template_name="部门导入模板.xlsx",
        checker=DepartmentChecker,
        order=20,
    )
)
ORGANISATIONS = register(
    ImportKind(
        name="organisations",
        label=gettext_lazy("Party organisations"),
        description=gettext_lazy("Party organisations, matched by court code and Chinese name."),
        fields=ORGANISATION_FIELDS,
        permission=Perm.ORG_CHANGE,
        template_name="党组织导入模板.xlsx",
        checker=OrganisationChecker,
        order=30,
    )
)
