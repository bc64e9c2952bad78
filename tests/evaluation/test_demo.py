"""The small demo holds every state the evaluation issue asks for."""

import io

from django.core.management import call_command
from django.utils import timezone

from tongxin.evaluation import ballots
from tongxin.evaluation.models import (
    Commitment,
    Cycle,
    DemocraticEvaluation,
    Override,
    Poll,
    Result,
    ReviewRequest,
    Selection,
)


def test_the_demo_has_every_evaluation_state(db):
    call_command("seed_demo", scale="small", seed=1, stdout=io.StringIO())
    today = timezone.localdate()
    closed = Cycle.objects.filter(status=Cycle.Status.FINAL, year=today.year - 1).get()
    results = Result.objects.filter(cycle=closed)
    assert results.filter(status="tie").exists()  # ties at the quota line ...
    assert Override.objects.filter(result__cycle=closed, result__status="tie").exists()  # decided
    assert results.exclude(vetoes=[]).exists()  # a rule applied (two incompetent years)
    assert ReviewRequest.objects.filter(result__cycle=closed, status="answered").exists()
    decided = DemocraticEvaluation.objects.get(status="decided")
    assert ballots.poll_recount(decided.poll) == decided.poll.tally
    voting = DemocraticEvaluation.objects.get(status="voting")
    assert voting.poll.status == Poll.Status.OPEN
    states = set(Commitment.objects.values_list("status", flat=True))
    assert states == set(Commitment.Status.values)
    assert Selection.objects.filter(status="objection", objection_until__gt=today).exists()
    from tongxin.evaluation import elections
    from tongxin.evaluation.models import Election

    election = Election.objects.get(status=Election.Status.COUNTED)
    assert election.present >= elections.quorum(election.eligible)
    assert ballots.poll_recount(election.poll) == election.poll.tally
    assert elections.outcome(election).ballots == election.present
