"""Democratic evaluation, commitments and selections (services)."""

import datetime

import pytest

from tongxin.core.exceptions import ApplicationError
from tongxin.evaluation import ballots, party
from tongxin.evaluation.models import Commitment, DemocraticEvaluation, Poll, Selection
from tongxin.evaluation.sources import sources

YEAR = 2025


def test_democratic_evaluation_end_to_end(world):
    secretary = world.users["secretary"]
    ev = party.democratic_open(actor=secretary, organisation=world.branch, year=YEAR)
    with pytest.raises(ApplicationError, match="already"):
        party.democratic_open(actor=secretary, organisation=world.branch, year=YEAR)
    party.self_evaluation_save(person=world.probationary, evaluation=ev, text="认真学习")
    with pytest.raises(ApplicationError, match="not a member"):
        party.self_evaluation_save(person=world.other_person, evaluation=ev, text="x")
    ev = party.democratic_vote_open(actor=secretary, evaluation=ev)
    items = {i["key"] for i in ev.poll.items}
    assert items == {str(p.pk) for p in world.members}  # probationary: not graded
    with pytest.raises(ApplicationError, match="not on this poll"):  # ... and no vote
        ballots.ballot_cast(poll_id=ev.poll.pk, voter=world.probationary, content={})
    for voter in world.members:
        ballots.ballot_cast(
            poll_id=ev.poll.pk,
            voter=voter,
            content={str(p.pk): "qualified" for p in world.members if p != voter},
        )
    with pytest.raises(ApplicationError, match="after the ballot"):
        party.democratic_decide(actor=secretary, evaluation=ev, grades={})
    ev = party.democratic_vote_close(actor=secretary, evaluation=ev)
    results = ballots.poll_results(ev.poll)
    assert results["ballots"] == 9
    assert results["items"][str(world.members[0].pk)]["qualified"] == 8
    grades = {p.pk: "qualified" for p in world.members}
    for p in world.members[:4]:
        grades[p.pk] = "excellent"
    with pytest.raises(ApplicationError, match="At most 3 of 9"):
        party.democratic_decide(actor=secretary, evaluation=ev, grades=grades)
    grades[world.members[3].pk] = "qualified"
    party.democratic_decide(actor=secretary, evaluation=ev, grades=grades)
    assert DemocraticEvaluation.objects.get(pk=ev.pk).status == "decided"
    fed = sources()["democratic_grade"].fetch([p.pk for p in world.members], YEAR)
    assert fed[world.members[0].pk] == "excellent" and fed[world.members[8].pk] == "qualified"


def test_excellent_is_at_most_a_third_floor():
    assert [party.excellent_limit(n) for n in (1, 2, 3, 5, 9, 10)] == [0, 0, 1, 1, 3, 3]


def test_commitments_cycle_and_feed(world):
    me, secretary = world.members[5], world.users["secretary"]
    for texts in (["一条"], ["1", "2", "3", "4", "5", "6"], ["", " ", "x"]):
        with pytest.raises(ApplicationError, match="from 2 to 5"):
            party.commitments_write(person=me, organisation=world.branch, year=YEAR, texts=texts)
    rows = party.commitments_write(
        person=me,
        organisation=world.branch,
        year=YEAR,
        texts=["办结案件200件", "带教书记员", "每季度学习"],
    )
    with pytest.raises(ApplicationError, match="why"):
        party.commitment_review(actor=secretary, commitment=rows[2], accept=False)
    party.commitment_review(actor=secretary, commitment=rows[2], accept=False, note="太笼统")
    with pytest.raises(ApplicationError, match="under review"):
        party.commitments_write(person=me, organisation=world.branch, year=YEAR, texts=["a", "b"])
    party.commitment_review(actor=secretary, commitment=rows[0], accept=True)
    party.commitment_review(actor=secretary, commitment=rows[1], accept=True)
    party.progress_note(person=me, commitment=rows[0], quarter=1, text="已办结60件")
    with pytest.raises(ApplicationError, match="own commitments"):
        party.progress_note(person=world.members[0], commitment=rows[0], quarter=2, text="x")
    with pytest.raises(ApplicationError, match="accepted"):
        party.progress_note(person=me, commitment=rows[2], quarter=1, text="x")
    party.commitment_evaluate(actor=secretary, commitment=rows[0], outcome="fulfilled", note="")
    party.commitment_evaluate(actor=secretary, commitment=rows[1], outcome="partly", note="")
    assert sources()["commitments_fulfilled"].fetch([me.pk], YEAR) == {me.pk: 0.75}
    assert Commitment.objects.filter(person=me, status="returned").count() == 1


