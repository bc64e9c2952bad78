"""The interference register in Chromium: a staff member records an inquiry and corrects it;
the discipline office sees the quarterly summary, with a zero report for another unit."""

import re

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_journey import sign_in, sign_out
from tongxin.discipline.chain import verify_register
from tongxin.discipline.models import RegisterEntry

pytestmark = pytest.mark.browser


@pytest.fixture
def register_flushable(live_server):
    """The register refuses DELETE (a trigger); SQLite's test flush deletes row by row, so
    the rows this test wrote are removed here with the trigger set aside (PostgreSQL's
    flush truncates, which the row trigger does not see)."""
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'discipline_registerentry'"
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute("DELETE FROM discipline_registerentry")
        for _name, sql in triggers:
            cursor.execute(sql)


def test_record_correct_and_summarise(browser_page, journey_world, register_flushable):
    page, watch = browser_page
    world = journey_world
    today = timezone.localdate()

    sign_in(page, "member", world.password)
    page.goto("/discipline/register/")
    page.get_by_test_id("record").click()
    page.locator("input[name=kind][value=leading_cadre]").check()
    page.locator("input[name=person_name]").fill("王某")
    page.locator("input[name=person_unit]").fill("某区人民政府")
    page.locator("select[name=channel]").select_option("phone")
    page.locator("input[name=occurred_on]").fill(today.isoformat())
    page.locator("input[name=case_number]").fill("(2026)苏0102民初88号")
    page.locator("textarea[name=asked]").fill("询问案件进展")
    page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"/discipline/register/\d+/$"))
    expect(page.locator("body")).to_contain_text("(2026)苏0102民初88号")

    page.get_by_test_id("correct").click()
    page.locator("textarea[name=asked]").fill("更正：询问开庭时间")
    page.get_by_test_id("save").click()
    expect(page.locator("body")).to_contain_text("This entry corrects")
    sign_out(page)

    sign_in(page, "discipline", world.password)
    page.goto("/discipline/register/summary/?court=苏01")
    summary = page.get_by_test_id("summary")
    expect(summary).to_contain_text(world.basic.name_en)
    row_basic = summary.locator("tr", has_text=world.basic.name_en)
    expect(row_basic.get_by_test_id("zero-report")).to_have_count(0)
    row_inter = summary.locator("tr", has_text=world.inter.name_en)
    expect(row_inter.get_by_test_id("zero-report")).to_have_count(1)

    assert RegisterEntry.objects.count() == 2
    assert verify_register().ok
    assert watch.outside() == []
    assert watch.errors == []
