"""The source registry and the adapters for the apps built in parallel (tested with fake
selectors standing in for theirs)."""

import sys
import types

import pytest

from tests.evaluation.factories import fake_sources
from tongxin.evaluation import sources, sources_apps


@pytest.fixture
def fake_apps(monkeypatch):
    """Pretend meetings, answers and trial are installed, with selectors of their contract."""
    modules = {
        "tongxin.meetings.selectors": {
            "person_year_facts": lambda ids, year: {
                i: {"attendance_rate": 0.9, "study_hours": 30 + year - 2025} for i in ids
            }
        },
        "tongxin.answers.selectors": {
            "person_year_facts": lambda ids, year: {
                ids[0]: {"tasks_closed_on_time": 3, "tasks_responsible": 4},
                ids[1]: {"tasks_closed_on_time": 0, "tasks_responsible": 0},
            }
        },
        "tongxin.trial.selectors": {
            "judge_year_indicators": lambda ids, year: {
                ids[0]: {"closure_rate": {"value": 91, "range": [85, 100], "within": True}}
            }
        },
    }
    for name, attrs in modules.items():
        monkeypatch.setitem(sys.modules, name, types.SimpleNamespace(**attrs))
    installed = {"tongxin.meetings", "tongxin.answers", "tongxin.trial"}
    monkeypatch.setattr(sources_apps.apps, "is_installed", lambda app: app in installed)
    saved = dict(sources._SOURCES)
    for adapter in sources_apps.ADAPTERS:  # the real apps' adapters, registered at start
        sources.unregister(adapter[0])
    yield sources_apps.register_installed()
    sources._SOURCES.clear()
    sources._SOURCES.update(saved)


def test_adapters_register_only_for_installed_apps(fake_apps):
    assert set(fake_apps) == {"attendance_rate", "study_hours", "tasks_on_time", "trial_indicators"}
    assert "sanctions" not in sources._SOURCES  # discipline is not installed (here)


def test_adapters_read_one_fact_each(fake_apps, db):
    facts = sources.fetch_all(
        ["attendance_rate", "study_hours", "tasks_on_time", "trial_indicators"], [1, 2], 2026
    )
    assert facts[1] == {
        "attendance_rate": 0.9,
        "study_hours": 31,
        "tasks_on_time": 0.75,
        "trial_indicators": {"closure_rate": {"value": 91, "range": [85, 100], "within": True}},
    }
    assert facts[2] == {"attendance_rate": 0.9, "study_hours": 31}  # no tasks: no share


def test_without_the_apps_nothing_is_registered_for_them(monkeypatch):
    monkeypatch.setattr(sources_apps.apps, "is_installed", lambda app: False)
    assert sources_apps.register_installed() == []


def test_fetch_all_asks_each_source_once_for_everyone(db):
    with fake_sources({"x": {1: 5, 2: 6}, "y": {2: "a"}}) as calls:
        facts = sources.fetch_all(["x", "y", "x", "unknown"], [1, 2, 3], 2025)
    assert facts == {1: {"x": 5}, 2: {"x": 6, "y": "a"}, 3: {}}
    assert sorted(c[0] for c in calls) == ["x", "y"]


def test_dues_on_time_from_the_ledger(world):
    import datetime

    from tongxin.people.models import DuesPayment

    p = world.members[0]
    for month, paid in ((1, datetime.date(2025, 1, 20)), (2, datetime.date(2025, 4, 2))):
        DuesPayment.objects.create(
            person=p,
            organisation=world.branch,
            month=datetime.date(2025, month, 1),
            amount=10,
            status="paid",
            paid_on=paid,
        )
    DuesPayment.objects.create(
        person=p,
        organisation=world.branch,
        month=datetime.date(2025, 3, 1),
        amount=0,
        status="exempt",
    )
    assert sources.sources()["dues_on_time"].fetch([p.pk], 2025) == {p.pk: round(2 / 12, 4)}
    months = sources.sources()["membership_months"].fetch([p.pk], 2025)
    assert months == {p.pk: 12}


def test_sources_join_the_people_in_the_database_when_given_their_query(world):
    """A cycle's people reach the sources with the query selecting them: the app's own
    sources then join it instead of sending the ids, with the same answer."""
    import datetime

    from tongxin.people.models import DuesPayment, Person

    p = world.members[0]
    DuesPayment.objects.create(
        person=p,
        organisation=world.branch,
        month=datetime.date(2025, 1, 1),
        amount=10,
        status="paid",
        paid_on=datetime.date(2025, 1, 5),
    )
    ids = [m.pk for m in world.members]
    joined = sources.PersonIds(ids)
    joined.query = Person.objects.filter(pk__in=ids).values_list("pk", flat=True)
    own = ("membership_months", "dues_on_time", "democratic_grade", "commitments_fulfilled")
    known = sources.sources()
    for code in own:
        assert known[code].fetch(joined, 2025) == known[code].fetch(ids, 2025), code
    assert known["dues_on_time"].fetch(joined, 2025) == {p.pk: round(1 / 12, 4)}
    assert known["membership_months"].fetch(joined, 2025)
    # fetch_all hands the query on.
    with fake_sources({"x": {ids[0]: 1}}):
        seen = []
        sources.register("y", "y")(lambda person_ids, year: seen.append(person_ids) or {})
        try:
            facts = sources.fetch_all(["x", "y"], ids, 2025, joined.query)
        finally:
            sources.unregister("y")
    assert facts[ids[0]] == {"x": 1}
    assert seen[0] == ids and seen[0].query is joined.query
