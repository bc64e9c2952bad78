"""A result stores its raw scores; its explanation is rebuilt, when shown, with the scheme
its computation kept: changing the scheme afterwards (reopening the cycle) does not change
what an earlier result explains, and results written before the raw scores were kept show
the explanation they stored."""

import copy
from decimal import Decimal

from tests.evaluation.factories import cycle_make, fake_sources
from tongxin.evaluation import selectors, services
from tongxin.evaluation.models import Computation, Result


def _facts(world):
    m = world.members
    return {
        "attendance_rate": {p.pk: Decimal("0.85") for p in m},
        "study_hours": {m[0].pk: 30, m[1].pk: 12.5},
        "sanctions": {m[2].pk: ["warning"]},
    }


def _rows(why):
    return {
        r["code"]: (r["label"], r["weight"], r["score"], r["used"], r["record"], r.get("detail"))
        for r in why["criteria"]
    }


def test_an_earlier_result_keeps_its_explanation_when_the_scheme_changes(world):
    party = world.users["party"]
    with fake_sources(_facts(world)):
        cycle = cycle_make(world)
        first = services.cycle_compute(actor=party, cycle=cycle)
        before = {r.person_id: r for r in Result.objects.filter(computation=first)}
        shown = {pid: selectors.explain(r) for pid, r in before.items()}
        m0 = _rows(shown[world.members[0].pk])
        assert m0["attendance"][1:] == ("30", "85.00", True, "0.85", "85.0%")
        assert m0["study"][1:] == ("20", "75.00", True, 30, "30 / 40")
        assert [v["code"] for v in shown[world.members[2].pk]["vetoes"]] == ["warning"]

        # The committee reopens the cycle and changes the scheme: new weights and labels.
        services.cycle_reopen(actor=party, cycle=cycle, reason="权重调整")
        cycle.refresh_from_db()
        scheme = copy.deepcopy(cycle.frozen or {})
        from tongxin.evaluation.models import Scheme

        definition = copy.deepcopy(Scheme.objects.get(pk=cycle.schemes["judge"]).definition)
        party_node = next(n for n in definition["tree"] if n["code"] == "party")
        attendance = next(n for n in party_node["children"] if n["code"] == "attendance")
        study = next(n for n in party_node["children"] if n["code"] == "study")
        attendance["weight"], study["weight"] = 20, 30
        attendance["label"] = "出勤（新）"
        Scheme.objects.filter(pk=cycle.schemes["judge"]).update(definition=definition)
        cycle = services.cycle_open(actor=party, cycle=cycle)
        second = services.cycle_compute(actor=party, cycle=cycle)
    assert scheme == {}  # a reopened cycle has no frozen scheme until it opens again

    again = {r.person_id: r for r in Result.objects.filter(computation=first)}
    assert {pid: selectors.explain(r) for pid, r in again.items()} == shown
    now = _rows(selectors.explain(Result.objects.get(computation=second, person=world.members[0])))
    assert now["attendance"][:3] == ("出勤（新）", "20", "85.00")
    assert now["study"][1] == "30"


def test_a_result_written_with_its_explanation_shows_that_explanation(world):
    """Results computed before the raw scores were kept (no scheme kept by their run)."""
    cycle = cycle_make(world)
    run = Computation.objects.create(cycle=cycle, quotas={})
    stored = {
        "party": {"score": "70.00", "weight": "25", "used": True, "detail": None, "source": ""},
        "rated": {"score": None, "weight": "30", "used": False, "detail": {}, "source": ""},
    }
    result = Result.objects.create(
        computation=run,
        cycle=cycle,
        person=world.members[0],
        category="judge",
        unit="u",
        final=Decimal("70.00"),
        grade="competent",
        status="graded",
        stored_criteria=stored,
        facts={"attendance_rate": 0.7},
    )
    result = Result.objects.get(pk=result.pk)
    assert result.criteria == stored
    rows = _rows(selectors.explain(result))
    assert rows["party"][1:4] == ("25", "70.00", True)
    assert rows["rated"][2:4] == (None, False)
    assert rows["attendance"][2:4] == (None, False)  # not in what was stored: no score shown
