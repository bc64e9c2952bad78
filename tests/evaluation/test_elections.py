"""Branch elections by secret ballot: validity (four fifths present), who votes and stands,
the ballot's seat limit, the count (more than half of those present, ties at the last seat,
unfilled seats), the committee recorded from the elected, the pages and the API."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tongxin.core.exceptions import ApplicationError
from tongxin.evaluation import ballots, elections
from tongxin.evaluation.models import Election, Poll
from tongxin.orgs.models import CommitteePost, CommitteeTerm


def voters(world):
    return elections.eligible_voters(world.branch)


def hold(world, *, seats, candidates, votes, present=None):
    """Open, vote and close: `votes` is one content per voter, in voter order."""
    people = voters(world)
    present = people if present is None else present
    election = elections.election_open(
        actor=world.users["secretary"],
        organisation=world.branch,
        seats=seats,
        candidates=candidates,
        present=present,
    )
    for person, content in zip(present, votes, strict=False):
        ballots.ballot_cast(poll_id=election.poll_id, voter=person, content=content)
    return elections.election_close(actor=world.users["secretary"], election=election)


def test_only_full_members_on_the_roster_vote_and_stand(world):
    people = voters(world)
    assert len(people) == 9  # the probationary member is not eligible
    assert world.probationary.pk not in {p.pk for p in people}
    with pytest.raises(ApplicationError, match="Only full members"):
        elections.election_open(
            actor=world.users["secretary"],
            organisation=world.branch,
            seats=1,
            candidates=[world.probationary],
            present=people,
        )
    with pytest.raises(ApplicationError, match="Only full members"):
        elections.election_open(
            actor=world.users["secretary"],
            organisation=world.branch,
            seats=1,
            candidates=people[:1],
            present=[*people, world.other_person],
        )
    assert not Election.objects.exists() and not Poll.objects.exists()


def test_four_fifths_must_be_present(world):
    people = voters(world)
    assert elections.quorum(9) == 8 and elections.quorum(10) == 8 and elections.quorum(3) == 3
    with pytest.raises(ApplicationError, match="7 of 9 eligible voters are present.*at least 8"):
        elections.election_open(
            actor=world.users["secretary"],
            organisation=world.branch,
            seats=1,
            candidates=people[:2],
            present=people[:7],
        )
    assert not Poll.objects.exists()  # nothing half-saved
    election = elections.election_open(
        actor=world.users["secretary"],
        organisation=world.branch,
        seats=1,
        candidates=people[:2],
        present=people[:8],
    )
    assert (election.eligible, election.present) == (9, 8)
    assert election.poll.voters.count() == 8  # only those present get a ballot
    with pytest.raises(ApplicationError, match="already open"):
        elections.election_open(
            actor=world.users["secretary"],
            organisation=world.branch,
            seats=1,
            candidates=people[:2],
            present=people,
        )


def test_seats_and_candidates(world):
    people = voters(world)
    kw = dict(actor=world.users["secretary"], organisation=world.branch, present=people)
    with pytest.raises(ApplicationError) as error:
        elections.election_open(seats=8, candidates=people, **kw)
    assert "seats" in error.value.extra
    with pytest.raises(ApplicationError) as error:
        elections.election_open(seats=3, candidates=people[:2], **kw)
    assert "candidates" in error.value.extra
    # Fewer than 7 full members: a secretary only.
    other = world.other_branch
    alone = elections.eligible_voters(other)
    with pytest.raises(ApplicationError) as error:
        elections.election_open(
            actor=world.users["party"],
            organisation=other,
            seats=2,
            candidates=alone * 2,
            present=alone,
        )
    assert "secretary only" in str(error.value.extra["seats"][0])


def test_a_ballot_marks_no_more_candidates_for_than_seats(world):
    people = voters(world)
    election = elections.election_open(
        actor=world.users["secretary"],
        organisation=world.branch,
        seats=2,
        candidates=people[:4],
        present=people,
    )
    too_many = {str(p.pk): "for" for p in people[:3]}
    with pytest.raises(ApplicationError, match="at most 2 candidates"):
        ballots.ballot_cast(poll_id=election.poll_id, voter=people[0], content=too_many)
    assert not election.poll.receipts.exists()  # refused ballot: the voter may still vote
    against_all = {str(p.pk): "against" for p in people[:4]}
    ballots.ballot_cast(poll_id=election.poll_id, voter=people[0], content=against_all)
    with pytest.raises(ApplicationError, match="after the poll closes"):
        elections.outcome(election)


def _votes(people, tallies, voters_count=9, seats=3):
    """Ballots giving candidate i `tallies[i]` votes for, each voter marking at most `seats`
    candidates for (the votes go to the voters with the fewest marks so far); the rest of
    each ballot's candidates are marked against."""
    ballots_ = [{} for _ in range(voters_count)]
    for i, count in enumerate(tallies):
        order = sorted(
            range(voters_count),
            key=lambda v: (len([c for c in ballots_[v].values() if c == "for"]), v),
        )
        for v in order[:count]:
            ballots_[v][str(people[i].pk)] = "for"
    for ballot in ballots_:
        assert sum(1 for c in ballot.values() if c == "for") <= seats
        for p in people[: len(tallies)]:
            ballot.setdefault(str(p.pk), "against")
    return ballots_


