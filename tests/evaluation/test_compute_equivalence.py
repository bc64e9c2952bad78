"""The bulk compute (services.cycle_compute: set-based loading with the ratings summed per
group by the database, the compiled engine, COPY or bulk_create of the raw scores) gives
exactly what a straightforward computation gives on a seeded random cycle: each person's
facts asked of each source alone, their submitted scores read one by one, and the engine as
it was before the optimisation (reference_grading.py, kept unoptimised). The explanation
each result shows, rebuilt from its stored raw scores, facts (Decimals among them, through
JSON) and the kept scheme, equals the one the reference engine gives."""

import random
from decimal import Decimal

import pytest

from tests.evaluation import reference_grading as ref
from tests.evaluation.factories import cycle_make, fake_sources
from tests.factories import PersonFactory
from tongxin.evaluation import schemes, services
from tongxin.evaluation.models import (
    Computation,
    CycleMember,
    RaterAssignment,
    RaterSheet,
    Result,
)
from tongxin.evaluation.sources import sources

GROUPS = ("leader", "colleague", "subordinate", "masses")
TRIAL = ("closure_rate", "reversal_remand_rate", "mean_duration_days")
TRIAL_RANGES = {
    "closure_rate": (0.7, None),
    "reversal_remand_rate": (None, 0.03),
    "mean_duration_days": (None, 120),
}


def _maybe(rng, value, p=0.8):
    return value if rng.random() < p else None


def _facts(rng, pid):
    """Coarse values, so that final scores tie and ties meet the quota line."""
    trial = {
        code: {"value": rng.choice(v), "range": TRIAL_RANGES[code], "within": None}
        for code, v in zip(TRIAL, ((0.6, 0.8, 0.95), (0.01, 0.05), (50.0, 130.0)), strict=True)
        if rng.random() < 0.8
    }
    return {
        "attendance_rate": _maybe(rng, rng.choice((0.5, 0.8, 1.0))),
        "study_hours": _maybe(rng, rng.choice((10, 40, 60))),
        "democratic_grade": _maybe(rng, rng.choice(("excellent", "qualified", "basic"))),
        "commitments_fulfilled": _maybe(rng, rng.choice((0.5, 1.0))),
        "trial_indicators": trial or None,
        "tasks_on_time": _maybe(rng, rng.choice((0.5, 0.75, 1.0))),
        "talk_coverage": _maybe(rng, rng.choice((0.25, 1.0)), 0.5),
        "sanctions": _maybe(rng, rng.choice((["warning"], ["demotion"], ["admonition"])), 0.1),
        "previous_incompetent": _maybe(rng, True, 0.1),
    }


def _straightforward(cycle):
    """Per person: every source asked for that person alone, the submitted scores read one
    rater at a time; then the reference engine."""
    known = sources()
    people = []
    for member in CycleMember.objects.filter(cycle=cycle).order_by("?"):
        facts = {}
        for code in sorted(ref.sources_used(cycle.frozen[member.category])):
            answer = known[code].fetch([member.person_id], cycle.year)
            if member.person_id in answer:
                facts[code] = answer[member.person_id]
        ratings = {}
        for row in RaterAssignment.objects.filter(cycle=cycle, ratee_id=member.person_id):
            submitted = RaterSheet.objects.filter(cycle=cycle, rater_id=row.rater_id).exists()
            if submitted and row.score is not None:
                ratings.setdefault(row.group, []).append(row.score)
        person = ref.Person(
            pid=member.person_id,
            unit=member.unit,
            facts=facts,
            ratings={g: tuple(s) for g, s in ratings.items()},
        )
        people.append((member.category, person))
    return ref.grade_many(cycle.frozen, people, cycle.rate)


