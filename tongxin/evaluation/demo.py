"""Demo data of the evaluation app (seed_demo runs it after people and the earlier apps).

For the demo branch's court: last year's appraisal closed (vetoes: a second incompetent year
flagged, plus any sanction the discipline app's facts give; ties at the quota line decided by
the committee with reasons; a review request answered), the branch's democratic evaluation
of last year decided from its ballot and this year's with its ballot open (the demo member
has not voted yet), commitments in every state, a selection in its objection period, and the
branch's committee election counted by secret ballot (the committee left to record).
Ratings are written in bulk (the services check them one rater at a time); every state
change goes through the services.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from tongxin.core.extensions import demo_seeder
from tongxin.evaluation import ballots, party, services
from tongxin.evaluation.models import (
    Commitment,
    Cycle,
    ProgressNote,
    RaterAssignment,
    RaterSheet,
    Result,
    Scheme,
    Selection,
)
from tongxin.evaluation.selectors import cycle_results
from tongxin.people.models import Person

GROUPS = ("leader", "colleague", "colleague", "subordinate", "masses")
MAX_PEOPLE = 400  # the cycle covers the demo court's staff, at most this many rated


@demo_seeder(order=60)
def seed(*, scale, seed, today, log):
    User = get_user_model()
    actor = User.objects.filter(username="party").first()
    secretary = User.objects.filter(username="secretary").first()
    member = Person.objects.filter(user__username="member").first()
    if actor is None or member is None:
        log("evaluation: no demo member, nothing seeded")
        return
    branch = member.memberships.filter(ends_on__isnull=True).first().organisation
    rng = random.Random(seed)
    year = today.year - 1
    _democratic(branch, year, secretary, rng, decide=True)
    _commitments(branch, year, today, secretary, rng)
    # Someone outside the demo branch, rated low two years running: only raters' scores
    # feed their grade, so both years are "incompetent" and the second is flagged.
    low = (
        Person.objects.filter(court=branch.court, is_active=True)
        .exclude(memberships__organisation=branch)
        .order_by("staff_number")
        .first()
        or member
    )
    _cycle(branch.court, year - 1, actor, rng, today, final=True, low=low)
    cycle = _cycle(branch.court, year, actor, rng, today, final=False, low=low)
    _close_with_review(cycle, actor, member, today)
    _democratic(branch, today.year, secretary, rng, decide=False, skip=member)
    _selection(branch, year, actor, rng, today)
    _election(branch, secretary, rng)
    log(
        f"evaluation: cycles {year - 1} and {year} closed, democratic evaluations, "
        "commitments, a selection in its objection period, a committee election counted"
    )


def _democratic(branch, year, secretary, rng, *, decide, skip=None):
    ev = party.democratic_open(actor=secretary, organisation=branch, year=year)
    full, probationary = party.roster(branch)
    for person in [*full, *probationary][:6]:
        party.self_evaluation_save(person=person, evaluation=ev, text="本年度认真学习，履职尽责。")
    ev = party.democratic_vote_open(actor=secretary, evaluation=ev)
    weights = [3, 10, 2, 1]
    for voter in full:
        if voter == skip:
            continue
        content = {
            str(p.pk): rng.choices(["excellent", "qualified", "basic", "unqualified"], weights)[0]
            for p in full
            if p != voter
        }
        ballots.ballot_cast(poll_id=ev.poll.pk, voter=voter, content=content)
    if not decide:
        return ev
    ev = party.democratic_vote_close(actor=secretary, evaluation=ev)
    counts = ev.poll.tally["items"]
    ranked = sorted(counts, key=lambda k: (-counts[k]["excellent"], k))
    limit = party.excellent_limit(len(ranked))
    grades = {k: ("excellent" if i < limit else "qualified") for i, k in enumerate(ranked)}
    party.democratic_decide(actor=secretary, evaluation=ev, grades=grades)
    return ev


def _election(branch, secretary, rng):
    """The branch's committee election, counted by secret ballot, one more candidate than
    seats; the committee is left for the party office to record (the demo's next step)."""
    from tongxin.evaluation import elections

    voters = elections.eligible_voters(branch)
    if len(voters) < 2:
        return None
    seats = 3 if len(voters) >= elections.SMALL_BRANCH else 1
    candidates = voters[: seats + 1]
    present = voters[: max(elections.quorum(len(voters)), len(voters) - 1)]
    election = elections.election_open(
        actor=secretary, organisation=branch, seats=seats, candidates=candidates, present=present
    )
    for voter in present:
        chosen = rng.sample(candidates, seats)
        content = {str(p.pk): ("for" if p in chosen else "against") for p in candidates}
        ballots.ballot_cast(poll_id=election.poll_id, voter=voter, content=content)
    return elections.election_close(actor=secretary, election=election)


def _commitments(branch, year, today, secretary, rng):
    full, _probationary = party.roster(branch)
    texts = [
        "全年办结案件不少于150件",
        "每季度参加一次志愿服务",
        "带教一名新入职书记员",
        "撰写一篇调研文章",
    ]
    states = ["evaluated", "evaluated", "accepted", "returned", "submitted", "draft"]
    for i, person in enumerate(full):
        state = states[i % len(states)]
        the_year = year if state == "evaluated" else today.year
        rows = party.commitments_write(
            person=person, organisation=branch, year=the_year, texts=texts[: 2 + i % 3]
        )
        for row in rows:
            if state == "draft":
                Commitment.objects.filter(pk=row.pk).update(status=Commitment.Status.DRAFT)
            elif state == "returned":
                party.commitment_review(
                    actor=secretary,
                    commitment=row,
                    accept=False,
                    note="表述笼统，请细化可衡量的目标",
                )
            elif state in ("accepted", "evaluated"):
                party.commitment_review(actor=secretary, commitment=row, accept=True)
                ProgressNote.objects.create(commitment=row, quarter=1, text="按计划推进")
                if state == "evaluated":
                    party.commitment_evaluate(
                        actor=secretary,
                        commitment=row,
                        outcome=rng.choice(["fulfilled", "fulfilled", "partly"]),
                        note="群众评价良好",
                    )


def _cycle(court, year, actor, rng, today, *, final, low):
    categories = ["judge", "assistant", "clerk", "police", "admin"]
    schemes = {s.category: s.pk for s in Scheme.objects.filter(code__startswith="default-")}
    cycle = services.cycle_create(
        actor=actor,
        court=court,
        year=year,
        name="年度考核",
        categories=categories,
        schemes=schemes,
        opens_on=datetime.date(year, 12, 1),
        rating_closes_on=datetime.date(year, 12, 31),
    )
    cycle = services.cycle_open(actor=actor, cycle=cycle)
    people = list(cycle.members.values_list("person_id", flat=True)[:MAX_PEOPLE])
    rows, raters = [], set()
    for i, ratee in enumerate(people):
        # A few share the best scores (ties at the quota line); the demo member scores low.
        base = 30 if ratee == low.pk else 96 if i % 4 == 0 else 80
        for rater in rng.sample([p for p in people if p != ratee], min(6, len(people) - 1)):
            score = base if base != 80 else base + rng.randint(-8, 8)
            rows.append(
                RaterAssignment(
                    cycle=cycle,
                    rater_id=rater,
                    ratee_id=ratee,
                    group=rng.choice(GROUPS),
                    score=Decimal(score),
                )
            )
            raters.add(rater)
    RaterAssignment.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    RaterSheet.objects.bulk_create([RaterSheet(cycle=cycle, rater_id=r) for r in raters])
    services.cycle_compute(actor=actor, cycle=cycle)
    _decide_ties(cycle, actor)
    if final:
        result = cycle.results.filter(person=low).first()
        if result is not None:
            services.override_record(
                actor=actor,
                result=result,
                grade="incompetent",
                reason="年度考核不称职（委员会审定）",
            )
        services.cycle_publish(actor=actor, cycle=cycle, until=today)
        services.cycle_finalize(actor=actor, cycle=cycle)
    return cycle


def _decide_ties(cycle, actor):
    """The committee decides the ties: the remaining places in staff-number order, with the
    reason recorded (the demo's stand-in for the committee's deliberation)."""
    run = cycle.computations.order_by("-id").first()
    for unit, limit in run.quotas.items():
        taken = Result.objects.filter(computation=run, unit=unit, grade="excellent").count()
        tied = cycle_results(cycle).filter(unit=unit, status="tie").order_by("person__staff_number")
        for result in tied:
            grade = "excellent" if taken < limit else "competent"
            taken += grade == "excellent"
            services.override_record(
                actor=actor,
                result=result,
                grade=grade,
                reason="并列于名额线，经考核委员会集体研究决定",
            )


def _close_with_review(cycle, actor, member, today):
    services.cycle_publish(actor=actor, cycle=cycle, until=today + datetime.timedelta(days=7))
    result = cycle_results(cycle).filter(person=member).first()
    if result is not None:
        review = services.review_request(
            person=member, result=result, reason="本人认为测评分数未反映全年办案量，申请复核"
        )
        services.review_answer(
            actor=actor, review=review, answer="经复核，测评过程符合规定，维持原考核结果"
        )
    services.cycle_finalize(actor=actor, cycle=cycle)
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.FINAL


def _selection(branch, year, actor, rng, today):
    selection = Selection.objects.create(court=branch.court, year=year, kind="four_strong")
    nomination = party.nominate(actor=actor, selection=selection, organisation=branch)
    full, _probationary = party.roster(branch)
    selection = party.selection_vote_open(
        actor=actor, selection=selection, voters=[p.pk for p in full]
    )
    for voter in full:
        ballots.ballot_cast(
            poll_id=selection.poll.pk,
            voter=voter,
            content={str(nomination.pk): rng.choice(["for", "for", "against"])},
        )
    party.selection_publish(
        actor=actor, selection=selection, objection_until=today + datetime.timedelta(days=5)
    )
