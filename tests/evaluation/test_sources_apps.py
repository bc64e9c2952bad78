"""Each adapter of sources_apps.py against the REAL selector of its app (installed on main):
the names and shapes must match, and the default scheme must score what they give."""

import datetime

from django.utils import timezone

from tongxin.evaluation import grading, schemes, sources


def _fetch(code, ids, year):
    return sources.fetch_all([code], ids, year)


def test_answers_tasks_on_time_from_the_real_selector(world):
    from tests.answers.factories import task
    from tongxin.answers.models import Task

    today = timezone.localdate()
    person, idle = world.members[5], world.members[0]
    done = [task(world, responsible=person) for _ in range(3)]
    task(world, responsible=person)  # still open: counts as responsible, not on time
    Task.objects.filter(pk__in=[t.pk for t in done[:3]]).update(
        state="closed", closed_on=today, closed_on_time=True
    )
    Task.objects.filter(pk=done[2].pk).update(closed_on_time=False)
    facts = _fetch("tasks_on_time", [person.pk, idle.pk], today.year)
    assert facts[person.pk] == {"tasks_on_time": 0.5}  # 2 of 4
    assert facts[idle.pk] == {}  # responsible for nothing: no record, criterion left out


def test_care_talk_coverage_from_the_real_selector(world):
    from tests.care.factories import TalkFactory

    year = timezone.localdate().year
    talker, plain = world.members[1], world.members[5]
    for person in world.members[5:7]:
        TalkFactory(
            organisation=world.branch,
            talker=talker,
            person=person,
            held_on=datetime.date(year, 3, 1),
        )
    facts = _fetch("talk_coverage", [talker.pk, plain.pk], year)
    assert facts[talker.pk] == {"talk_coverage": 2 / 9}  # committee member, 9 other members
    assert facts[plain.pk] == {}  # not on the committee: None is no record
    outcome = grading.score_person(
        schemes.default_definition("clerk"), grading.Person(talker.pk, "u", facts[talker.pk])
    )
    assert outcome.criteria["talks"]["score"] == "22.22"


def test_discipline_sanctions_and_vetoes_from_the_real_selector(world):
    from tongxin.discipline.models import VETO, DisciplineRecord, Sanction

    warned, heavy, talked = world.members[5], world.members[6], world.members[7]
    for person, sanction in (
        (warned, Sanction.WARNING),
        (heavy, Sanction.REMOVAL),
        (talked, Sanction.ADMONITION),
    ):
        DisciplineRecord.objects.create(
            person=person,
            court=world.basic,
            sanction=sanction,
            decided_on=datetime.date(2025, 3, 1),
            reason="违反规定",
        )
    ids = [warned.pk, heavy.pk, talked.pk]
    facts = sources.fetch_all(["sanctions", "interference_recorded"], ids, 2025)
    assert facts[warned.pk] == {"sanctions": ["warning"], "interference_recorded": 0}
    assert facts[heavy.pk]["sanctions"] == ["removal"]
    definition = schemes.default_definition("judge")
    effects = {
        pid: {
            v["effect"]
            for v in grading.score_person(definition, grading.Person(pid, "u", f)).vetoes
        }
        for pid, f in facts.items()
    }
    assert effects == {
        warned.pk: {grading.NO_EXCELLENT},
        heavy.pk: {grading.NO_GRADE},
        talked.pk: set(),  # an admonition talk is not a sanction
    }
    # Every code the default rules name is one of discipline's, and every sanction discipline
    # marks as a veto is caught by one of the two rules.
    named = {c for r in definition["rules"] if r["source"] == "sanctions" for c in r["value"]}
    assert named <= set(Sanction.values)
    assert named == {str(s) for s in VETO}


def test_trial_indicators_from_the_real_selector(world):
    from tongxin.trial.models import IndicatorValue

    judge = world.members[2]
    for code, value in (
        ("closure_rate", 0.6),  # below trial's floor of 0.7
        ("reversal_remand_rate", 0.01),
        ("mean_duration_days", 50.0),
    ):
        IndicatorValue.objects.create(
            court=world.basic, level="judge", judge=judge, period="2025", case_type="",
            code=code, value=value,
        )  # fmt: skip
    facts = _fetch("trial_indicators", [judge.pk, world.members[3].pk], 2025)
    assert set(facts[judge.pk]["trial_indicators"]) == {
        "closure_rate",
        "reversal_remand_rate",
        "mean_duration_days",
    }
    assert facts[world.members[3].pk] == {}
    outcome = grading.score_person(
        schemes.default_definition("judge"), grading.Person(judge.pk, "u", facts[judge.pk])
    )
    tree = outcome.criteria
    # closure 0.6 against [0.7, open): 0.1 below a bound of 0.7 -> 100 - 0.1/0.7 x 50
    assert tree["closure"]["score"] == "92.86"
    assert tree["reversal"]["score"] == tree["duration"]["score"] == "100.00"
    assert tree["trial"]["used"] is True


def test_meetings_attendance_and_study_from_the_real_selector(world):
    from tests.meetings.factories import held

    held(world.branch, kind="lesson", held_on=datetime.date(2025, 5, 6))
    member, outside = world.members[5], world.other_person
    facts = sources.fetch_all(["attendance_rate", "study_hours"], [member.pk, outside.pk], 2025)
    assert facts[member.pk] == {"attendance_rate": 1.0, "study_hours": 2.0}
    # No meeting expected them: no record of either (meetings says None and 0.0): left out.
    assert facts[outside.pk] == {}
    outcome = grading.score_person(
        schemes.default_definition("judge"), grading.Person(member.pk, "u", facts[member.pk])
    )
    assert outcome.criteria["attendance"]["score"] == "100.00"
    assert outcome.criteria["study"]["score"] == "5.00"  # 2 of the 40 hours' target