def test_elected_with_more_than_half_the_most_votes_first(world):
    people = voters(world)
    # 9 present: 5 votes needed. A 9, B 7, C 6, D 4: three seats → A, B, C.
    election = hold(world, seats=3, candidates=people[:4], votes=_votes(people, [9, 7, 6, 4]))
    result = elections.outcome(election)
    assert result.needed == 5 and result.ballots == 9
    assert [c.key for c in result.elected] == [str(p.pk) for p in people[:3]]
    assert result.complete
    fourth = next(c for c in result.candidates if c.key == str(people[3].pk))
    assert (fourth.votes, fourth.against, fourth.elected, fourth.passed) == (4, 5, False, False)
    assert elections.outcome(election) == result  # the same count again
    assert ballots.poll_recount(election.poll) == election.poll.tally


def test_a_tie_for_the_last_seat_elects_none_of_the_tied(world):
    people = voters(world)
    # A 9, B 7, C 5, D 5 for three seats: C and D tie for the last one.
    election = hold(world, seats=3, candidates=people[:4], votes=_votes(people, [9, 7, 5, 5]))
    result = elections.outcome(election)
    assert {c.key for c in result.elected} == {str(people[0].pk), str(people[1].pk)}
    assert {c.key for c in result.candidates if c.tied} == {str(people[2].pk), str(people[3].pk)}
    assert (result.tie_seats, result.unfilled, result.complete) == (1, 0, False)


def test_seats_left_unfilled_when_too_few_pass(world):
    people = voters(world)
    # Exactly half of 9 is not more than half: 4 votes do not elect.
    election = hold(world, seats=3, candidates=people[:4], votes=_votes(people, [9, 5, 4, 4]))
    result = elections.outcome(election)
    assert len(result.elected) == 2 and result.unfilled == 1 and result.tie_seats == 0


def vote_round(world, election, people, votes):
    """Cast `votes` (one content per voter, in order) on a round and close it."""
    for person, content in zip(people, votes, strict=False):
        ballots.ballot_cast(poll_id=election.poll_id, voter=person, content=content)
    return elections.election_close(actor=world.users["secretary"], election=election)


def test_a_tie_goes_to_another_round_among_the_tied(world):
    people = voters(world)
    first = hold(world, seats=3, candidates=people[:4], votes=_votes(people, [9, 7, 5, 5]))
    actor = world.users["secretary"]
    second = elections.next_round_open(actor=actor, election=first)
    first.refresh_from_db()
    assert first.status == Election.Status.CONTINUED
    assert (second.round, second.previous_id, second.seats) == (2, first.pk, 1)
    assert (second.eligible, second.present) == (first.eligible, first.present)
    assert [int(i["key"]) for i in second.poll.items] == [people[2].pk, people[3].pk]
    assert set(second.poll.voters.values_list("person_id", flat=True)) == {p.pk for p in people}
    with pytest.raises(ApplicationError, match="counted ballot only"):
        elections.next_round_open(actor=actor, election=first)  # once per round
    # C 6, D 3: C takes the last seat; the committee is the elected of both rounds.
    votes = [{str(people[2].pk): "for"}] * 6 + [{str(people[3].pk): "for"}] * 3
    second = vote_round(world, second, people, votes)
    assert elections.outcome(second).complete
    assert [c.key for c in elections.elected_in_rounds(second)] == [str(p.pk) for p in people[:3]]
    with pytest.raises(ApplicationError, match="no other round"):
        elections.next_round_open(actor=actor, election=second)
    with pytest.raises(ApplicationError, match="from the last round"):
        elections.committee_record(  # the first round alone cannot be recorded
            actor=world.users["party"], election=first, posts=[], approved_on=timezone.localdate()
        )


