"""The opinions journey in Chromium: a member submits an opinion (name hidden); party-affairs
staff turn it into a rectification task; the responsible person reports progress and submits
it; the assigner verifies it and answers the opinion; the member sees the answer. Nothing is
fetched from outside; no console error or CSP violation."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_journey import sign_in, sign_out
from tongxin.answers.models import Opinion, Task

pytestmark = pytest.mark.browser


def test_opinion_becomes_a_task_and_gets_an_answer(browser_page, journey_world):
    page, watch = browser_page
    world = journey_world
    deadline = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()

    # 1. A member submits an opinion with their name hidden.
    sign_in(page, "member", world.password)
    page.goto("/answers/opinions/mine/")
    page.get_by_test_id("opinion-new").click()
    page.locator("select[name=topic]").select_option("life")
    page.locator("input[name=title]").fill("食堂午餐排队时间过长")
    page.locator("textarea[name=body]").fill("<p>中午排队常超过二十分钟。</p>")
    page.locator("input[name=hide_name]").check()
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("opinion-state")).to_have_text("Awaiting triage")
    opinion = Opinion.objects.get()
    sign_out(page)

    # 2. Party-affairs staff see the hidden name and turn the opinion into a task.
    sign_in(page, "party", world.password)
    page.goto(f"/answers/opinions/{opinion.pk}/")
    expect(page.get_by_test_id("submitter")).to_have_text(world.members[5].name)
    page.get_by_test_id("opinion-task").click()
    page.locator("input[name=title]").fill("增开午餐窗口")
    page.locator("textarea[name=description]").fill("<p>增开两个窗口，错峰就餐。</p>")
    page.locator("select[name=responsible]").select_option(str(world.members[1].pk))
    page.locator("select[name=department]").select_option(str(world.dept.pk))
    page.locator("input[name=deadline]").fill(deadline)
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("opinion-state")).to_have_text("Being rectified")
    task = Task.objects.get()
    sign_out(page)

    # 3. The responsible person reports progress and submits the task.
    sign_in(page, "committee", world.password)
    page.goto("/answers/tasks/mine/")
    page.get_by_role("link", name="增开午餐窗口").click()
    page.get_by_test_id("task-progress").click()
    page.locator("textarea[name=text]").fill("<p>已采购设备。</p>")
    page.get_by_test_id("save").click()
    page.get_by_test_id("act-submit").click()
    page.locator("textarea[name=text]").fill("<p>两个窗口已开放。</p>")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("task-state")).to_have_text("Submitted for verification")
    sign_out(page)

    # 4. The assigner verifies it and answers the opinion.
    sign_in(page, "party", world.password)
    page.goto(f"/answers/tasks/{task.pk}/")
    page.get_by_test_id("act-accept").click()
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("task-state")).to_have_text("Closed")
    page.goto(f"/answers/opinions/{opinion.pk}/")
    page.get_by_test_id("opinion-answer").click()
    page.locator("textarea[name=answer]").fill("<p>已增开两个窗口，排队明显缩短。</p>")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("opinion-state")).to_have_text("Answered")
    sign_out(page)

    # 5. The member sees what became of it and the answer.
    sign_in(page, "member", world.password)
    page.goto("/answers/opinions/mine/")
    page.get_by_role("link", name="食堂午餐排队时间过长").click()
    expect(page).to_have_url(re.compile(rf"/answers/opinions/{opinion.pk}/$"))
    expect(page.get_by_test_id("answer")).to_contain_text("已增开两个窗口")
    expect(page.locator("body")).to_contain_text("增开午餐窗口")
    assert not watch.errors, watch.errors
    assert not watch.outside(), watch.outside()
