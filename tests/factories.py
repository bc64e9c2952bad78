"""Every app's factories in one import, for tests that build a little of everything."""

from tests.accounts.factories import PASSWORD, UserFactory, grant
from tests.orgs.factories import (
    CourtFactory,
    DepartmentFactory,
    OrganisationFactory,
    PostFactory,
    TermFactory,
    TreeFactory,
)
from tests.people.factories import MembershipFactory, PersonFactory

__all__ = [
    "PASSWORD",
    "CourtFactory",
    "DepartmentFactory",
    "MembershipFactory",
    "OrganisationFactory",
    "PersonFactory",
    "PostFactory",
    "TermFactory",
    "TreeFactory",
    "UserFactory",
    "grant",
]