def test_unfilled_seats_go_to_another_round_among_those_not_elected(world):
    people = voters(world)
    first = hold(world, seats=3, candidates=people[:5], votes=_votes(people, [9, 5, 4, 4, 1]))
    second = elections.next_round_open(actor=world.users["secretary"], election=first)
    assert second.seats == 1
    assert {int(i["key"]) for i in second.poll.items} == {p.pk for p in people[2:5]}
    # Nobody passes again (4, 4, 1 of 9): a third round among the same three.
    votes = [{str(people[2].pk): "for"}] * 4 + [{str(people[3].pk): "for"}] * 4
    second = vote_round(world, second, people, votes + [{str(people[4].pk): "for"}])
    third = elections.next_round_open(actor=world.users["secretary"], election=second)
    assert third.round == 3 and [e.pk for e in elections.rounds(third)][:2] == [first.pk, second.pk]


@pytest.fixture
def term_due(world):
    """The branch's term ends in six months, so an election today is on time."""
    today = timezone.localdate()
    CommitteeTerm.objects.filter(organisation=world.branch).update(
        starts_on=today - datetime.timedelta(days=900), ends_on=today + datetime.timedelta(days=180)
    )


def test_the_committee_is_recorded_from_the_elected(world, term_due):
    people = voters(world)
    election = hold(world, seats=3, candidates=people[:4], votes=_votes(people, [9, 7, 6, 4]))
    secretary, deputy, member = people[:3]
    today = timezone.localdate()
    kw = dict(actor=world.users["party"], election=election)
    with pytest.raises(ApplicationError, match="one post"):
        elections.committee_record(
            posts=[(secretary, CommitteePost.Post.SECRETARY), (people[3], "member")],
            approved_on=today,
            **kw,
        )
    with pytest.raises(ApplicationError, match="before the election"):
        elections.committee_record(
            posts=[(secretary, "secretary"), (deputy, "deputy_secretary"), (member, "member")],
            approved_on=today - datetime.timedelta(days=1),
            **kw,
        )
    assert not CommitteeTerm.objects.filter(starts_on=today).exists()  # nothing half-saved
    election = elections.committee_record(
        posts=[(secretary, "secretary"), (deputy, "deputy_secretary"), (member, "member")],
        approved_on=today,
        **kw,
    )
    assert election.status == Election.Status.RECORDED and election.approved_on == today
    term = election.term
    assert term.starts_on == today and term.organisation == world.branch
    current = world.branch.posts.filter(ends_on__isnull=True)
    assert {(p.person_id, p.post) for p in current} == {
        (secretary.pk, "secretary"),
        (deputy.pk, "deputy_secretary"),
        (member.pk, "member"),
    }
    with pytest.raises(ApplicationError, match="recorded once"):
        elections.committee_record(posts=[(secretary, "secretary")], approved_on=today, **kw)


