"""Cycles, schemes, rating, computing, overrides, publication and review (services)."""

import datetime

import pytest

from tests.evaluation.factories import YEAR, cycle_make, fake_sources, judge_scheme
from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditEntry
from tongxin.evaluation import grading, selectors, services
from tongxin.evaluation.models import Cycle, RaterAssignment, Result

WITHIN = {
    "closure_rate": {"value": 0.95, "range": (0.7, None), "within": True},
    "reversal_remand_rate": {"value": 0.01, "range": (None, 0.03), "within": True},
    "mean_duration_days": {"value": 50.0, "range": (None, 120), "within": True},
}


def facts_for(world):
    m = world.members
    attendance = {p.pk: 0.6 for p in [*m, world.probationary]}
    trial = {}
    for p in m[:4]:
        attendance[p.pk] = 0.95
        trial[p.pk] = WITHIN
    attendance[m[0].pk] = 1.0
    attendance[m[8].pk] = 0.3
    return {
        "attendance_rate": attendance,
        "trial_indicators": trial,
        "sanctions": {m[3].pk: ["warning"], m[7].pk: ["demotion"]},
    }


@pytest.fixture
def computed(world):
    with fake_sources(facts_for(world)):
        cycle = cycle_make(world)
        rater = world.members[5]
        row = services.rater_assign(
            actor=world.users["party"],
            cycle=cycle,
            rater=rater,
            ratee=world.members[0],
            group="colleague",
        )
        services.ratings_save(rater=rater, cycle=cycle, scores={row.pk: "100"}, submit=True)
        services.cycle_compute(actor=world.users["party"], cycle=cycle)
        cycle.refresh_from_db()
        yield cycle


def by_person(cycle):
    return {r.person_id: r for r in selectors.cycle_results(cycle)}


def test_opening_freezes_the_scheme_and_reopening_is_logged(world):
    cycle = cycle_make(world)
    scheme = judge_scheme()
    changed = dict(scheme.definition, thresholds={"excellent": 90, "competent": 60, "basic": 45})
    services.scheme_save(actor=world.users["admin"], scheme=scheme, definition=changed)
    cycle.refresh_from_db()
    assert cycle.frozen["judge"]["thresholds"]["excellent"] == 85
    assert cycle.members.count() == 10  # the basic court's judges, probationary included
    with pytest.raises(ApplicationError):
        services.cycle_reopen(actor=world.users["party"], cycle=cycle, reason=" ")
    services.cycle_reopen(actor=world.users["party"], cycle=cycle, reason="权重调整")
    entry = AuditEntry.objects.get(action="evaluation.cycle.reopened")
    assert entry.after["reason"] == "权重调整"
    cycle = services.cycle_open(actor=world.users["party"], cycle=cycle)
    assert cycle.frozen["judge"]["thresholds"]["excellent"] == 90


def test_weights_not_summing_to_100_are_refused_with_a_clear_message(world):
    scheme = judge_scheme()
    bad = dict(scheme.definition)
    bad["tree"] = [dict(bad["tree"][0], weight=30), *bad["tree"][1:]]
    with pytest.raises(ApplicationError) as error:
        services.scheme_save(actor=world.users["admin"], scheme=scheme, definition=bad)
    assert "sum to 105, not 100" in error.value.message
    scheme.refresh_from_db()
    assert scheme.definition["tree"][0]["weight"] == 25  # nothing saved


def test_quota_above_20_needs_an_approval(world):
    with pytest.raises(ApplicationError, match="approval"):
        cycle_make(world, rate=25, open_it=False)
    cycle = cycle_make(world, rate=25, approval="省院政治部批复〔2025〕12号", open_it=False)
    assert cycle.rate == 25


def test_rating_rules(world):
    cycle = cycle_make(world)
    rater, other = world.members[5], world.members[6]
    with pytest.raises(ApplicationError, match="themselves"):
        services.rater_assign(
            actor=world.users["party"], cycle=cycle, rater=rater, ratee=rater, group="colleague"
        )
    a = services.rater_assign(
        actor=world.users["party"],
        cycle=cycle,
        rater=rater,
        ratee=world.members[0],
        group="colleague",
    )
    b = services.rater_assign(
        actor=world.users["party"],
        cycle=cycle,
        rater=rater,
        ratee=world.members[1],
        group="colleague",
    )
    c = services.rater_assign(
        actor=world.users["party"], cycle=cycle, rater=other, ratee=world.members[1], group="leader"
    )
    for junk in ("101", "-1", "abc", "NaN", "1e400"):
        with pytest.raises(ApplicationError, match="0 to 100"):
            services.ratings_save(rater=rater, cycle=cycle, scores={a.pk: "80", b.pk: junk})
    assert RaterAssignment.objects.get(pk=a.pk).score is None  # nothing half-saved
    with pytest.raises(ApplicationError, match="assigned to you"):
        services.ratings_save(rater=rater, cycle=cycle, scores={c.pk: "80"})
    services.ratings_save(rater=rater, cycle=cycle, scores={a.pk: "80"})  # a draft
    with pytest.raises(ApplicationError, match="every person"):
        services.ratings_save(rater=rater, cycle=cycle, scores={}, submit=True)
    services.ratings_save(rater=rater, cycle=cycle, scores={b.pk: "70.5"}, submit=True)
    with pytest.raises(ApplicationError, match="already submitted"):
        services.ratings_save(rater=rater, cycle=cycle, scores={a.pk: "10"})
    rows, submitted = selectors.rater_sheet(world.users["member"], cycle)
    assert submitted and {r.pk for r in rows} == {a.pk, b.pk}  # never the other rater's


