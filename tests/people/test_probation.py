"""Probation (预备期): conversion when the year ends, not before; at most two years in all."""

import datetime

import pytest

from tongxin.core.exceptions import ApplicationError
from tongxin.people.services import person_save

JOINED = datetime.date(2024, 3, 15)


@pytest.fixture
def probationary(world):
    person = world.probationary
    person.joined_party_on = JOINED
    person.save()
    return person


def _convert(world, person, full_on):
    return person_save(
        actor=world.users["secretary"],
        person=person,
        changes={"political_status": "full", "full_member_on": full_on},
    )


def test_conversion_on_the_day_the_year_ends_is_accepted(world, probationary):
    _convert(world, probationary, datetime.date(2025, 3, 15))
    probationary.refresh_from_db()
    assert probationary.political_status == "full"


def test_conversion_before_the_year_ends_is_refused_with_the_rule(world, probationary):
    with pytest.raises(ApplicationError, match="not before: the earliest date is 2025-03-15"):
        _convert(world, probationary, datetime.date(2025, 3, 14))
    probationary.refresh_from_db()
    assert probationary.political_status == "probationary"


def test_conversion_after_two_years_is_refused(world, probationary):
    with pytest.raises(ApplicationError, match="at most two years"):
        _convert(world, probationary, datetime.date(2026, 3, 16))


@pytest.mark.parametrize(
    ("extended_to", "ok"),
    [
        (datetime.date(2025, 9, 15), True),
        (datetime.date(2026, 3, 15), True),
        (datetime.date(2026, 3, 16), False),
        (datetime.date(2025, 3, 15), False),
    ],
)
def test_an_extension_is_at_most_a_year(world, probationary, extended_to, ok):
    changes = {"probation_ends_on": extended_to}
    if ok:
        person_save(actor=world.users["secretary"], person=probationary, changes=changes)
    else:
        with pytest.raises(ApplicationError, match="extended probation ends"):
            person_save(actor=world.users["secretary"], person=probationary, changes=changes)


def test_the_bounds_are_settings(world, probationary, settings):
    settings.PROBATION_MONTHS = 6
    _convert(world, probationary, datetime.date(2024, 9, 15))


def _probation_rules(world):
    from tongxin.orgs import health

    found = health.findings(user=world.users["party"])
    return {(f.rule, f.subject) for f in found if f.rule.startswith("conversion_")}


def test_health_lists_conversions_due_and_overdue(world):
    from django.utils import timezone

    from tongxin.lib.dates import add_months

    today = timezone.localdate()
    person = world.probationary
    person.joined_party_on = add_months(today, -12) + datetime.timedelta(days=10)  # due in 10
    person.save()
    from tongxin.orgs.facts import facts_refresh

    facts_refresh([world.branch], person_ids=[person])
    assert _probation_rules(world) == {("conversion_due", person.name)}
    person.joined_party_on = add_months(today, -12) - datetime.timedelta(days=1)  # overdue
    person.save()
    assert _probation_rules(world) == {("conversion_overdue", person.name)}
    # Extended by the branch: due again when the extension ends.
    person.probation_ends_on = today + datetime.timedelta(days=100)
    person.save()
    assert _probation_rules(world) == set()
    person.probation_ends_on = today + datetime.timedelta(days=20)
    person.save()
    assert _probation_rules(world) == {("conversion_due", person.name)}
