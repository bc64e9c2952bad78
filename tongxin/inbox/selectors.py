"""Reads of the inbox: a user's notices, the unread count, and what waits for them."""

from __future__ import annotations

import logging

from django.core.cache import cache

from tongxin.inbox.models import Notice
from tongxin.inbox.registry import Waiting, waiting_sources

log = logging.getLogger(__name__)
WAITING_CACHE_SECONDS = 60


def notices_for(user):
    return Notice.objects.filter(user=user)


def unread_count(user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def waiting_for(user) -> list[tuple[str, Waiting]]:
    """Every app's "my work" lines for the user that have something waiting."""
    out = []
    for code, source in waiting_sources().items():
        try:
            items = source(user)
        except Exception:  # one app's broken source must not take the inbox down
            log.exception("inbox: waiting source %s failed", code)
            continue
        out += [(code, item) for item in items if item.count]
    return out


def waiting_total(user) -> int:
    """For the header badge: the total of waiting items, cached a minute per user."""
    key = f"inbox:waiting:{user.pk}"
    total = cache.get(key)
    if total is None:
        total = sum(item.count for _code, item in waiting_for(user))
        cache.set(key, total, WAITING_CACHE_SECONDS)
    return total
