"""Care in "my work" and the fourth-quarter reminder."""

import datetime

from tests.care.factories import TalkFactory
from tongxin.care.inbox import coverage_gaps, talks_due
from tongxin.core.scoping import scope_for
from tongxin.inbox.registry import reminder_sources, waiting_sources


def test_care_declares_its_sources():
    assert "care.talks" in waiting_sources()
    assert "care.coverage" in reminder_sources()


def test_a_committee_member_sees_the_talks_still_due(world, django_assert_max_num_queries):
    user = world.users["committee"]  # members[1], organisation committee member
    scope_for(user)  # a request has loaded the grants already
    with django_assert_max_num_queries(3):
        (item,) = talks_due(user)
    assert item.count == 9 and item.url == f"/care/coverage/{world.branch.pk}/"
    TalkFactory(
        organisation=world.branch,
        talker=world.members[1],
        person=world.members[5],
        held_on=datetime.date.today(),
    )
    assert talks_due(user)[0].count == 8
    assert talks_due(world.users["member"]) == []  # no committee post
    admin = world.users["admin"]
    scope_for(admin)
    with django_assert_max_num_queries(0):  # no branch role: the header pays nothing
        assert talks_due(admin) == []


def test_the_reminder_comes_in_the_fourth_quarter_once_a_year(world):
    assert list(coverage_gaps(datetime.date(2026, 9, 30))) == []
    drafts = list(coverage_gaps(datetime.date(2026, 10, 1)))
    # secretary (members[0]) and committee (members[1]) have accounts; the others do not.
    assert {d.user_id for d in drafts} == {world.users["secretary"].pk, world.users["committee"].pk}
    assert all(d.event_key.endswith(":2026") for d in drafts)
    assert len({d.event_key for d in drafts}) == len(drafts)
