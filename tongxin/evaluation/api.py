"""API: cycles, a rater's own ratings, results (one's own; a committee's scope), ballots."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from ninja import Field, Query, Router, Schema

from tongxin.api.common import ERRORS, Id, PageOut, PageQuery, page
from tongxin.core.exceptions import NotFound
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.evaluation import ballots, elections, selectors, services
from tongxin.evaluation.models import Cycle, Election, Poll, PollVoter, RaterAssignment

router = Router(tags=["evaluation"])
LIMIT = 500


class CycleOut(Schema):
    id: int
    year: int
    name: str
    court_id: int
    status: str
    rate: Decimal
    categories: list[str]


class ResultOut(Schema):
    id: int
    cycle_id: int
    person_id: int
    final: Decimal | None
    computed_grade: str = Field(description="The engine's grade ('' for none or a tie).")
    status: str
    final_grade: str = Field(description="The committee's grade when it overrode, else computed.")
    vetoes: list[str]


class ResultPage(PageOut):
    items: list[ResultOut]


class CandidateOut(Schema):
    person_id: int
    name: str
    votes_for: int
    votes_against: int
    elected: bool
    tied: bool = Field(description="Tied for the last seat: another round decides.")


class ElectionOut(Schema):
    id: int
    organisation_id: int
    held_on: str
    seats: int
    eligible: int
    present: int
    status: str
    poll_id: int
    approved_on: str | None
    term_id: int | None
    round: int = Field(1, description="1 for the first round; 2, 3, ... for later rounds.")
    previous_id: int | None = Field(None, description="The round before this one, if any.")
    needed: int | None = Field(None, description="Votes a candidate needs (after the count).")
    candidates: list[CandidateOut] | None = Field(
        None, description="The count, after the ballot closes; null before."
    )


class RatingOut(Schema):
    id: int
    cycle_id: int
    ratee_id: int
    ratee_name: str
    group: str
    score: Decimal | None


class RatingsIn(Schema):
    scores: dict[str, str | None] = Field(
        default_factory=dict, description="Assignment id → score 0-100 (blank: none)."
    )
    submit: bool = False


class PollOut(Schema):
    id: int
    title: str
    status: str
    voters: int
    receipts: int
    voted: bool


class BallotIn(Schema):
    content: dict[str, str] = Field(
        default_factory=dict, description="Item key → choice (missing: abstain)."
    )


class Message(Schema):
    message: str


def _result(r) -> dict:
    return {
        "id": r.pk,
        "cycle_id": r.cycle_id,
        "person_id": r.person_id,
        "final": r.final,
        "computed_grade": r.grade,
        "status": r.status,
        "final_grade": selectors.final_of(r),
        "vetoes": [v["code"] for v in r.vetoes],
    }


@router.get("/evaluation/cycles", response={200: list[CycleOut], **ERRORS})
def cycle_list(request):
    scope = scope_for(request.auth)
    scope.require(Perm.EVAL_VIEW)
    return list(scope.visible(Cycle)[:LIMIT])


@router.get("/evaluation/cycles/{cycle_id}/results", response={200: ResultPage, **ERRORS})
def cycle_results(request, cycle_id: Id, query: Query[PageQuery]):
    """The cycle's results in the caller's scope, a page at a time (`limit`, `offset`)."""
    scope = scope_for(request.auth)
    cycle = scope.get(Cycle, cycle_id, Perm.EVAL_VIEW)
    found = page(scope.visible(selectors.cycle_results(cycle)).order_by("pk"), query)
    return {**found, "items": [_result(r) for r in found["items"]]}


@router.get("/evaluation/my/results", response={200: list[ResultOut], **ERRORS})
def my_results(request):
    return [_result(r) for r in selectors.own_results(request.auth)]


@router.get("/evaluation/my/ratings", response={200: list[RatingOut], **ERRORS})
def my_ratings(request):
    person = selectors.own_person(request.auth)
    rows = (
        RaterAssignment.objects.filter(rater=person, cycle__status=Cycle.Status.OPEN)
        if person
        else RaterAssignment.objects.none()
    )
    return [
        {
            "id": r.pk,
            "cycle_id": r.cycle_id,
            "ratee_id": r.ratee_id,
            "ratee_name": r.ratee.name,
            "group": r.group,
            "score": r.score,
        }
        for r in rows.select_related("ratee")[:LIMIT]
    ]


@router.post("/evaluation/cycles/{cycle_id}/ratings", response={200: Message, **ERRORS})
def ratings_save(request, cycle_id: Id, payload: RatingsIn):
    person = selectors.own_person(request.auth)
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if (
        person is None
        or cycle is None
        or not RaterAssignment.objects.filter(cycle=cycle, rater=person).exists()
    ):
        raise NotFound("not found")
    changed = services.ratings_save(
        rater=person, cycle=cycle, scores=payload.scores, submit=payload.submit
    )
    return {"message": f"{changed} saved" + (", submitted" if payload.submit else "")}


def _poll(request, poll_id) -> tuple[Poll, object]:
    """A poll its voter or a reader of its scope may see (404 otherwise)."""
    scope = scope_for(request.auth)
    person = selectors.own_person(request.auth)
    mine = PollVoter.objects.filter(person=person).values("poll_id") if person else []
    poll = (
        Poll.objects.filter(pk=poll_id)
        .filter(Q(pk__in=mine) | scope.q(Poll, Perm.EVAL_VIEW))
        .first()
    )
    if poll is None:
        raise NotFound("not found")
    return poll, person


@router.get("/evaluation/polls/{poll_id}", response={200: PollOut, **ERRORS})
def poll_status(request, poll_id: Id):
    poll, person = _poll(request, poll_id)
    return {"id": poll.pk, "title": poll.title, **ballots.poll_status(poll, person)}


@router.get("/evaluation/polls/{poll_id}/results", response={200: dict, **ERRORS})
def poll_results(request, poll_id: Id):
    poll, _person = _poll(request, poll_id)
    return ballots.poll_results(poll)


@router.post("/evaluation/polls/{poll_id}/ballot", response={200: Message, **ERRORS})
def ballot_cast(request, poll_id: Id, payload: BallotIn):
    poll, person = _poll(request, poll_id)
    if person is None:
        raise NotFound("not found")
    ballots.ballot_cast(poll_id=poll.pk, voter=person, content=payload.content)
    return {"message": "cast"}


def _election(e: Election) -> dict:
    out = {
        "id": e.pk,
        "organisation_id": e.organisation_id,
        "held_on": e.held_on.isoformat(),
        "seats": e.seats,
        "eligible": e.eligible,
        "present": e.present,
        "status": e.status,
        "poll_id": e.poll_id,
        "approved_on": e.approved_on.isoformat() if e.approved_on else None,
        "term_id": e.term_id,
        "round": e.round,
        "previous_id": e.previous_id,
    }
    if e.poll.status == Poll.Status.CLOSED:
        result = elections.outcome(e)
        out["needed"] = result.needed
        out["candidates"] = [
            {
                "person_id": int(c.key),
                "name": c.name,
                "votes_for": c.votes,
                "votes_against": c.against,
                "elected": c.elected,
                "tied": c.tied,
            }
            for c in result.candidates
        ]
    return out


@router.get("/evaluation/elections", response={200: list[ElectionOut], **ERRORS})
def election_list(request):
    """Committee elections in the caller's scope (newest first, at most 500)."""
    scope = scope_for(request.auth)
    scope.require(Perm.EVAL_BRANCH)
    return [_election(e) for e in scope.visible(Election).select_related("poll")[:LIMIT]]


@router.get("/evaluation/elections/{election_id}", response={200: ElectionOut, **ERRORS})
def election_detail(request, election_id: Id):
    scope = scope_for(request.auth)
    return _election(scope.get(Election, election_id, Perm.EVAL_BRANCH))
