"""The organisational-life journey in Chromium: a branch secretary plans a meeting, records
attendance and minutes, signs it off and sees the heat-map cell turn compliant (and the
click explain it); a member sees the meeting in their calendar. Nothing is fetched from
outside; no CSP violation."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_journey import sign_in, sign_out

pytestmark = pytest.mark.browser


def test_secretary_records_a_meeting_and_the_heat_map_turns_compliant(browser_page, world):
    page, watch = browser_page
    today = timezone.localdate()
    cell = f"cell-{world.branch.pk}-{today:%Y-%m}"

    sign_in(page, "secretary", world.password)
    page.goto(f"/meetings/compliance/?period={today.year}")
    expect(page.get_by_test_id(cell)).to_have_attribute("data-verdict", "not_due")

    # Plan: a general meeting today.
    page.goto("/meetings/")
    page.get_by_test_id(f"new-{world.branch.pk}").click()
    page.locator("select[name=kind]").select_option("general")
    page.locator("input[name=held_on]").fill(today.isoformat())
    page.locator("input[name=topic]").fill("学习党的二十届三中全会精神")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("status")).to_have_text("Planned")

    # Hold and record: everyone expected is offered as present; one is on leave.
    page.get_by_test_id("record-attendance").click()
    page.get_by_test_id(f"status-{world.members[3].pk}").select_option("leave")
    page.locator(f"input[name=reason-{world.members[3].pk}]").fill("出差")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("status")).to_have_text("Held")
    page.get_by_test_id("edit-minutes").click()
    page.locator("textarea[name=minutes]").fill("<p>会议学习了全会精神，讨论了支部工作。</p>")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("minutes")).to_contain_text("会议学习了全会精神")

    # Sign off: the record is locked.
    page.get_by_test_id("sign-off").click()
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("signed")).to_be_visible()

    # The heat map: the month's cell is compliant, its chart is drawn, a click explains it.
    page.goto(f"/meetings/compliance/?period={today.year}")
    expect(page.get_by_test_id(cell)).to_have_attribute("data-verdict", "compliant")
    page.locator("[data-testid=heatmap-chart][data-chart-ready]").wait_for()
    page.get_by_test_id(cell).locator("a").click()
    expect(page.get_by_test_id("explain")).to_contain_text("学习党的二十届三中全会精神")
    expect(page.get_by_test_id("explain")).to_contain_text(world.members[0].name)
    sign_out(page)

    # A member sees the meeting in their calendar.
    sign_in(page, "member", world.password)
    page.goto("/meetings/calendar/")
    expect(page.locator("main")).to_contain_text("学习党的二十届三中全会精神")
    expect(page).to_have_url(re.compile(r"/meetings/calendar/$"))

    assert watch.outside() == []
    assert watch.errors == []
