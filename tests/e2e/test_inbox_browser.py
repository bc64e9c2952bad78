"""The inbox in Debian's Chromium: a reminder delivered by the periodic job shows in the
header badge; the member opens it from the inbox, which marks it read and follows its link."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_journey import sign_in
from tongxin.inbox import registry, services
from tongxin.inbox.registry import Draft

pytestmark = pytest.mark.browser


def test_a_reminder_reaches_the_member_and_is_read_once(browser_page, world, monkeypatch):
    page, watch = browser_page
    member = world.users["member"]
    monkeypatch.setattr(registry, "_REMINDERS", {})
    monkeypatch.setattr(registry, "discover", lambda: None)

    @registry.reminder_source("journey.due")
    def due(today):
        yield Draft(
            user_id=member.pk,
            event_key=f"journey:{today.year}",
            subject="Branch general meeting due this quarter",
            url="/accounts/profile/",
        )

    services.tick()
    services.tick()  # the same event again: still one notice
    sign_in(page, "member", world.password)
    expect(page.get_by_test_id("inbox-count")).to_have_text("1")
    page.get_by_test_id("inbox").click()
    notices = page.get_by_test_id("notices")
    expect(notices).to_contain_text("Branch general meeting due this quarter")
    notices.get_by_role("button", name="Open").click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.get_by_test_id("inbox-count")).to_have_count(0)
    page.get_by_test_id("inbox").click()
    expect(page.get_by_test_id("notices")).to_contain_text("No unread notices.")
    assert watch.errors == [] and watch.outside() == []
