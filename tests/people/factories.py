"""Factories of the people app."""

import datetime

import factory

from tongxin.people.models import Membership, Person


class PersonFactory(factory.django.DjangoModelFactory):
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


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory("tests.orgs.factories.OrganisationFactory")
    starts_on = datetime.date(2020, 1, 1)
