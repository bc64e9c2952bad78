"""One checker per import kind: validate clean rows against the database, then apply them."""

from tongxin.transfer.kinds.courts import CourtChecker
from tongxin.transfer.kinds.departments import DepartmentChecker
from tongxin.transfer.kinds.organisations import OrganisationChecker
from tongxin.transfer.kinds.people import PersonChecker

CHECKERS = {
    "courts": CourtChecker,
    "departments": DepartmentChecker,
    "organisations": OrganisationChecker,
    "people": PersonChecker,
}
