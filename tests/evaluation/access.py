"""Expected answers of the evaluation routes for each role (read by the access walks).

Written out by hand from docs/permissions.md. The objects are made once per world: a
published cycle with the member's result and review request, an open cycle in which the
member rates a colleague, the branch's democratic evaluation with its ballot open (full
members vote), and a commitment of the member's."""

import datetime
from types import SimpleNamespace

from tests.walk import ALL, row

# Lists of the committee's work: court readers (and the outsider, on their own province).
EVAL_READ_LIST = row(200, 200, 403, 403, 403, 200, 200, 403, 200)
EVAL_READ = row(200, 200, 404, 404, 404, 200, 200, 404, 404)
EVAL_CHANGE_LIST = row(200, 200, 403, 403, 403, 403, 403, 403, 200)
EVAL_CHANGE = row(200, 200, 404, 404, 404, 403, 403, 404, 404)
BRANCH_LIST = row(200, 200, 200, 403, 403, 403, 403, 403, 200)
BRANCH = row(200, 200, 200, 404, 404, 404, 404, 404, 404)
# The member's own things (a result, a rating sheet, a commitment): nobody else's page.
OWN_MEMBER = row(404, 404, 404, 404, 200, 404, 404, 404, 404)
# The branch's full members (secretary, committee member and member are among them).
BRANCH_MEMBERS = row(404, 404, 200, 200, 200, 404, 404, 404, 404)


def made(w):
    if not isinstance(w, SimpleNamespace):
        return w  # the walk's stand-in, asking only for the keyword names
    if "_evaluation" in w.__dict__:
        return w._evaluation

    from tests.evaluation.factories import cycle_make
    from tongxin.evaluation import party, services
    from tongxin.evaluation.models import Result, Scheme

    actor = w.users["party"]
    published = cycle_make(w, name="已公布")
    services.cycle_compute(actor=actor, cycle=published)
    services.cycle_publish(
        actor=actor, cycle=published, until=datetime.date.today() + datetime.timedelta(days=10)
    )
    result = Result.objects.get(cycle=published, person=w.members[5])
    review = services.review_request(person=w.members[5], result=result, reason="请复核")
    rating = cycle_make(w, name="测评中")
    services.rater_assign(
        actor=actor, cycle=rating, rater=w.members[5], ratee=w.members[0], group="colleague"
    )
    evaluation = party.democratic_open(actor=w.users["secretary"], organisation=w.branch, year=2025)
    evaluation = party.democratic_vote_open(actor=w.users["secretary"], evaluation=evaluation)
    commitments = party.commitments_write(
        person=w.members[5], organisation=w.branch, year=2025, texts=["一", "二"]
    )
    party.commitment_review(actor=w.users["secretary"], commitment=commitments[0], accept=True)
    selection = party.selection_create(actor=actor, court=w.basic, year=2025, kind="four_strong")
    # A counted election of the branch's committee (every eligible voter present and voting).
    from tongxin.evaluation import ballots, elections

    voters = elections.eligible_voters(w.branch)
    election = elections.election_open(
        actor=w.users["secretary"],
        organisation=w.branch,
        seats=1,
        candidates=voters[:2],
        present=voters,
    )
    for voter in voters:
        ballots.ballot_cast(
            poll_id=election.poll_id, voter=voter, content={str(voters[0].pk): "for"}
        )
    election = elections.election_close(actor=w.users["secretary"], election=election)
    w._evaluation = SimpleNamespace(
        selection=selection,
        election=election,
        cycle=published,
        result=result,
        review=review,
        rating=rating,
        evaluation=evaluation,
        poll=evaluation.poll,
        commitment=commitments[0],
        scheme=Scheme.objects.get(code="default-judge"),
    )
    return w._evaluation


def pk(attr):
    return lambda w: {"pk": getattr(made(w), attr).pk}


