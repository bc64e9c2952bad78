"""Factories and a small care world on top of the shared `world` fixture."""

import datetime

import factory

from tests.factories import OrganisationFactory, PersonFactory, PostFactory
from tongxin.care.models import ContactPoint, ContactVisit, HelpRecord, HomeVisit, Talk
from tongxin.orgs.models import PartyOrganisation


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talk

    held_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=3))
    kind = Talk.Kind.ROUTINE
    summary = "<p>机密谈话内容 confidential words</p>"


class HomeVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeVisit

    visited_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=2))
    purpose = "看望"
    notes = "<p>家访机密记录 private notes</p>"


class HelpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpRecord

    difficulty = "家属重病 secret hardship"
    kind = HelpRecord.Kind.ILLNESS
    amount = 2000
    given_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=5))
    given_by = "院工会"


def care_world(w):
    """Add (once) a talk and a home visit in the world's branch by the committee user's
    person with the member user's person, a help record on the high court (where the
    party-affairs and leader users are granted) and a contact point of a Party group member."""
    if getattr(w, "talk", None) is not None:
        return w
    talker, person = w.members[1], w.members[5]
    w.talk = TalkFactory(organisation=w.branch, talker=talker, person=person)
    w.visit = HomeVisitFactory(organisation=w.branch, visitor=talker, person=person)
    w.high_person = PersonFactory(court=w.high)
    w.help = HelpFactory(court=w.high, person=w.high_person)
    w.party_group = OrganisationFactory(
        court=w.basic,
        kind=PartyOrganisation.Kind.PARTY_GROUP,
        name_zh="玄武法院党组",
        name_en="Party Group",
    )
    w.leader_person = PersonFactory(court=w.basic)
    PostFactory(organisation=w.party_group, person=w.leader_person, post="member")
    w.contact = ContactPoint.objects.create(
        leader=w.leader_person, organisation=w.branch, starts_on=datetime.date(2025, 1, 1)
    )
    ContactVisit.objects.create(
        contact=w.contact, visited_on=datetime.date(2025, 3, 1), activities="讲党课"
    )
    return w


def sample_list_rows(world) -> None:
    """A row of each care list (tests/core/test_exports.py)."""
    care_world(world)
