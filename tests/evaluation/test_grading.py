"""The grading engine (pure): properties over any input, and the worked examples."""

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongxin.evaluation import grading
from tongxin.evaluation.grading import Person

SCHEME = {
    "tree": [
        {"code": "a", "label": "A", "weight": 60, "source": "a", "scoring": {"kind": "ratio"}},
        {
            "code": "r",
            "label": "Raters",
            "weight": 40,
            "scoring": {"kind": "raters", "groups": {"leader": 50, "colleague": 50}},
        },
    ],
    "rules": [
        {
            "code": "warn",
            "source": "s",
            "test": "any_in",
            "value": ["warning"],
            "effect": grading.NO_EXCELLENT,
        },
        {
            "code": "heavy",
            "source": "s",
            "test": "any_in",
            "value": ["demotion"],
            "effect": grading.NO_GRADE,
        },
        {"code": "cap", "source": "c", "test": "true", "effect": grading.CAP_BASIC},
    ],
    "thresholds": {"excellent": 85, "competent": 60, "basic": 45},
    "tie_order": ["r"],
}

people_st = st.lists(
    st.tuples(
        st.sampled_from([None, 0.5, 0.8, 0.9, 0.95, 1.0]),  # few values: many ties
        st.sampled_from([(), (90,), (100,), (80, 100)]),
        st.sampled_from([None, [], [{"kind": "warning"}], [{"kind": "demotion"}]]),
        st.booleans(),
        st.sampled_from(["u1", "u2"]),
    ),
    min_size=0,
    max_size=40,
)


def build(rows):
    out = []
    for pid, (a, scores, sanctions, cap, unit) in enumerate(rows):
        facts = {}
        if a is not None:
            facts["a"] = a
        if sanctions is not None:
            facts["s"] = sanctions
        if cap:
            facts["c"] = True
        ratings = {"leader": tuple(Decimal(s) for s in scores)} if scores else {}
        out.append(Person(pid=pid, unit=unit, facts=facts, ratings=ratings))
    return out


def flat(result):
    return {
        pid: (o.grade, o.status, o.final, o.rank, tuple(v["code"] for v in o.vetoes))
        for unit in result.values()
        for pid, o in unit["outcomes"].items()
    }