def test_compute_applies_vetoes_first_then_the_quota_with_ties_to_the_committee(computed, world):
    m = world.members
    results = by_person(computed)
    assert len(results) == 10
    assert results[m[0].pk].grade == grading.EXCELLENT  # 100, alone at the top
    assert {results[m[1].pk].status, results[m[2].pk].status} == {grading.TIE}
    assert results[m[3].pk].grade == grading.COMPETENT  # a warning: no "excellent"
    assert [v["code"] for v in results[m[3].pk].vetoes] == ["warning"]
    assert results[m[7].pk].status == grading.UNGRADED  # a heavier sanction: no grade
    assert results[m[8].pk].grade == grading.INCOMPETENT
    assert computed.computations.get().quotas == {str(world.basic.pk): 2}


def test_explanation_names_each_criterion_its_record_and_the_veto(computed, world):
    results = by_person(computed)
    why = selectors.explain(results[world.members[3].pk])
    rows = {r["code"]: r for r in why["criteria"]}
    assert rows["attendance"]["record"] == 0.95 and rows["attendance"]["used"]
    assert rows["democratic"]["used"] is False  # no record: left out
    assert why["vetoes"][0]["label"] == "年度内受警告处分"
    assert why["vetoes"][0]["record"] == ["warning"]
    mine = selectors.explain(results[world.members[0].pk])
    rated = {r["code"]: r for r in mine["criteria"]}["rated"]
    assert rated["groups"] == [{"group": "withheld", "count": None, "mean": None}]


def test_overrides_need_a_reason_respect_the_quota_and_leave_raw_scores(computed, world):
    m, committee = world.members, world.users["party"]
    results = by_person(computed)
    raw = {
        r.pk: (r.final, r.grade, r.status, r.criteria, r.vetoes)
        for r in Result.objects.filter(cycle=computed)
    }
    with pytest.raises(ApplicationError, match="reason"):
        services.override_record(
            actor=committee, result=results[m[1].pk], grade="excellent", reason="  "
        )
    with pytest.raises(ApplicationError, match="veto"):  # vetoes win over the committee too
        services.override_record(
            actor=committee, result=results[m[3].pk], grade="excellent", reason="x"
        )
    with pytest.raises(ApplicationError, match="veto"):
        services.override_record(
            actor=committee, result=results[m[7].pk], grade="competent", reason="x"
        )
    services.override_record(
        actor=committee, result=results[m[1].pk], grade="excellent", reason="审判业绩突出"
    )
    with pytest.raises(ApplicationError, match="quota"):
        services.override_record(
            actor=committee, result=results[m[2].pk], grade="excellent", reason="x"
        )
    with pytest.raises(ApplicationError, match="ties"):
        services.cycle_publish(
            actor=committee,
            cycle=computed,
            until=datetime.date.today() + datetime.timedelta(days=7),
        )
    services.override_record(
        actor=committee, result=results[m[2].pk], grade="competent", reason="名额所限"
    )
    after = {
        r.pk: (r.final, r.grade, r.status, r.criteria, r.vetoes)
        for r in Result.objects.filter(cycle=computed)
    }
    assert after == raw
    assert AuditEntry.objects.filter(action="evaluation.result.overridden").count() == 2
    with pytest.raises(ValueError):
        Result.objects.get(pk=results[m[1].pk].pk).save()


def test_publication_review_and_final_lock(computed, world):
    m, committee = world.members, world.users["party"]
    results = by_person(computed)
    for person, grade in ((m[1], "excellent"), (m[2], "competent")):
        services.override_record(
            actor=committee, result=results[person.pk], grade=grade, reason="委员会决定"
        )
    services.cycle_publish(
        actor=committee, cycle=computed, until=datetime.date.today() + datetime.timedelta(days=7)
    )
    member = world.users["member"]  # members[5]
    own = selectors.own_results(member)
    assert [r.person_id for r in own] == [m[5].pk]
    with pytest.raises(ApplicationError, match="own result"):
        services.review_request(person=m[5], result=results[m[0].pk], reason="x")
    with pytest.raises(ApplicationError, match="why"):
        services.review_request(person=m[5], result=own[0], reason="")
    review = services.review_request(person=m[5], result=own[0], reason="出勤记录有误")
    with pytest.raises(ApplicationError, match="already"):
        services.review_request(person=m[5], result=own[0], reason="again")
    with pytest.raises(ApplicationError, match="review"):
        services.cycle_finalize(actor=committee, cycle=computed)
    services.review_answer(actor=committee, review=review, answer="经核实，维持原结果")
    services.cycle_finalize(actor=committee, cycle=computed)
    computed.refresh_from_db()
    assert computed.status == Cycle.Status.FINAL
    with pytest.raises(ApplicationError):
        services.override_record(
            actor=committee, result=results[m[0].pk], grade="competent", reason="x"
        )
    grades = selectors.final_grades([p.pk for p in m], YEAR)
    assert grades[m[1].pk] == "excellent" and grades[m[8].pk] == "incompetent"
    from tongxin.evaluation.sources import sources

    assert sources()["previous_incompetent"].fetch([m[8].pk, m[1].pk], YEAR + 1) == {m[8].pk: True}
