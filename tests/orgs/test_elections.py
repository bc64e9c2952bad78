"""Elections (换届) on time, early and after an approved postponement."""

import datetime

import pytest
from django.utils import timezone

from tongxin.core.exceptions import ApplicationError
from tongxin.orgs import health
from tongxin.orgs.facts import facts_refresh
from tongxin.orgs.models import CommitteeTerm
from tongxin.orgs.selectors import term_current
from tongxin.orgs.services import election_record, postponement_record, term_record

TODAY = timezone.localdate()


def _committee(world):
    m = world.members
    return [(m[4], "secretary"), (m[5], "organisation"), (m[6], "propaganda")]


def _term_rules(world):
    found = health.findings(user=world.users["admin"], organisation=world.branch)
    return {f.rule for f in found} & {"term_ending", "term_overdue", "term_missing"}


@pytest.fixture
def ending(world):
    """The branch's term is due to end within the warning window."""
    term = world.branch.terms.get()
    CommitteeTerm.objects.filter(pk=term.pk).update(
        starts_on=TODAY - datetime.timedelta(days=3 * 365 - 60),
        ends_on=TODAY + datetime.timedelta(days=60),
    )
    facts_refresh([world.branch])  # update() bypasses the services
    term.refresh_from_db()
    return term


def test_an_early_election_ends_the_term_and_clears_the_warning(world, ending):
    assert "term_ending" in _term_rules(world)
    elected_on = TODAY - datetime.timedelta(days=1)
    new = election_record(
        actor=world.users["secretary"],
        organisation=world.branch,
        elected_on=elected_on,
        posts=_committee(world),
    )
    ending.refresh_from_db()
    assert ending.ends_on == elected_on and ending.scheduled_ends_on > elected_on
    assert term_current(world.branch, TODAY) == new
    assert new.ends_on.year == elected_on.year + 3
    open_posts = {(p.person_id, p.post) for p in world.branch.posts.filter(ends_on__isnull=True)}
    assert open_posts == {(person.pk, post) for person, post in _committee(world)}
    assert not world.branch.posts.filter(person=world.members[0], ends_on__isnull=True).exists()
    assert _term_rules(world) == set()


def test_an_on_time_election_clears_the_warning_too(world, ending):
    CommitteeTerm.objects.filter(pk=ending.pk).update(ends_on=TODAY - datetime.timedelta(days=1))
    facts_refresh([world.branch])
    assert "term_overdue" in _term_rules(world)
    election_record(
        actor=world.users["party"],
        organisation=world.branch,
        elected_on=TODAY,
        posts=_committee(world),
    )
    assert _term_rules(world) == set()


def test_a_postponement_names_the_approved_date(world, ending):
    """An overdue term postponed with approval is no longer overdue: the warning is that the
    election is due, on the approved date."""
    from tongxin.orgs.facts import facts_refresh

    CommitteeTerm.objects.filter(pk=ending.pk).update(ends_on=TODAY - datetime.timedelta(days=10))
    facts_refresh([world.branch])
    ending.refresh_from_db()
    assert "term_overdue" in _term_rules(world)
    until = TODAY + datetime.timedelta(days=40)
    postponement_record(
        actor=world.users["secretary"],
        term=ending,
        until=until,
        reason="人员调整，经机关党委批准",
        approved_on=TODAY,
    )
    assert _term_rules(world) == {"term_ending"}
    found = health.findings(user=world.users["admin"], organisation=world.branch)
    reasons = [f.reason for f in found if f.rule == "term_ending"]
    assert reasons and until.isoformat() in reasons[0]
    ending.refresh_from_db()
    assert ending.deadline == until


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-2000, "later term"),  # before the current term began: that term comes after it
        (1, "once it has taken place"),
    ],
)
def test_impossible_election_days_are_refused(world, days, message):
    with pytest.raises(ApplicationError, match=message):
        election_record(
            actor=world.users["secretary"],
            organisation=world.branch,
            elected_on=TODAY + datetime.timedelta(days=days),
            posts=_committee(world),
        )
    assert world.branch.terms.count() == 1


def test_an_election_more_than_a_year_early_is_refused(world):
    term = world.branch.terms.get()
    CommitteeTerm.objects.filter(pk=term.pk).update(
        starts_on=TODAY - datetime.timedelta(days=100), ends_on=TODAY + datetime.timedelta(days=900)
    )
    with pytest.raises(ApplicationError, match="advanced by at most a year"):
        election_record(
            actor=world.users["secretary"],
            organisation=world.branch,
            elected_on=TODAY,
            posts=_committee(world),
        )


@pytest.mark.parametrize(
    ("posts", "message"),
    [
        (lambda m: [(m[4], "organisation")], "exactly one secretary"),
        (lambda m: [(m[4], "secretary"), (m[4], "propaganda")], "one post"),
    ],
)
def test_the_new_committee_is_checked_and_nothing_is_half_saved(world, ending, posts, message):
    before = list(world.branch.posts.filter(ends_on__isnull=True).values_list("pk", flat=True))
    with pytest.raises(ApplicationError, match=message):
        election_record(
            actor=world.users["secretary"],
            organisation=world.branch,
            elected_on=TODAY,
            posts=posts(world.members),
        )
    ending.refresh_from_db()
    assert ending.scheduled_ends_on is None and world.branch.terms.count() == 1
    assert sorted(
        world.branch.posts.filter(ends_on__isnull=True).values_list("pk", flat=True)
    ) == sorted(before)


def test_a_probationary_member_is_not_elected(world, ending):
    with pytest.raises(ApplicationError, match="only full members"):
        election_record(
            actor=world.users["secretary"],
            organisation=world.branch,
            elected_on=TODAY,
            posts=[(world.probationary, "secretary")],
        )


def test_postponements_are_bounded_and_explained(world, ending):
    for until, approved, reason, message in [
        (ending.ends_on, TODAY, "x", "past the term's end"),
        (ending.ends_on + datetime.timedelta(days=400), TODAY, "x", "at most a year"),
        (ending.ends_on + datetime.timedelta(days=30), TODAY, " ", "reason"),
        (
            ending.ends_on + datetime.timedelta(days=30),
            TODAY + datetime.timedelta(1),
            "x",
            "future",
        ),
    ]:
        with pytest.raises(ApplicationError, match=message):
            postponement_record(
                actor=world.users["secretary"],
                term=ending,
                until=until,
                reason=reason,
                approved_on=approved,
            )


def test_a_term_overlapping_an_earlier_one_is_refused(world):
    term = world.branch.terms.get()
    with pytest.raises(ApplicationError, match="overlaps"):
        term_record(
            actor=world.users["secretary"],
            organisation=world.branch,
            starts_on=term.starts_on - datetime.timedelta(days=300),
            ends_on=term.starts_on + datetime.timedelta(days=10),
        )


def test_the_secretary_records_an_election_from_the_branch_page(world, ending, client_for):
    client = client_for("secretary")
    page = client.get(f"/courts/organisations/{world.branch.pk}/")
    assert f"/courts/organisations/{world.branch.pk}/election/" in page.content.decode()
    m = world.members
    response = client.post(
        f"/courts/organisations/{world.branch.pk}/election/",
        {
            "elected_on": TODAY.isoformat(),
            "years": "3",
            "secretary": m[4].pk,
            "organisation": m[5].pk,
            "members": [m[7].pk, m[8].pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert term_current(world.branch, TODAY).starts_on == TODAY
    # A committee member (read-only) sees no such button and may not post.
    assert (
        "/election/"
        not in client_for("committee")
        .get(f"/courts/organisations/{world.branch.pk}/")
        .content.decode()
    )