@settings(max_examples=300, deadline=None)
@given(people_st, st.sampled_from([20, 25, "12.5"]))
def test_excellent_never_exceeds_the_quota(rows, rate):
    result = grading.grade_all(SCHEME, build(rows), rate)
    for unit in result.values():
        outcomes = list(unit["outcomes"].values())
        excellent = sum(o.grade == grading.EXCELLENT for o in outcomes)
        assert unit["quota"] == int(Decimal(str(rate)) * len(outcomes) // 100)
        assert excellent <= unit["quota"]
        ties = [o for o in outcomes if o.status == grading.TIE]
        if ties:  # a tie goes to the committee only when it would cross the line
            assert excellent + len(ties) > unit["quota"] > excellent


@settings(max_examples=300, deadline=None)
@given(people_st)
def test_vetoes_always_win(rows):
    result = grading.grade_all(SCHEME, build(rows), 100)  # a quota that never binds
    for o in flat_outcomes(result):
        effects = {v["effect"] for v in o.vetoes}
        if grading.NO_GRADE in effects:
            assert o.grade is None and o.status == grading.UNGRADED
        if effects & {grading.NO_EXCELLENT, grading.CAP_BASIC}:
            assert o.grade != grading.EXCELLENT and o.status != grading.TIE
        if grading.CAP_BASIC in effects and o.grade:
            assert o.grade in (grading.BASIC, grading.INCOMPETENT)


def flat_outcomes(result):
    return [o for unit in result.values() for o in unit["outcomes"].values()]


@settings(max_examples=200, deadline=None)
@given(people_st, st.randoms(use_true_random=False))
def test_input_order_changes_nothing(rows, rnd):
    people = build(rows)
    shuffled = list(people)
    rnd.shuffle(shuffled)
    assert flat(grading.grade_all(SCHEME, people, 20)) == flat(
        grading.grade_all(SCHEME, shuffled, 20)
    )


def test_ties_at_the_line_go_to_the_committee():
    # 10 people: quota 2; three share the best score → none excellent, all three to the committee.
    rows = [(1.0, (100,), [], False, "u")] * 3 + [(0.5, (), [], False, "u")] * 7
    result = grading.grade_all(SCHEME, build(rows), 20)["u"]
    statuses = [o.status for o in result["outcomes"].values()]
    assert result["quota"] == 2
    assert statuses.count(grading.TIE) == 3
    assert not [o for o in result["outcomes"].values() if o.grade == grading.EXCELLENT]


def test_tie_broken_by_the_configured_criterion():
    # Same final score, different rater score: the tie order (criterion "r") decides.
    scheme = {
        **SCHEME,
        "tree": [
            {"code": "a", "weight": 50, "source": "a", "scoring": {"kind": "ratio"}},
            {"code": "b", "weight": 50, "source": "b", "scoring": {"kind": "ratio"}},
        ],
        "tie_order": ["b"],
    }
    people = [
        Person(pid=1, unit="u", facts={"a": 1.0, "b": 0.9}),
        Person(pid=2, unit="u", facts={"a": 0.9, "b": 1.0}),
        *[Person(pid=10 + i, unit="u", facts={"a": 0.5, "b": 0.5}) for i in range(8)],
    ]
    # quota 20% of 10 = 2 — use 10% so only one place: the tie order gives it to pid 2.
    out = grading.grade_all(scheme, people, 10)["u"]["outcomes"]
    assert out[2].grade == grading.EXCELLENT
    assert out[1].grade == grading.COMPETENT and out[1].status == grading.GRADED


def test_floor_rounding_of_the_quota():
    assert grading.quota(20, 9) == 1
    assert grading.quota(20, 4) == 0
    assert grading.quota(25, 7) == 1
    assert grading.quota(20, 10) == 2


def test_missing_criterion_is_left_out_and_siblings_scaled():
    p = Person(pid=1, unit="u", facts={"a": 0.9})  # no raters at all
    o = grading.score_person(SCHEME, p)
    assert o.final == Decimal("90.00")
    assert o.criteria["r"]["used"] is False


def test_range_scoring_against_the_reasonable_range():
    scoring = {"kind": "range", "indicator": "closure", "range": [85, 100]}
    inside, _ = grading.SCORERS["range"]({"closure": {"value": 90}}, scoring)
    below, _ = grading.SCORERS["range"]({"closure": {"value": 80}}, scoring)
    assert inside == 100
    assert below == Decimal(100) - Decimal(5) / 15 * 50


def test_scheme_weights_must_sum_to_100():
    bad = {**SCHEME, "tree": [dict(SCHEME["tree"][0], weight=50), SCHEME["tree"][1]]}
    with pytest.raises(grading.SchemeError) as error:
        grading.check_scheme(bad, {"a", "s", "c"})
    assert ("", "weights", "90") in [(p.strip("/"), k, d) for p, k, d in error.value.problems]


def test_two_incompetent_years_flag_only_when_incompetent_again():
    scheme = {
        **SCHEME,
        "rules": [
            {
                "code": "twice",
                "source": "prev",
                "test": "true",
                "when_grade": "incompetent",
                "effect": grading.FLAG,
            }
        ],
    }
    low = grading.score_person(scheme, Person(pid=1, unit="u", facts={"a": 0.1, "prev": True}))
    ok = grading.score_person(scheme, Person(pid=2, unit="u", facts={"a": 0.9, "prev": True}))
    assert low.grade == grading.INCOMPETENT and [v["code"] for v in low.vetoes] == ["twice"]
    assert ok.vetoes == []


def test_mixed_categories_share_one_quota_per_unit():
    people = [("x", Person(pid=i, unit="u", facts={"a": 1.0})) for i in range(5)] + [
        ("y", Person(pid=10 + i, unit="u", facts={"a": 0.5})) for i in range(5)
    ]
    result = grading.grade_many({"x": SCHEME, "y": SCHEME}, people, 20)["u"]
    assert result["quota"] == 2
    assert sum(o.grade == grading.EXCELLENT for o in result["outcomes"].values()) <= 2
    random.seed(1)


def test_a_range_open_on_one_side_scores_like_the_trial_apps_ranges():
    """The trial app gives "at least 90" as [90, None] (and "at most 3" as [None, 3])."""
    scoring = {"kind": "range", "indicator": "closure", "range": [0, 100]}
    at_least = {"closure": {"value": 95, "range": [90, None]}}
    below = {"closure": {"value": 81, "range": [90, None]}}
    at_most = {"closure": {"value": 4, "range": [None, 3]}}
    assert grading.SCORERS["range"](at_least, scoring)[0] == 100
    assert grading.SCORERS["range"](below, scoring)[0] == Decimal(100) - Decimal(9) / 90 * 50
    assert grading.SCORERS["range"](at_most, scoring)[0] == Decimal(100) - Decimal(1) / 3 * 50
