"""The verdicts never depend on the order in which records were entered (hypothesis)."""

import datetime

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.meetings.conftest import committee
from tests.meetings.engine import verdicts
from tests.meetings.factories import held

RECORD = st.tuples(
    st.sampled_from(["general", "committee", "lesson", "theme_day"]),
    st.dates(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
    st.integers(0, 4),  # present
    st.booleans(),  # minutes
    st.booleans(),  # signed
)


def _enter(branch, records):
    for kind, day, present, minutes, signed in records:
        held(branch, kind=kind, held_on=day, present=present,
             minutes="<p>m</p>" if minutes else "", signed=signed)  # fmt: skip
    return verdicts([branch])[0]


class Rollback(Exception):
    pass


def _judged(branch, records):
    out = {}
    try:
        with transaction.atomic():
            out.update(_enter(branch, records))
            raise Rollback
    except Rollback:
        pass
    return out


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records=st.lists(RECORD, min_size=1, max_size=8), data=st.data())
def test_verdicts_do_not_depend_on_entry_order(branch_of, records, data):
    if not hasattr(branch_of, "made"):
        branch_of.made = branch_of(4)
        committee(branch_of.made[0], branch_of.made[1][0], datetime.date(2024, 1, 1))
    branch = branch_of.made[0]
    shuffled = data.draw(st.permutations(records))
    assert _judged(branch, records) == _judged(branch, shuffled)