@pytest.mark.parametrize("seed", [7, 2026])
def test_bulk_compute_equals_the_straightforward_one(world, seed):
    rng = random.Random(seed)
    cycle = cycle_make(world, rate=rng.choice((10, 20, 30)))
    # A second category with its own scheme, and people spread over three quota units.
    cycle.frozen = {**cycle.frozen, "clerk": schemes.default_definition("clerk")}
    cycle.save(update_fields=["frozen"])
    extra = [PersonFactory(court=world.basic) for _ in range(45)]
    CycleMember.objects.bulk_create(
        CycleMember(
            cycle=cycle,
            person=p,
            category=rng.choice(("judge", "clerk")),
            unit=rng.choice(("u1", "u2", "u3")),
        )
        for p in extra
    )
    # Ten clerks alike in every fact, unrated, in their own unit: a tie across the quota line.
    alike = [PersonFactory(court=world.basic) for _ in range(10)]
    CycleMember.objects.bulk_create(
        CycleMember(cycle=cycle, person=p, category="clerk", unit="u4") for p in alike
    )
    alike_ids = {p.pk for p in alike}
    members = list(CycleMember.objects.filter(cycle=cycle).values_list("person_id", flat=True))
    for ratee in set(members) - alike_ids:
        raters = rng.sample([m for m in members if m != ratee], rng.randint(0, 5))
        RaterAssignment.objects.bulk_create(
            RaterAssignment(
                cycle=cycle,
                rater_id=rater,
                ratee_id=ratee,
                group=rng.choice(GROUPS),
                score=_maybe(rng, Decimal(rng.choice((60, 75, 85, 90, 100))), 0.9),
            )
            for rater in raters
        )
    RaterSheet.objects.bulk_create(
        RaterSheet(cycle=cycle, rater_id=r) for r in members if rng.random() < 0.8
    )
    data = {}
    for pid in members:
        for code, value in _facts(rng, pid).items():
            if value is not None:
                data.setdefault(code, {})[pid] = value
    # A second generator (the first one's draws, which give the ties and vetoes, unchanged):
    # cents in some scores (the groups' sums come from the database, on SQLite through a
    # float sum) and some facts as Decimals (a numeric column; text once stored in JSON,
    # where the explanation is rebuilt from).
    extra = random.Random(seed + 1)
    cents = [a for a in RaterAssignment.objects.filter(cycle=cycle, score__isnull=False)]
    for a in cents:
        a.score -= Decimal(extra.choice(("0", "0", "0.35", "0.15", "12.05")))
    RaterAssignment.objects.bulk_update(cents, ["score"])
    for code in ("attendance_rate", "study_hours", "commitments_fulfilled", "tasks_on_time"):
        for pid, value in data.get(code, {}).items():
            if extra.random() < 0.4:
                data[code][pid] = Decimal(str(value)) + Decimal(extra.choice(("0", "0.0125")))
    top = {"attendance_rate": 1.0, "study_hours": 40, "democratic_grade": "excellent",
           "commitments_fulfilled": 1.0, "tasks_on_time": 1.0, "talk_coverage": 1.0}  # fmt: skip
    for code, values in data.items():
        for pid in alike_ids:
            values.pop(pid, None)
            if code in top:
                values[pid] = top[code]

    with fake_sources(data):
        expected = _straightforward(cycle)
        run = services.cycle_compute(actor=world.users["party"], cycle=cycle)

    assert Computation.objects.get(pk=run.pk).quotas == {
        unit: g["quota"] for unit, g in expected.items()
    }
    got = {r.person_id: r for r in Result.objects.filter(computation=run)}
    want = {pid: (unit, o) for unit, g in expected.items() for pid, o in g["outcomes"].items()}
    assert set(got) == set(want) == set(members)
    for pid, (unit, o) in want.items():
        r = got[pid]
        assert (r.unit, r.final, r.grade, r.status, r.rank) == (
            unit,
            o.final,
            o.grade or "",
            o.status,
            o.rank,
        ), pid
        assert r.criteria == o.criteria, pid
        assert r.vetoes == o.vetoes, pid
        # What is stored: the raw scores and the rater groups, not the explanation.
        assert r.stored_criteria == {}, pid
        assert r.scores == {code: c["score"] for code, c in o.criteria.items()}, pid
        assert r.groups == {
            code: c["detail"] for code, c in o.criteria.items() if isinstance(c["detail"], dict) and c["detail"]
        }  # fmt: skip
    # The seed gives what the test is about: ties at the line, vetoes, missing criteria.
    statuses = {o.status for _, o in want.values()}
    assert {ref.GRADED, ref.UNGRADED, ref.TIE} <= statuses
    assert any(o.grade == ref.EXCELLENT for _, o in want.values())
    assert any(not c["used"] for _, o in want.values() for c in o.criteria.values())
