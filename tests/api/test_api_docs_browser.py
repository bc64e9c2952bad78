"""The interactive API docs work in Debian's Chromium under the product's CSP, offline.

The browser runs in a child process: Playwright's sync API cannot share this process with
another Playwright session (the end-to-end suite keeps one open for the whole run).
"""

import pytest

from tests.e2e.child import run_signed_in

pytestmark = pytest.mark.browser


SCRIPT = r"""
import json, sys
from playwright.sync_api import sync_playwright

origin, cookie_name, cookie_value, chromium = sys.argv[1:5]
errors, outside = [], []
with sync_playwright() as pw:
    browser = pw.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
    context = browser.new_context(locale="en-US", base_url=origin)
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": cookie_name, "value": cookie_value, "url": origin}])

    def route(route):
        if route.request.url.startswith(origin + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.goto("/api/v1/docs")
    page.get_by_text("/api/v1/courts", exact=True).first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    result = {"status": status.inner_text().strip(), "errors": errors, "outside": outside}
    browser.close()
print(json.dumps(result))
"""


def test_api_docs_run_a_request_under_csp_without_leaving_the_server(world, live_server):
    result = run_signed_in(SCRIPT, live_server=live_server, user=world.users["party"])
    assert result == {"status": "200", "errors": [], "outside": []}
