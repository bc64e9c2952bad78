import datetime

import pytest

from tests.factories import (
    CourtFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PostFactory,
)
from tongxin.orgs.models import Court


@pytest.fixture
def branch_of(db):
    """branch_of(n_full, founded_on=..., court=...) → (branch, people): a branch of n full
    members (joined 2020), no committee unless a test adds posts."""
    court = CourtFactory(code="测01", level=Court.Level.BASIC)

    def make(n=8, *, founded_on=datetime.date(2010, 1, 1), probationary=0, parent_court=None):
        branch = OrganisationFactory(court=parent_court or court, founded_on=founded_on)
        people = [PersonFactory(court=branch.court, name=f"成员{i:02d}") for i in range(n)]
        for p in people:
            MembershipFactory(person=p, organisation=branch)
        for i in range(probationary):
            p = PersonFactory(
                court=branch.court, name=f"预备{i:02d}", political_status="probationary",
                joined_party_on=datetime.date(2025, 1, 1), full_member_on=None,
            )  # fmt: skip
            MembershipFactory(person=p, organisation=branch)
            people.append(p)
        return branch, people

    make.court = court
    return make


def committee(branch, person, starts_on):
    return PostFactory(organisation=branch, person=person, post="secretary", starts_on=starts_on)
