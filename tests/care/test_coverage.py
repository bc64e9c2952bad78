"""Yearly talk coverage: each committee member with each member of the branch, once a year."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.care.factories import TalkFactory
from tests.factories import MembershipFactory, PersonFactory, PostFactory
from tongxin.care import services
from tongxin.care.coverage import branch_coverage, coverage_day, coverage_figures
from tongxin.care.selectors import person_year_facts
from tongxin.people.services import membership_move

TODAY = datetime.date(2026, 11, 30)


def _talk(w, talker, person, day=datetime.date(2026, 3, 1)):
    return services.talk_record(
        actor=w.users["committee"],
        organisation=w.branch,
        talker=talker,
        person=person,
        held_on=day,
        kind="routine",
        summary="<p>谈话</p>",
        today=TODAY,
    )


def test_every_pair_is_due_until_a_talk_covers_it(world):
    coverage = branch_coverage(world.branch, 2026, TODAY)
    # Four committee members (posts) and ten members (nine full, one probationary): each
    # committee member owes a talk to the nine others.
    assert len(coverage.rows) == 4 and len(coverage.members) == 10
    assert (coverage.done, coverage.due) == (0, 36)
    _talk(world, world.members[1], world.members[5])
    _talk(world, world.members[1], world.members[5], datetime.date(2026, 4, 1))  # twice: once
    _talk(world, world.members[0], world.probationary)
    coverage = branch_coverage(world.branch, 2026, TODAY)
    assert (coverage.done, coverage.due) == (2, 36)
    by_person = {row.person.pk: row for row in coverage.rows}
    assert world.members[5] in by_person[world.members[1].pk].done
    assert world.members[5] in by_person[world.members[0].pk].missing
    assert (world.members[1], world.members[5]) not in coverage.gaps
    assert (world.members[0], world.members[5]) in coverage.gaps
    assert len(coverage.gaps) == 34
    # The matrix: a member's own column is None, a covered pair True.
    rows = dict(coverage.matrix())
    posts = [row.person.pk for row in coverage.rows]
    assert rows[world.members[5]][posts.index(world.members[1].pk)] is True
    assert rows[world.members[1]][posts.index(world.members[1].pk)] is None


def test_last_years_talks_and_members_who_left_do_not_count(world):
    TalkFactory(
        organisation=world.branch,
        talker=world.members[1],
        person=world.members[4],
        held_on=datetime.date(2025, 12, 31),
    )
    _talk(world, world.members[1], world.members[6], datetime.date(2026, 2, 1))
    assert branch_coverage(world.branch, 2026, TODAY).done == 1
    assert branch_coverage(world.branch, 2025, TODAY).done == 1
    # members[6] leaves the branch in June: no longer due, and their talk no longer counts.
    other = PersonFactory(court=world.basic)
    MembershipFactory(person=other, organisation=world.other_branch)
    membership_move(
        actor=world.users["admin"],
        person=world.members[6],
        organisation=world.other_branch,
        on=datetime.date(2026, 6, 1),
    )
    coverage = branch_coverage(world.branch, 2026, TODAY)
    assert (coverage.done, coverage.due) == (0, 32)


def test_the_year_is_judged_on_its_last_day_or_today():
    assert coverage_day(2025, TODAY) == datetime.date(2025, 12, 31)
    assert coverage_day(2026, TODAY) == TODAY


def test_figures_for_many_agree_with_one_branch(world):
    _talk(world, world.members[1], world.members[5])
    _talk(world, world.members[2], world.members[7])
    one = branch_coverage(world.branch, 2026, TODAY)
    many = coverage_figures([world.branch.pk, world.other_branch.pk], 2026, TODAY)
    assert (many[world.branch.pk].done, many[world.branch.pk].due) == (one.done, one.due)
    assert many[world.branch.pk].committee == 4 and many[world.branch.pk].members == 10
    assert many[world.other_branch.pk].due == 0  # no committee: nothing due


def test_coverage_costs_a_fixed_number_of_queries(world, django_assert_num_queries):
    _talk(world, world.members[1], world.members[5])
    with django_assert_num_queries(3):
        branch_coverage(world.branch, 2026, TODAY)
    with django_assert_num_queries(3):
        coverage_figures([world.branch.pk], 2026, TODAY)
    for n in range(5):
        person = PersonFactory(court=world.basic)
        MembershipFactory(person=person, organisation=world.branch)
        TalkFactory(
            organisation=world.branch,
            talker=world.members[n % 4],
            person=person,
            held_on=datetime.date(2026, 5, 1),
        )
    with django_assert_num_queries(3):
        coverage = branch_coverage(world.branch, 2026, TODAY)
    assert coverage.done == 6
    with django_assert_num_queries(3):
        person_year_facts([p.pk for p in world.members], 2026, TODAY)


def test_person_year_facts_for_the_evaluation(world):
    _talk(world, world.members[1], world.members[5])
    _talk(world, world.members[1], world.members[6])
    facts = person_year_facts([world.members[1].pk, world.members[5].pk], 2026, TODAY)
    assert facts[world.members[1].pk]["talk_coverage"] == 2 / 9
    assert facts[world.members[1].pk]["people_talked_with"] == 2
    assert facts[world.members[5].pk]["talk_coverage"] is None  # not on the committee


def test_coverage_pages_do_not_grow_queries_with_the_data(world, client_for):
    client = client_for("secretary")
    paths = ("/care/coverage/", f"/care/coverage/{world.branch.pk}/", "/care/talks/")
    counts = {}
    for path in paths:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        counts[path] = len(ctx.captured_queries)
    for n in range(8):
        person = PersonFactory(court=world.basic)
        MembershipFactory(person=person, organisation=world.branch)
        TalkFactory(organisation=world.branch, talker=world.members[n % 4], person=person)
    PostFactory(organisation=world.branch, person=world.members[4], post="member")
    for path in paths:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        assert len(ctx.captured_queries) <= counts[path], path


def test_the_secretary_sees_coverage_change_after_a_talk(world, client_for):
    client = client_for("secretary")
    page = client.get(f"/care/coverage/{world.branch.pk}/").content.decode()
    assert "0 of 36" in page
    committee = client_for("committee")
    response = committee.post(
        f"/care/branches/{world.branch.pk}/talks/new/",
        {
            "talker": world.members[1].pk,
            "person": world.members[5].pk,
            "held_on": datetime.date.today().isoformat(),
            "kind": "routine",
            "summary": "<p>谈了工作</p>",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(f"/care/coverage/{world.branch.pk}/").content.decode()
    assert "1 of 36" in page


def test_care_lists_do_not_grow_queries_with_the_data(world, client_for):
    from tests.care.factories import HelpFactory, HomeVisitFactory, care_world
    from tongxin.care.models import ContactPoint

    w = care_world(world)
    pages = {
        "committee": ("/care/talks/", "/care/visits/", "/care/contacts/"),
        "party": ("/care/help/", "/care/contacts/", "/care/talks/?export=csv"),
    }
    counts = {}
    for who, paths in pages.items():
        client = client_for(who)
        for path in paths:
            client.get(path)  # the header's cached count of waiting work
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
                assert response.status_code == 200
                if response.streaming:
                    b"".join(response.streaming_content)
            counts[(who, path)] = len(ctx.captured_queries)
    for n in range(6):
        person = PersonFactory(court=w.high)
        HelpFactory(court=w.high, person=person)
        HomeVisitFactory(organisation=w.branch, visitor=w.members[n % 4], person=w.members[8])
        TalkFactory(organisation=w.branch, talker=w.members[n % 4], person=w.members[7])
        ContactPoint.objects.create(
            leader=PersonFactory(court=w.basic),
            organisation=w.branch,
            starts_on=datetime.date(2025, 1, 1),
        )
    for (who, path), count in counts.items():
        client = client_for(who)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
        assert len(ctx.captured_queries) <= count, (who, path)
