"""The demo year: every verdict appears at small scale."""

import datetime

from django.core.management import call_command

from tongxin.meetings import compliance
from tongxin.meetings.models import Attendance, Meeting
from tongxin.orgs.models import PartyOrganisation


def test_small_demo_shows_every_verdict(db):
    call_command("seed_demo", scale="small", seed=3)
    assert Meeting.objects.filter(status="held").exists() and Attendance.objects.exists()
    assert Meeting.objects.filter(status="planned").exists()
    today = datetime.date.today()
    first = (today.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
    facts = compliance.load_facts(
        PartyOrganisation.objects.filter(is_active=True), first, today.replace(day=1), today
    )
    grid = compliance.judge(facts)
    assert dict(grid) == compliance.judge_each(facts)  # the grid on the demo's year
    cells = grid.values()
    codes = {cell.code for cell in cells} | {v.code for cell in cells for v in cell.verdicts}
    assert codes == set(compliance.SEVERITY)