def test_selection_with_ballot_and_objection_period(world):
    party_user = world.users["party"]
    sel = Selection.objects.create(court=world.basic, year=YEAR, kind="four_strong")
    nom = party.nominate(actor=party_user, selection=sel, organisation=world.branch)
    assert nom.checklist["secretary"]["met"] is True
    sel = party.selection_vote_open(
        actor=party_user, selection=sel, voters=[p.pk for p in world.members]
    )
    for voter in world.members[:6]:
        ballots.ballot_cast(poll_id=sel.poll.pk, voter=voter, content={str(nom.pk): "for"})
    with pytest.raises(ApplicationError, match="after today"):
        party.selection_publish(
            actor=party_user, selection=sel, objection_until=datetime.date.today()
        )
    sel = party.selection_publish(
        actor=party_user,
        selection=sel,
        objection_until=datetime.date.today() + datetime.timedelta(days=5),
    )
    assert sel.poll.status == Poll.Status.CLOSED
    with pytest.raises(ApplicationError, match="not ended"):
        party.selection_close(actor=party_user, selection=sel, honoured=[nom.pk])
    Selection.objects.filter(pk=sel.pk).update(
        objection_until=datetime.date.today() - datetime.timedelta(days=1)
    )
    party.selection_close(actor=party_user, selection=sel, honoured=[nom.pk])
    nom.refresh_from_db()
    assert nom.honoured


def test_selection_electorates_members_or_the_organ_committee(world, client_for):
    from django.urls import reverse

    from tests.factories import PostFactory

    sel = Selection.objects.create(court=world.basic, year=YEAR, kind="model_member")
    electorates = party.selection_electorates(sel)
    full = {p.pk for p in world.members}  # the probationary member and other courts: not
    assert set(electorates["members"]) == full and electorates["committee"] == []
    chair, member = world.members[0], world.members[6]
    PostFactory(organisation=world.committee_org, person=chair, post="secretary")
    PostFactory(organisation=world.committee_org, person=member, post="member")
    assert party.selection_electorates(sel)["committee"] == sorted([chair.pk, member.pk])
    party.nominate(actor=world.users["party"], selection=sel, person=world.members[3])
    url = reverse("evaluation:selection-vote-open", args=[sel.pk])
    client = client_for("party")
    page = client.get(url).content.decode()
    assert "(9)" in page and "(2)" in page  # each electorate with its size
    assert client.post(url, {"electorate": "committee"}).status_code == 302
    sel.refresh_from_db()
    assert set(sel.poll.voters.values_list("person_id", flat=True)) == {chair.pk, member.pk}
    response = client.post(url, {"electorate": "members"})  # once only
    assert "already been opened" in response.content.decode()


def test_an_empty_electorate_opens_no_ballot(world):
    sel = Selection.objects.create(court=world.basic, year=YEAR, kind="model_member")
    party.nominate(actor=world.users["party"], selection=sel, person=world.members[3])
    with pytest.raises(ApplicationError, match="Nobody is in this electorate"):
        party.selection_vote_open(actor=world.users["party"], selection=sel, voters=[])
    sel.refresh_from_db()
    assert sel.status == "nominating" and sel.poll is None
