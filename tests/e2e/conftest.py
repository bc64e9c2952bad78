"""End-to-end fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's sync API runs an asyncio loop in the test thread, so Django's async-safety guard
would refuse the ORM calls that fixtures make; pytest-django documents this switch for it.
Never `playwright install`: the browser is Debian's (`apt-get install chromium`).
"""

import datetime
import os
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from tongxin.orgs.facts import facts_refresh
from tongxin.orgs.models import CommitteeTerm

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.e2e.child import CHROMIUM, require_chromium

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


# One Playwright per process: its sync API cannot start twice while a loop runs, and a test
# module outside tests/e2e may import these fixtures (a second fixture definition).
_running: dict = {}


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole run (a fresh profile: Playwright makes it)."""
    require_chromium()
    if "browser" in _running:
        yield _running["browser"]
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _running["browser"] = browser
        try:
            yield browser
        finally:
            _running.clear()
            browser.close()


@dataclass
class Watch:
    """What the browser saw: console errors, uncaught exceptions and every request made."""

    origin: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.origin + "/")]


@pytest.fixture
def browser_page(chromium, live_server):
    """A page in a fresh context (no cookies, English browser) and what it saw."""
    context = chromium.new_context(
        locale="en-US", viewport={"width": 1400, "height": 900}, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    watch = Watch(origin=live_server.url)

    def route(route):
        # Court intranets are offline: record every request and let none leave the server.
        watch.requests.append(route.request.url)
        if route.request.url.startswith(watch.origin + "/"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    # Chromium reports CSP violations on the console already; say it in so many words too.
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and watch.errors.append(f"{msg.text} @ {msg.location.get('url', '')}")
        ),
    )
    page.on("pageerror", lambda exc: watch.errors.append(f"uncaught: {exc}"))
    yield page, watch
    context.close()


@pytest.fixture
def journey_world(world):
    """The shared world, with the branch's committee term ending in three months, so the
    branch page carries a health warning whatever day the suite runs."""
    today = timezone.localdate()
    CommitteeTerm.objects.filter(organisation=world.branch).update(
        starts_on=today - datetime.timedelta(days=5 * 365),
        ends_on=today + datetime.timedelta(days=90),
    )
    facts_refresh([world.branch])  # update() bypasses the services that keep the facts
    return world


# Rows that data migrations write (the national compliance rules, the default appraisal
# schemes) are gone after an earlier browser test's transactional flush: put them back.
DATA_MIGRATIONS = [
    ("meetings.ComplianceRule", [("tongxin.meetings.migrations.0002_default_rules", "forward")]),
    (
        "evaluation.Scheme",
        [
            ("tongxin.evaluation.migrations.0002_default_schemes", "create"),
            ("tongxin.evaluation.migrations.0003_sources_match_apps", "forward"),
        ],
    ),
]


@pytest.fixture(autouse=True)
def _data_migration_rows(request):
    if "live_server" not in request.fixturenames and "browser_page" not in request.fixturenames:
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for label, steps in DATA_MIGRATIONS:
        if apps.get_model(label).objects.exists():
            continue
        for module, function in steps:
            getattr(importlib.import_module(module), function)(apps, None)
