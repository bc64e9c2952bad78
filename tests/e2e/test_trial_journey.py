"""The trial-quality journey in Chromium: the trial management office uploads a GBK case
file, sees the rejected rows with their reasons, commits and watches the progress bar, opens
the court's health check with its charts, drills down to the cases behind a number and opens
a case's chain. Nothing is fetched from outside; no console error."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_journey import sign_in
from tests.trial.files import csv_bytes, row
from tongxin.people.models import Person
from tongxin.transfer import commit, services
from tongxin.transfer.models import ImportBatch
from tongxin.trial.indicators import period
from tongxin.trial.services import save_indicators

pytestmark = pytest.mark.browser

ROWS = [
    row("(2024)苏0102民初1号", "2024-01-05", "2024-03-01", "判决"),
    row("(2024)苏0102民初2号", "2024/1/6", "2024-02-01", "调解"),
    row("(2024)苏0102民初3号", "2024年2月1日"),
    row("(2024)苏9999民初4号", "2024-01-06"),  # unknown court
    row(
        "(2024)苏01民终1号",
        "2024-04-01",
        "2024-05-01",
        "改判",
        judge="I001",
        origin="(2024)苏0102民初1号",
    ),  # fmt: skip
]


@pytest.fixture
def trial_world(world, settings, tmp_path):
    from tests.factories import PersonFactory

    for number, court in (("J001", world.basic), ("I001", world.inter)):
        PersonFactory(court=court, staff_number=number, category=Person.Category.JUDGE)
    settings.IMPORT_INLINE_ROWS = 2  # checked and committed in the background
    # A queue nobody works: the commit waits, its page shows the progress bar; the test then
    # does the worker's job.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    path = tmp_path / "案件.csv"
    path.write_bytes(csv_bytes(ROWS, encoding="gbk"))
    world.case_file = path
    return world


def test_trial_quality_journey(browser_page, trial_world):
    page, watch = browser_page
    world = trial_world
    sign_in(page, "trial", world.password)

    # 1. Upload a GBK CSV file of cases.
    page.goto("/trial/")
    page.get_by_test_id("import-cases").click()
    page.locator("input[name=kind][value=cases]").check()
    page.locator("input[name=file]").set_input_files(str(world.case_file))
    page.locator("main form button[type=submit]").click()
    batch = ImportBatch.objects.latest("pk")
    if batch.status == ImportBatch.Status.PREVIEWING:  # the check waits for the worker too
        services.import_preview_claimed(batch_id=batch.pk)
        page.reload()
    expect(page.get_by_test_id("count-rejected")).to_have_text("1")
    expect(page.get_by_test_id("rejects")).to_contain_text("unknown court code 苏9999")

    # 2. Commit: queued for the background, the page shows the progress bar.
    page.get_by_test_id("commit").click()
    expect(page.get_by_test_id("progress")).to_be_visible()
    expect(page.get_by_test_id("progress-bar")).to_have_count(1)
    commit.import_commit_claimed(batch_id=batch.pk)
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text(re.compile("Committed"))

    # 3. The health check of the basic court, once the indicators are computed.
    save_indicators(period("2024"))
    page.goto("/trial/")
    page.get_by_test_id("court-苏0102").click()
    page.locator("input[name=period]").fill("2024")
    page.get_by_test_id("trial-filters").locator("button").click()
    received = page.get_by_test_id("indicator-received")
    expect(received).to_contain_text("3")
    expect(page.get_by_test_id("indicator-closure_rate")).to_contain_text("66.67%")
    expect(page.get_by_test_id("chart-judges")).to_have_attribute("data-chart-ready", "1")

    # 4. Drill down to the cases behind "received", then open one case's chain.
    page.get_by_test_id("drill-received").click()
    expect(page.get_by_test_id("case-total")).to_have_text("3 cases")
    page.get_by_role("link", name="(2024)苏0102民初1号").click()
    chain = page.get_by_test_id("chain-table")
    expect(chain).to_contain_text("(2024)苏01民终1号")

    assert watch.errors == [] and watch.outside() == []
