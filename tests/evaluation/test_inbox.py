"""The evaluation app's lines in the inbox."""

from tests.evaluation.access import made
from tongxin.evaluation import ballots
from tongxin.evaluation.inbox import ballots_open, waiting


def test_my_work_and_ballot_reminders(world):
    state = made(world)
    lines = {str(w.label): w.count for w in waiting(world.users["member"])}
    assert lines == {"Rating sheets to submit": 1, "Ballots waiting for you": 1}
    assert {str(w.label): w.count for w in waiting(world.users["party"])} == {
        "Review requests to answer": 1
    }
    member_user = world.users["member"].pk
    drafts = list(ballots_open(None))
    assert member_user in {d.user_id for d in drafts}
    ballots.ballot_cast(poll_id=state.poll.pk, voter=world.members[5], content={})
    assert member_user not in {d.user_id for d in ballots_open(None)}
    assert "Ballots waiting for you" not in {str(w.label) for w in waiting(world.users["member"])}
