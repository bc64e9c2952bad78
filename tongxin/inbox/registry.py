"""What apps tell the inbox: reminders the periodic job sends, and what waits for a user.

An app declares both in its own `<app>/inbox.py` (imported by `discover()`):

    @reminder_source("meetings.due")
    def due(today) -> Iterable[Draft]: ...        # called by the periodic job

    @waiting_source("answers.tasks")
    def waiting(user) -> list[Waiting]: ...       # "my work": called for the inbox page

A reminder's `event_key` names the event (e.g. "meetings.due:<org>:<rule>:<period>"): the
inbox keeps one notice per user and key, so a source may offer the same reminder every time
the job runs and it is still delivered, and e-mailed, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

_REMINDERS: dict[str, Callable[[Any], Iterable[Draft]]] = {}
_WAITING: dict[str, Callable[[Any], list[Waiting]]] = {}


@dataclass(frozen=True)
class Draft:
    """A notice to deliver. Subject and body may be lazy: rendered in the recipient's language."""

    user_id: int
    event_key: str
    subject: Any
    body: Any = ""
    url: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Waiting:
    """One line of "my work": how many things of a kind wait for the user, and where."""

    label: Any
    count: int
    url: str = ""


def reminder_source(code: str):
    def register(fn):
        _REMINDERS[code] = fn
        return fn

    return register


def waiting_source(code: str):
    def register(fn):
        _WAITING[code] = fn
        return fn

    return register


def discover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("inbox")


def reminder_sources() -> dict[str, Callable]:
    discover()
    return dict(sorted(_REMINDERS.items()))


def waiting_sources() -> dict[str, Callable]:
    discover()
    return dict(sorted(_WAITING.items()))