def test_another_round_in_the_browser_and_the_committee_of_both(world, client_for, term_due):
    people = voters(world)
    first = hold(world, seats=3, candidates=people[:4], votes=_votes(people, [9, 7, 5, 5]))
    secretary = client_for("secretary")
    detail = reverse("evaluation:election-detail", args=[first.pk])
    page = secretary.get(detail).content.decode()
    assert 'data-testid="next-round"' in page
    url = reverse("evaluation:election-next-round", args=[first.pk])
    assert "Open another round?" in secretary.get(url).content.decode()
    assert Election.objects.count() == 1  # asking changes nothing
    response = secretary.post(url)
    second = Election.objects.get(previous=first)
    assert response.status_code == 302 and response.url == reverse(
        "evaluation:election-detail", args=[second.pk]
    )
    assert "counted ballot only" in secretary.get(url).content.decode()  # not twice
    assert 'data-testid="following"' in secretary.get(detail).content.decode()
    second = vote_round(world, second, people, [{str(people[2].pk): "for"}] * 9)
    page = secretary.get(reverse("evaluation:election-detail", args=[second.pk])).content.decode()
    assert "round 2" in page and people[0].name in page and "Record the new committee" in page
    today = timezone.localdate().isoformat()
    committee = reverse("evaluation:election-committee", args=[second.pk])
    form = secretary.get(committee).content.decode()
    assert all(p.name in form for p in people[:3]) and people[3].name not in form
    data = secretary.get(f"/api/v1/evaluation/elections/{second.pk}").json()
    assert (data["round"], data["previous_id"]) == (2, first.pk)
    response = secretary.post(
        committee,
        {
            "years": 3,
            "secretary": people[0].pk,
            "deputy_secretary": people[1].pk,
            "members": [people[2].pk],
            "approved_on": today,
        },
    )
    second.refresh_from_db()
    assert response.status_code == 302 and second.status == Election.Status.RECORDED
    current = world.branch.posts.filter(ends_on__isnull=True)
    assert {p.person_id for p in current} == {p.pk for p in people[:3]}


def test_the_election_in_the_browser_pages(world, client_for, term_due):
    people = voters(world)
    secretary = client_for("secretary")
    start = reverse("evaluation:election-create")
    page = secretary.get(start, {"organisation": world.branch.pk}).content.decode()
    assert "9" in page and people[0].name in page
    # Too few present: the message, nothing saved.
    response = secretary.post(
        f"{start}?organisation={world.branch.pk}",
        {
            "seats": 1,
            "candidates": [people[0].pk, people[1].pk],
            "present": [p.pk for p in people[:5]],
        },
    )
    assert response.status_code == 200 and "four fifths" in response.content.decode()
    assert not Election.objects.exists()
    response = secretary.post(
        f"{start}?organisation={world.branch.pk}",
        {"seats": 1, "candidates": [people[0].pk, people[1].pk], "present": [p.pk for p in people]},
    )
    election = Election.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/elections/{election.pk}/")
    # The member (people include members[5]) votes on the ballot page.
    member = client_for("member")
    vote = reverse("evaluation:poll-vote", args=[election.poll_id])
    assert (
        member.post(vote, {f"i{people[0].pk}": "for", f"i{people[1].pk}": "for"}).status_code == 200
    )
    assert not election.poll.receipts.exists()  # two "for" for one seat: refused
    assert member.post(vote, {f"i{people[0].pk}": "for"}).status_code == 302
    for person in people:
        if person.pk != world.members[5].pk:
            ballots.ballot_cast(
                poll_id=election.poll_id, voter=person, content={str(people[0].pk): "for"}
            )
    detail = reverse("evaluation:election-detail", args=[election.pk])
    assert "after the ballot closes" in secretary.get(detail).content.decode()
    close = reverse("evaluation:election-close", args=[election.pk])
    assert secretary.post(close).status_code == 302
    page = secretary.get(detail).content.decode()
    assert 'data-testid="count"' in page and "Record the new committee" in page
    committee = reverse("evaluation:election-committee", args=[election.pk])
    today = timezone.localdate().isoformat()
    response = secretary.post(
        committee, {"years": 3, "secretary": people[0].pk, "approved_on": today}
    )
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.status == Election.Status.RECORDED and election.term is not None
    # The API shows the count.
    data = secretary.get(f"/api/v1/evaluation/elections/{election.pk}").json()
    assert data["status"] == "recorded" and data["needed"] == 5
    top = data["candidates"][0]
    assert (top["person_id"], top["votes_for"], top["elected"]) == (people[0].pk, 9, True)
    listing = secretary.get("/api/v1/evaluation/elections").json()
    assert [e["id"] for e in listing] == [election.pk]