PAGES = {
    "evaluation:mine": (None, ALL),
    "evaluation:cycle-list": (None, EVAL_READ_LIST),
    "evaluation:cycle-create": (None, EVAL_CHANGE_LIST),
    "evaluation:cycle-detail": (pk("cycle"), EVAL_READ),
    "evaluation:cycle-open": (pk("cycle"), EVAL_CHANGE),
    "evaluation:cycle-reopen": (pk("cycle"), EVAL_CHANGE),
    "evaluation:cycle-compute": (pk("cycle"), EVAL_CHANGE),
    "evaluation:cycle-publish": (pk("cycle"), EVAL_CHANGE),
    "evaluation:cycle-finalize": (pk("cycle"), EVAL_CHANGE),
    "evaluation:rater-assign": (pk("rating"), EVAL_CHANGE),
    "evaluation:cycle-xlsx": (pk("cycle"), EVAL_READ),
    "evaluation:cycle-pdf": (pk("cycle"), EVAL_READ),
    "evaluation:rating": (pk("rating"), OWN_MEMBER),
    "evaluation:result-mine": (pk("result"), OWN_MEMBER),
    "evaluation:result-pdf": (pk("result"), OWN_MEMBER),
    "evaluation:result-override": (pk("result"), EVAL_CHANGE),
    "evaluation:review-answer": (pk("review"), EVAL_CHANGE),
    "evaluation:scheme-list": (None, EVAL_READ_LIST),
    # National data: system administrators change schemes; other readers see them (403).
    "evaluation:scheme-edit": (pk("scheme"), row(200, 403, 404, 404, 404, 403, 403, 404, 403)),
    "evaluation:scheme-json": (pk("scheme"), row(200, 403, 404, 404, 404, 403, 403, 404, 403)),
    "evaluation:democratic-list": (None, BRANCH_LIST),
    "evaluation:democratic-create": (None, BRANCH_LIST),
    "evaluation:democratic-detail": (pk("evaluation"), BRANCH),
    "evaluation:democratic-vote-open": (pk("evaluation"), BRANCH),
    "evaluation:democratic-vote-close": (pk("evaluation"), BRANCH),
    "evaluation:self-evaluation": (pk("evaluation"), BRANCH_MEMBERS),
    "evaluation:poll-vote": (pk("poll"), BRANCH_MEMBERS),
    "evaluation:commitments-mine": (None, BRANCH_MEMBERS),
    "evaluation:commitment-progress": (pk("commitment"), OWN_MEMBER),
    "evaluation:commitment-review": (pk("commitment"), BRANCH),
    "evaluation:commitment-evaluate": (pk("commitment"), BRANCH),
    "evaluation:election-list": (None, BRANCH_LIST),
    "evaluation:election-create": (None, BRANCH_LIST),
    "evaluation:election-detail": (pk("election"), BRANCH),
    "evaluation:election-close": (pk("election"), BRANCH),
    "evaluation:election-next-round": (pk("election"), BRANCH),
    # Recording the committee is the organisation's change (orgs.change): the same people here.
    "evaluation:election-committee": (pk("election"), BRANCH),
    "evaluation:selection-list": (None, EVAL_READ_LIST),
    "evaluation:selection-create": (None, EVAL_CHANGE_LIST),
    "evaluation:selection-detail": (pk("selection"), EVAL_READ),
    "evaluation:selection-nominate": (pk("selection"), EVAL_CHANGE),
    "evaluation:selection-vote-open": (pk("selection"), EVAL_CHANGE),
    "evaluation:selection-publish": (pk("selection"), EVAL_CHANGE),
    "evaluation:selection-close": (pk("selection"), EVAL_CHANGE),
}

API = {
    "/api/v1/evaluation/cycles": (None, EVAL_READ_LIST),
    "/api/v1/evaluation/cycles/{cycle_id}/results": (
        lambda w: {"cycle_id": made(w).cycle.pk},
        EVAL_READ,
    ),
    "/api/v1/evaluation/my/results": (None, ALL),
    "/api/v1/evaluation/elections": (None, BRANCH_LIST),
    "/api/v1/evaluation/elections/{election_id}": (
        lambda w: {"election_id": made(w).election.pk},
        BRANCH,
    ),
    "/api/v1/evaluation/my/ratings": (None, ALL),
    "POST /api/v1/evaluation/cycles/{cycle_id}/ratings": (
        lambda w: {"cycle_id": made(w).rating.pk},
        OWN_MEMBER,
    ),
    # The poll is seen by its voters and by the readers of its court or branch.
    "/api/v1/evaluation/polls/{poll_id}": (
        lambda w: {"poll_id": made(w).poll.pk},
        row(200, 200, 200, 200, 200, 200, 200, 404, 404),
    ),
    # Still open: no results yet (400) for whoever sees it.
    "/api/v1/evaluation/polls/{poll_id}/results": (
        lambda w: {"poll_id": made(w).poll.pk},
        row(400, 400, 400, 400, 400, 400, 400, 404, 404),
    ),
    "POST /api/v1/evaluation/polls/{poll_id}/ballot": (
        lambda w: {"poll_id": made(w).poll.pk},
        BRANCH_MEMBERS,
    ),
}
