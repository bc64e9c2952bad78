"""The people import: staff matched by court code and staff number; the organisation column
moves their membership (dated by the membership-from column, default today).

Registered with the import app when Django starts (see `tongxin.transfer.registry`). The
rows are checked with the same rule function as `person_save` (`tongxin.people.rules`), so
the preview never accepts what the commit would refuse.

A row depends on no other row but through its key, so the kind is chunked: the import
checks and writes the file a chunk at a time (`Checker.chunked`), each chunk's references
(courts, departments, organisations, the people and their open memberships) looked up in a
few queries (by (court, value) pairs). The commit writes in bulk (`PersonChecker.apply`):
new people with `bulk_create`, changed fields with one UPDATE per person sent by
executemany, membership moves by closing the open rows and creating the new ones, every
change recorded under the batch's one audit entry.
"""

from django.utils.translation import gettext_lazy

from tongxin.core.permissions import Perm
from tongxin.people.imports.checker import PersonChecker
from tongxin.people.imports.columns import DATES, MEMBER_KINDS, PERSON_FIELDS, PLAIN
from tongxin.transfer.registry import ImportKind, register

__all__ = ["DATES", "MEMBER_KINDS", "PEOPLE", "PERSON_FIELDS", "PLAIN", "PersonChecker"]

PEOPLE = register(
    ImportKind(
        name="people",
        label=gettext_lazy("People"),
        description=gettext_lazy(
            "Staff and their Party membership, matched by court code and staff number."
        ),
        fields=PERSON_FIELDS,
        permission=Perm.PERSON_CHANGE,
        template_name="人员导入模板.xlsx",
        checker=PersonChecker,
        order=40,
    )
)
