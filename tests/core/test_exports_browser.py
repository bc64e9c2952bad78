"""The export journey in Debian's Chromium under the product's CSP: the list's export menu
gives a CSV at once; a large Excel export goes to its job page, which offers the file.

The browser runs in a child process (tests/e2e/child.py). The live server runs the immediate
task backend outside a test transaction, so the job is done when the page redirects.
"""

import pytest

from tests.e2e.child import run_signed_in
from tongxin.core.models import ExportJob

pytestmark = pytest.mark.browser

SCRIPT = r"""
import json, sys
from playwright.sync_api import sync_playwright

origin, cookie_name, cookie_value, chromium = sys.argv[1:5]
errors = []
with sync_playwright() as pw:
    browser = pw.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
    context = browser.new_context(locale="en-US", base_url=origin, accept_downloads=True)
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": cookie_name, "value": cookie_value, "url": origin}])
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.goto("/people/?court=%E8%8B%8F0102")
    menu = page.locator('[data-testid="export-menu"]').first
    menu.get_by_role("button", name="Export").click()
    with page.expect_download() as download:
        menu.locator('[data-testid="export-csv"]').click()
    csv_name = download.value.suggested_filename
    with open(download.value.path(), "rb") as handle:
        csv_head = handle.read(200).decode("utf-8")
    menu.get_by_role("button", name="Export").click()
    menu.locator('[data-testid="export-xlsx"]').click()
    page.locator('[data-testid="ready"]').wait_for()
    message = page.locator(".alert-info").first.inner_text()
    job_url = page.url
    with page.expect_download() as download:
        page.locator('[data-testid="download"]').click()
    xlsx_name = download.value.suggested_filename
    page.goto("/accounts/exports/")
    listed = page.locator('[data-testid="exports"] tbody').inner_text()
    browser.close()
print(json.dumps({"csv_name": csv_name, "csv_head": csv_head, "message": message,
                  "job_url": job_url, "xlsx_name": xlsx_name, "listed": listed,
                  "errors": errors}))
"""


def test_export_journey_in_the_browser(world, live_server, settings):
    settings.EXPORT_INLINE_ROWS = 2
    result = run_signed_in(SCRIPT, live_server=live_server, user=world.users["party"])
    assert result["errors"] == []
    assert result["csv_name"] == "people.csv"
    assert result["csv_head"].startswith("\ufeffStaff number,Name,Gender")
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE and job.row_count == 10
    assert result["job_url"].endswith(f"/accounts/exports/{job.pk}/")
    assert "being prepared in the background" in result["message"]
    assert result["xlsx_name"] == "people.xlsx"
    assert "people.xlsx" in result["listed"] and "Ready" in result["listed"]
