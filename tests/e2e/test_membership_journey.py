"""The membership-records journey in Chinese, in Chromium: a branch secretary records an
early election and sees the term warning clear; party-affairs staff send a member to another
court, whose party-affairs staff receive them; the branch roster of a past date is exported;
the home page's charts are drawn. Nothing is fetched from outside; no CSP violation."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_journey import sign_in, sign_out, switch_language, zh
from tongxin.people.models import Transfer

pytestmark = pytest.mark.browser


def test_membership_records_journey(browser_page, journey_world):
    page, watch = browser_page
    world = journey_world
    today = timezone.localdate()

    # 1. The secretary records an early election; the "term ends soon" warning clears.
    sign_in(page, "secretary", world.password)
    switch_language(page, "zh-hans")
    page.goto(f"/courts/organisations/{world.branch.pk}/")
    warnings = page.get_by_test_id("health-warnings")
    expect(warnings).to_contain_text(zh("Committee term ends soon"))
    page.get_by_role("link", name=zh("Record an election")).click()
    page.locator("select[name=secretary]").select_option(str(world.members[4].pk))
    page.locator("select[name=organisation]").select_option(str(world.members[5].pk))
    page.locator("form button.btn-primary").click()
    expect(page).to_have_url(re.compile(rf"/courts/organisations/{world.branch.pk}/$"))
    expect(page.locator("body")).not_to_contain_text(zh("Committee term ends soon"))

    # 2. The branch roster on a past date, exported.
    page.locator("input[name=on]").fill("2025-01-01")
    page.get_by_test_id("roster-form").locator("button").first.click()
    expect(page.get_by_test_id("roster-xlsx")).to_have_attribute(
        "href", re.compile("on=2025-01-01")
    )
    with page.expect_download() as download:
        page.get_by_test_id("roster-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    # A download started by a link leaves the page's own load pending in Chromium: open a
    # page again before using the menu.
    page.goto("/")
    sign_out(page)

    # 3. Party-affairs staff send a member to a branch of another court ...
    member = world.members[8]
    sign_in(page, "party", world.password)
    page.goto(f"/people/{member.pk}/transfer/")
    page.locator("input[name=court_code]").fill("浙0102")
    page.locator("input[name=organisation_name]").fill("上城法院党支部")
    page.locator("input[name=letter_number]").fill("苏法党转〔2026〕7号")
    page.locator("input[name=sent_on]").fill((today - datetime.timedelta(days=1)).isoformat())
    page.locator("form button.btn-primary").click()
    expect(page).to_have_url(re.compile(r"/people/transfers/$"))
    expect(page.locator("table")).to_contain_text(member.name)
    sign_out(page)

    # ... whose party-affairs staff receive them.
    sign_in(page, "outsider", world.password)
    page.goto("/people/transfers/")
    page.get_by_role("link", name=zh("Receive")).click()
    page.locator("form button.btn-primary").click()
    expect(page.locator("body")).to_contain_text(zh("Member received."))
    transfer = Transfer.objects.get(person=member)
    assert transfer.status == Transfer.Status.RECEIVED
    sign_out(page)

    # 4. The home page's charts are drawn (ECharts served by the product).
    sign_in(page, "party", world.password)
    page.locator("[data-testid=chart-members][data-chart-ready]").wait_for()
    page.locator("[data-testid=chart-composition][data-chart-ready]").wait_for()

    assert watch.outside() == []
    assert watch.errors == []
