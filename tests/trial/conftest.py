"""The trial tests' world: the shared one, with judges (staff numbers) in the basic court."""

import pytest

from tests.factories import PersonFactory
from tongxin.people.models import Person


@pytest.fixture
def judges(world):
    made = {}
    for number in ("J001", "J002", "J003"):
        made[number] = PersonFactory(
            court=world.basic,
            department=world.dept,
            staff_number=number,
            category=Person.Category.JUDGE,
        )
    made["I001"] = PersonFactory(
        court=world.inter, staff_number="I001", category=Person.Category.JUDGE
    )
    return made
