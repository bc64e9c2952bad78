"""The evaluation journey in Chromium: a rater rates, the committee computes and publishes,
the person reads the explanation and asks for a review; a member votes in the democratic
evaluation. Nothing is fetched from outside; no CSP violation."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_journey import sign_in, sign_out
from tests.evaluation.factories import cycle_make
from tongxin.evaluation import party, services
from tongxin.evaluation.models import Receipt, ReviewRequest

pytestmark = pytest.mark.browser


def test_evaluation_journey(browser_page, journey_world):
    page, watch = browser_page
    world = journey_world
    cycle = cycle_make(world)
    services.rater_assign(
        actor=world.users["party"],
        cycle=cycle,
        rater=world.members[5],
        ratee=world.members[0],
        group="colleague",
    )
    evaluation = party.democratic_open(
        actor=world.users["secretary"], organisation=world.branch, year=2025
    )
    evaluation = party.democratic_vote_open(actor=world.users["secretary"], evaluation=evaluation)

    # 1. The rater (the member) rates on their one page: a draft, then submits.
    sign_in(page, "member", world.password)
    page.goto("/evaluation/")
    page.get_by_role("link", name=str(cycle)).click()
    page.get_by_label(world.members[0].name).fill("150")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".alert-danger")).to_contain_text("0 to 100")
    page.get_by_label(world.members[0].name).fill("92")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("body")).to_contain_text("Draft saved.")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("body")).to_contain_text("You have submitted your ratings.")

    # 4. ... and votes in the democratic evaluation (once).
    page.goto("/evaluation/")
    page.get_by_role("link", name=evaluation.poll.title).click()
    page.locator(f"input[name=i{world.members[0].pk}][value=excellent]").check()
    page.locator(f"input[name=i{world.members[1].pk}][value=qualified]").check()
    page.get_by_role("button", name="Cast my ballot").click()
    expect(page.get_by_test_id("voted")).to_be_visible()
    assert Receipt.objects.filter(poll=evaluation.poll).count() == 1
    sign_out(page)

    # 2. The committee computes and publishes.
    sign_in(page, "party", world.password)
    page.goto(f"/evaluation/cycles/{cycle.pk}/")
    page.get_by_test_id("compute").click()
    page.get_by_role("button", name="Yes, go ahead").click()
    expect(page.get_by_test_id("results")).to_contain_text(world.members[0].name)
    page.get_by_role("link", name="Publish").click()
    until = datetime.date.today() + datetime.timedelta(days=7)
    page.locator("input[name=until]").fill(until.isoformat())
    page.locator("form button.btn-primary").click()
    expect(page.locator("body")).to_contain_text("Results published.")
    sign_out(page)

    # 3. The person rated (the secretary's record) reads why and asks for a review.
    sign_in(page, "secretary", world.password)
    page.goto("/evaluation/")
    page.get_by_test_id("my-results").get_by_role("link").click()
    criteria = page.get_by_test_id("criteria")
    expect(criteria).to_contain_text("组织生活出勤")
    expect(criteria).to_contain_text("no record: left out")
    expect(criteria).to_contain_text("Groups of fewer than 5 raters (not shown)")
    page.locator("textarea[name=reason]").fill("出勤记录缺失，请核实")
    page.get_by_role("button", name="Send the request").click()
    expect(page).to_have_url(re.compile(r"/evaluation/results/\d+/$"))
    expect(page.locator("body")).to_contain_text("Waiting for the committee.")
    assert ReviewRequest.objects.get().reason == "出勤记录缺失，请核实"

    assert not watch.outside(), watch.outside()
    assert not watch.errors, watch.errors
