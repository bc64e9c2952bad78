"""The import journey in Debian's Chromium under the product's CSP: download a template,
upload a sheet, read the preview's rejects, commit, see the result.

The browser runs in a child process, as in test_api_docs_browser.py: Playwright's sync API
cannot share this process with another Playwright session.
"""

import pytest

from tests.e2e.child import run_signed_in
from tests.transfer.test_transfer import PEOPLE, person_row, xlsx_bytes
from tongxin.people.models import Person
from tongxin.transfer.models import ImportBatch

pytestmark = pytest.mark.browser


SCRIPT = r"""
import json, sys
from playwright.sync_api import sync_playwright

origin, cookie_name, cookie_value, chromium, path = sys.argv[1:6]
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
    page.on(
        "console",
        lambda m: m.type == "error"
        and not m.text.startswith("Failed to load resource")
        and errors.append(m.text),
    )
    page.on(
        "response",
        lambda r: r.status >= 400
        and not r.url.endswith("/favicon.ico")
        and errors.append(f"{r.status} {r.url}"),
    )
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.goto("/transfer/import/")
    with page.expect_download() as download:
        page.locator('[data-testid="kind-people"] a').click()
    template = download.value.suggested_filename
    page.get_by_label("People").check()
    page.locator("input[type=file]").set_input_files(path)
    page.get_by_role("button", name="Check the file").click()
    page.locator('[data-testid="rejects"]').wait_for()
    preview = {
        "create": page.locator('[data-testid="count-create"]').inner_text(),
        "rejected": page.locator('[data-testid="count-rejected"]').inner_text(),
        "rejects": page.locator('[data-testid="rejects"] tbody').inner_text(),
    }
    page.locator('[data-testid="commit"]').click()
    page.get_by_text("Import committed.").wait_for()
    status = page.locator('[data-testid="status"]').inner_text()
    browser.close()
print(json.dumps({"template": template, "preview": preview, "status": status, "errors": errors}))
"""


def test_import_journey_in_the_browser(world, live_server, tmp_path):
    sheet = tmp_path / "people.xlsx"
    sheet.write_bytes(xlsx_bytes([PEOPLE, person_row(), ["苏9999", "N9", "赵六", "女", "法官"]]))
    result = run_signed_in(SCRIPT, live_server=live_server, user=world.users["party"], args=[sheet])
    assert result["errors"] == []
    assert result["template"] == "人员导入模板.xlsx"
    assert result["preview"]["create"] == "1" and result["preview"]["rejected"] == "1"
    assert "there is no court with code “苏9999”" in result["preview"]["rejects"]
    assert result["status"] == "Committed"
    assert Person.objects.filter(staff_number="N001", name="李四").exists()
    assert ImportBatch.objects.get().status == ImportBatch.Status.COMMITTED


LARGE_SCRIPT = r"""
import json, sys
from playwright.sync_api import sync_playwright

origin, cookie_name, cookie_value, chromium, path = sys.argv[1:6]
errors = []
with sync_playwright() as pw:
    browser = pw.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
    context = browser.new_context(locale="en-US", base_url=origin)
    context.set_default_timeout(30_000)
    context.add_cookies([{"name": cookie_name, "value": cookie_value, "url": origin}])
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    page.on(
        "console",
        lambda m: m.type == "error"
        and not m.text.startswith("Failed to load resource")
        and errors.append(m.text),
    )
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.goto("/transfer/import/")
    page.get_by_label("People").check()
    page.locator("input[type=file]").set_input_files(path)
    page.get_by_role("button", name="Check the file").click()
    page.locator('[data-testid="progress"]').wait_for()
    waiting = page.locator('[data-testid="status"]').inner_text()
    # The page polls its progress; when the worker has checked the file it reloads itself.
    page.locator('[data-testid="count-create"]').wait_for()
    created = page.locator('[data-testid="count-create"]').inner_text()
    page.locator('[data-testid="commit"]').click()
    page.get_by_text("Import committed.").wait_for()
    status = page.locator('[data-testid="status"]').inner_text()
    browser.close()
print(json.dumps({"waiting": waiting, "created": created, "status": status, "errors": errors}))
"""


@pytest.mark.skipif(
    "sqlite" in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason=(
        "Needs a database that lets a worker thread write while the live server reads: the "
        "SQLite test database is in memory, shared between threads in shared-cache mode, "
        "where a writer locks whole tables and a reader fails at once ('database table is "
        "locked') instead of waiting (the product's SQLite is a file with a 30 s busy "
        "timeout). The same journey runs on PostgreSQL in CI's second pass."
    ),
)
def test_a_large_file_is_checked_in_the_background_while_the_page_polls(
    world, live_server, tmp_path, settings, monkeypatch
):
    """The upload stores the file and its page shows the progress; a worker (a thread here)
    checks it; the page, polling, reloads itself with the preview."""
    import threading
    import time

    from django.db import connections

    from tongxin.transfer import services

    settings.IMPORT_INLINE_ROWS = 5
    monkeypatch.setattr(services, "_enqueue_preview", lambda task, batch_id: None)

    def worker():
        try:
            for _ in range(600):
                batch = ImportBatch.objects.filter(status=ImportBatch.Status.PREVIEWING).first()
                if batch is not None:
                    time.sleep(1.5)  # let the page show the progress first
                    services.import_preview_claimed(batch_id=batch.pk)
                    return
                time.sleep(0.1)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    sheet = tmp_path / "people.xlsx"
    rows = [PEOPLE] + [person_row(f"L{n:03d}", f"新人{n}") for n in range(8)]
    sheet.write_bytes(xlsx_bytes(rows))
    result = run_signed_in(
        LARGE_SCRIPT, live_server=live_server, user=world.users["party"], args=[sheet]
    )
    thread.join(timeout=30)
    assert result["errors"] == []
    assert result["waiting"] == "Checking" and result["created"] == "8"
    assert result["status"] == "Committed"
    assert Person.objects.filter(staff_number__startswith="L").count() == 8
