"""The inbox: every event reaches a user once, in their language, and is e-mailed once."""

import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from tongxin.accounts.models import Profile
from tongxin.inbox import registry, services
from tongxin.inbox.models import Notice
from tongxin.inbox.registry import Draft, Waiting


@pytest.fixture
def sources(monkeypatch):
    """Empty registries for the test (apps' own sources are tested in their apps)."""
    monkeypatch.setattr(registry, "_REMINDERS", {})
    monkeypatch.setattr(registry, "_WAITING", {})
    monkeypatch.setattr(registry, "discover", lambda: None)
    return registry


def test_an_event_reaches_a_user_once(world):
    user = world.users["member"]
    assert services.notify(user=user, event_key="t:1", subject="First") is True
    assert services.notify(user=user, event_key="t:1", subject="Again") is False
    drafts = [Draft(user_id=user.pk, event_key="t:1", subject="x")] * 3
    assert services.deliver(drafts + [Draft(user_id=user.pk, event_key="t:2", subject="y")]) == 1
    assert list(Notice.objects.filter(user=user).values_list("subject", flat=True)) == [
        "y",
        "First",
    ]


def test_a_lazy_subject_is_written_in_the_recipients_language(world):
    user = world.users["member"]
    Profile.objects.update_or_create(user=user, defaults={"language": "zh-hans"})
    subject = format_lazy("{}: {}", gettext_lazy("My inbox"), "A")
    services.notify(user=user, event_key="t:lang", subject=subject)
    assert Notice.objects.get(user=user).subject == "我的消息: A"


def test_only_links_inside_the_product_are_kept(world):
    user = world.users["member"]
    services.notify(user=user, event_key="a", subject="s", url="https://evil.example/")
    services.notify(user=user, event_key="b", subject="s", url="//evil.example/")
    services.notify(user=user, event_key="c", subject="s", url="/inbox/")
    assert dict(Notice.objects.values_list("event_key", "url")) == {
        "a": "",
        "b": "",
        "c": "/inbox/",
    }


def test_the_job_runs_every_source_and_a_broken_one_stops_no_other(world, sources):
    member = world.users["member"]

    @registry.reminder_source("test.broken")
    def broken(today):
        raise RuntimeError("boom")

    @registry.reminder_source("test.due")
    def due(today):
        yield Draft(user_id=member.pk, event_key=f"due:{today}", subject="Due")

    first = services.tick()
    assert first["reminders"] == {"test.broken": -1, "test.due": 1}
    assert services.tick()["reminders"]["test.due"] == 0  # the same event, not again
    assert Notice.objects.filter(user=member).count() == 1


def test_each_notice_is_e_mailed_once_in_one_digest_per_user(world, sources):
    member, party = world.users["member"], world.users["party"]
    member.email, party.email = "member@court.example", ""
    member.save()
    party.save()
    for n in range(3):
        services.notify(user=member, event_key=f"m:{n}", subject=f"Item {n}", url="/inbox/")
    services.notify(user=party, event_key="p", subject="No address")
    assert services.email_digests() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["member@court.example"]
    assert "Item 0" in mail.outbox[0].body and "Item 2" in mail.outbox[0].body
    assert services.email_digests() == 0 and len(mail.outbox) == 1
    assert not Notice.objects.filter(emailed_at__isnull=True).exists()


@override_settings(INBOX_EMAIL=False)
def test_e_mail_can_be_switched_off(world):
    services.notify(user=world.users["member"], event_key="x", subject="s")
    assert services.email_digests() == 0 and not mail.outbox


def test_marking_read_and_another_users_notice(world, client_for):
    member = world.users["member"]
    services.notify(user=member, event_key="r1", subject="One", url="/inbox/?show=all")
    services.notify(user=member, event_key="r2", subject="Two")
    one = Notice.objects.get(event_key="r1")
    assert client_for("party").post(reverse("inbox:read", args=[one.pk])).status_code == 404
    client = client_for("member")
    response = client.post(reverse("inbox:read", args=[one.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/inbox/?show=all"
    assert Notice.objects.filter(read_at__isnull=True).count() == 1
    client.post(reverse("inbox:read-all"))
    assert not Notice.objects.filter(read_at__isnull=True).exists()


def test_the_page_shows_waiting_work_and_the_header_badge(world, client_for, sources):
    member = world.users["member"]

    @registry.waiting_source("test.tasks")
    def tasks(user):
        return [
            Waiting(label="Tasks to verify", count=2, url="/x/"),
            Waiting(label="Nothing here", count=0),
        ]

    services.notify(user=member, event_key="h", subject="Hello")
    page = client_for("member").get(reverse("inbox:index")).content.decode()
    assert "Tasks to verify" in page and "Nothing here" not in page and "Hello" in page
    assert 'data-testid="inbox-count">3<' in page  # one unread + two waiting


def test_the_page_costs_the_same_queries_for_few_or_many_notices(world, client_for, sources):
    member = world.users["member"]
    client = client_for("member")
    services.notify(user=member, event_key="q0", subject="s")
    client.get(reverse("inbox:index"))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("inbox:index"))
    services.deliver([Draft(user_id=member.pk, event_key=f"q{n}", subject="s") for n in range(80)])
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("inbox:index") + "?page=2").status_code == 200
    assert len(many) == len(few)


def test_the_api_lists_own_notices_and_marks_them_read(world, client_for):
    member = world.users["member"]
    services.notify(user=member, event_key="api", subject="Via API")
    services.notify(user=world.users["party"], event_key="api", subject="Not yours")
    client = client_for("member")
    body = client.get("/api/v1/inbox?unread_only=true").json()
    assert body["unread"] == 1 and [n["subject"] for n in body["items"]] == ["Via API"]


def test_the_command_runs_the_job_once_and_checks_its_date(world, sources):
    out = StringIO()
    call_command("inbox_tick", "--today", "2026-12-01", stdout=out)
    assert json.loads(out.getvalue()) == {"emailed": 0, "reminders": {}}
    with pytest.raises(CommandError, match="date"):
        call_command("inbox_tick", "--today", "tomorrow")


def test_the_periodic_job_queues_itself_once_on_a_deferring_backend(db):
    from django_tasks_db.models import DBTaskResult

    from tongxin.inbox.tasks import schedule_next

    assert schedule_next() is False  # the tests' immediate backend cannot defer
    backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=backend):  # django-tasks resets its backends on the signal
        assert schedule_next(delay_seconds=0) is True
        assert schedule_next(delay_seconds=0) is False  # one waiting run is enough
        assert DBTaskResult.objects.filter(status="READY").count() == 1
