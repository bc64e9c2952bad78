"""Helpers of the compliance tests: judge one or more organisations for a year as of a day."""

import datetime

from tongxin.meetings import compliance
from tongxin.meetings.models import Attendance
from tongxin.orgs.models import PartyOrganisation


def verdicts(orgs, year=2025, today=datetime.date(2026, 2, 1)):
    """{(org id, 'MM', activity): verdict code} for every applicable rule and month."""
    qs = PartyOrganisation.objects.filter(pk__in=[o.pk for o in orgs])
    facts = compliance.load_facts(qs, datetime.date(year, 1, 1), datetime.date(year, 12, 31), today)
    cells = compliance.judge(facts)
    # Every test judging through here also checks the grid against the rule set run
    # verdict by verdict (the reference; tests/meetings/test_grid.py on random facts).
    assert dict(cells) == compliance.judge_each(facts)
    out = {}
    for (org_id, month), cell in cells.items():
        for v in cell.verdicts:
            out[(org_id, month.strftime("%m"), v.rule)] = v.code
    return out, cells


def line(result, org, activity):
    """The twelve months' verdicts of one rule, as a list of codes (a month the rule does
    not apply to has no verdict: not_applicable)."""
    return [result.get((org.pk, f"{m:02d}", activity), "not_applicable") for m in range(1, 13)]


def set_present(meeting, people):
    """Exactly these people (Person objects) present, everyone else expected absent."""
    Attendance.objects.filter(meeting=meeting).update(status="absent")
    Attendance.objects.filter(meeting=meeting, person__in=people).update(status="present")
