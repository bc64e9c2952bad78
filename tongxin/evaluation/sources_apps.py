"""Adapters for the apps built beside this one (organisational life, care, answers,
discipline, trial quality). Each registers only when its app is installed and imports the
app's selector when it is first asked, so this app runs, and is fully tested, without them.
Each selector answers `person_year_facts(person_ids, year) -> {pid: {...}}`; an adapter picks
one fact out of it. The names and shapes are checked against the real selectors in
tests/evaluation/test_sources_apps.py (one test per adapter).
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from tongxin.evaluation.sources import register

# (source code, label, app, selector module, function, fact key or None for the whole map)
ADAPTERS = [
    (
        "attendance_rate",
        _("Attendance at organisational life"),
        "tongxin.meetings",
        "tongxin.meetings.selectors",
        "person_year_facts",
        "attendance_rate",
    ),
    (
        "study_hours",
        _("Study hours"),
        "tongxin.meetings",
        "tongxin.meetings.selectors",
        "person_year_facts",
        "study_hours",
    ),
    (
        "talk_coverage",
        _("Talks held (coverage)"),
        "tongxin.care",
        "tongxin.care.selectors",
        "person_year_facts",
        "talk_coverage",
    ),
    (
        "tasks_on_time",
        _("Tasks closed on time as the responsible person"),
        "tongxin.answers",
        "tongxin.answers.selectors",
        "person_year_facts",
        "tasks_on_time",
    ),
    (
        "sanctions",
        _("Discipline sanctions in the year"),
        "tongxin.discipline",
        "tongxin.discipline.selectors",
        "person_year_facts",
        "sanctions",
    ),
    (
        "interference_recorded",
        _("Interference recorded"),
        "tongxin.discipline",
        "tongxin.discipline.selectors",
        "person_year_facts",
        "interference_recorded",
    ),
    (
        "trial_indicators",
        _("Trial work indicators"),
        "tongxin.trial",
        "tongxin.trial.selectors",
        "judge_year_indicators",
        None,
    ),
]


def _derive(key, facts):
    """answers gives counts, the criterion wants a share; discipline gives each sanction as
    a record ({"sanction", "decided_on", "ends_on", "veto"}), the rules test the codes."""
    if key == "sanctions":
        records = facts.get("sanctions")
        return None if records is None else [r["sanction"] for r in records]
    if key == "tasks_on_time":
        total = facts.get("tasks_responsible")
        if not total:
            return None
        return round(facts.get("tasks_closed_on_time", 0) / total, 4)
    return facts.get(key)


def adapter(module: str, function: str, key: str | None):
    """A source function reading one fact from an app's selector (imported on first call)."""

    def fetch(person_ids, year):
        selector = getattr(importlib.import_module(module), function)
        answer = selector(person_ids, year)
        if key is None:
            return dict(answer)
        out = {}
        for pid, facts in answer.items():
            value = _derive(key, facts)
            if value is not None:
                out[pid] = value
        return out

    return fetch


def register_installed() -> list[str]:
    done = []
    for code, label, app, module, function, key in ADAPTERS:
        if apps.is_installed(app):
            register(code, label)(adapter(module, function, key))
            done.append(code)
    return done


register_installed()
