"""Rosters and Party cells in Debian's Chromium: the people list's organisation picker (htmx,
served by the product) and a secretary forming a Party cell and placing a member in it."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_journey import sign_in

pytestmark = pytest.mark.browser


def test_people_by_organisation_through_the_picker(browser_page, world):
    page, watch = browser_page
    sign_in(page, "party", world.password)
    page.goto("/people/")
    page.wait_for_load_state("load")
    page.get_by_placeholder("Organisation: name or court code").fill("Civil")
    choice = page.locator("#org-select option", has_text="Civil Branch")
    expect(choice).to_have_count(1)
    expect(choice).to_contain_text("Xuanwu District People's Court (苏0102)")
    page.locator("#org-select").select_option(str(world.branch.pk))
    page.locator("select[name=status]").select_option("probationary")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"organisation={world.branch.pk}&status=probationary"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(world.probationary.name)
    # The choice stays on the page it led to.
    expect(page.locator("#org-select option:checked")).to_contain_text("Civil Branch")
    assert watch.errors == [] and watch.outside() == []


def test_secretary_forms_a_cell_and_places_a_member(browser_page, world):
    page, watch = browser_page
    sign_in(page, "secretary", world.password)
    page.goto(f"/courts/organisations/{world.branch.pk}/")
    cells = page.get_by_test_id("cells")
    cells.get_by_role("link", name="New Party cell").click()
    page.locator("input[name=name_zh]").fill("民一庭第二党小组")
    page.locator("input[name=name_en]").fill("Civil Cell 2")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Party cell created.")
    page.get_by_role("link", name="Assign members to cells").click()
    member = world.members[4]
    row = page.get_by_test_id("cell-assign").locator("tr", has_text=member.name)
    row.locator("select").select_option(label="Civil Cell 2")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Party cells saved.")
    roster_row = page.get_by_test_id("roster").locator("tr", has_text=member.name)
    expect(roster_row).to_contain_text("Civil Cell 2")
    expect(page.get_by_test_id("cells").locator("tr", has_text="Civil Cell 2")).to_contain_text(
        "1 member"
    )
    assert watch.errors == [] and watch.outside() == []
