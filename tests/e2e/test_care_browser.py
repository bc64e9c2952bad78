"""The care journey in Chromium: a committee member records a heart-to-heart talk and the
branch secretary sees the talk coverage change; nothing is fetched from outside."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_journey import sign_in, sign_out

pytestmark = pytest.mark.browser


def test_a_talk_recorded_shows_in_the_secretarys_coverage(browser_page, world):
    page, watch = browser_page
    coverage = f"/care/coverage/{world.branch.pk}/"

    sign_in(page, "secretary", world.password)
    page.goto(coverage)
    expect(page.get_by_test_id("coverage-share")).to_contain_text("0 of 36")
    expect(page.get_by_test_id("gaps")).to_contain_text(world.members[5].name)
    sign_out(page)

    sign_in(page, "committee", world.password)
    page.goto(coverage)
    page.get_by_test_id("record-talk").click()
    page.locator("select[name=talker]").select_option(str(world.members[1].pk))
    page.locator("select[name=person]").select_option(str(world.members[5].pk))
    page.locator("input[name=held_on]").fill(timezone.localdate().isoformat())
    page.locator("select[name=kind]").select_option("difficulty")
    page.locator("textarea[name=summary]").fill("<p>谈家庭困难与工作安排</p>")
    page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"/care/talks/\d+/$"))
    expect(page.get_by_test_id("summary")).to_contain_text("谈家庭困难与工作安排")
    sign_out(page)

    sign_in(page, "secretary", world.password)
    page.goto(coverage)
    expect(page.get_by_test_id("coverage-share")).to_contain_text("1 of 36")
    assert not watch.outside(), watch.outside()
    assert not watch.errors, watch.errors
