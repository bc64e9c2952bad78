"""Factories of the people app."""

import datetime

import factory

from tests.orgs.factories import FactsFactory
from tongxin.orgs.facts import facts_refresh
from tongxin.people.models import Membership, Person


class PersonFactory(FactsFactory):
    class Meta:
        model = Person

    court = factory.SubFactory("tests.orgs.factories.CourtFactory")
    name = factory.Sequence(lambda n: f"张{n}")
    gender = Person.Gender.FEMALE
    birth_date = datetime.date(1985, 5, 1)
    staff_number = factory.Sequence(lambda n: f"S{n:06d}")
    category = Person.Category.JUDGE
    political_status = Person.PoliticalStatus.FULL
    joined_party_on = datetime.date(2008, 7, 1)
    full_member_on = datetime.date(2009, 7, 1)

    @classmethod
    def _facts_refresh(cls, obj) -> None:
        facts_refresh(person_ids=[obj])


class MembershipFactory(FactsFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory("tests.orgs.factories.OrganisationFactory")
    starts_on = datetime.date(2020, 1, 1)

    @classmethod
    def _facts_refresh(cls, obj) -> None:
        facts_refresh([obj.organisation_id], person_ids=[obj.person_id])
