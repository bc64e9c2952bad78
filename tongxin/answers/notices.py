"""Immediate notices through the inbox app (when installed: tongxin.inbox.services.notify).

Called inside the service's transaction: the notice is a row of the same database, so a
refused change notifies nobody (the e-mail leaves later, from the periodic job)."""

from __future__ import annotations

from django.apps import apps


def notify(*, user, event_key: str, subject, body="", url="") -> None:
    if user is None or not apps.is_installed("tongxin.inbox"):
        return
    from tongxin.inbox.services import notify as inbox_notify

    inbox_notify(user=user, event_key=event_key, subject=subject, body=body, url=url)
