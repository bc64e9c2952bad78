"""Progress of a background job (the check of a large file, or the commit), kept in Django's
cache (not in the database).

The commit writes every row inside one long transaction. Progress written to the database
from inside it would stay invisible to the web process until the very end, and on SQLite no
other connection may write while that transaction holds the lock. So the worker reports
progress to the cache (`CACHES["default"]`: a file-based cache by default, shared by the
web process and the worker on one machine), keyed by batch id; the batch row holds only the
state transitions. Progress is advisory: a lost or missing entry shows "waiting", never a
wrong state, and a cache that fails never fails an import.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

TIMEOUT = 24 * 60 * 60  # an entry outlives any commit; stale ones expire by themselves
EVERY = 0.5  # seconds between two reports while rows are being written

# queued: waiting for a worker; read: reading the file (done = rows read, total unknown);
# check: checking rows (the preview's, or the commit's re-check); write: writing rows.
QUEUED, READ, CHECK, WRITE = "queued", "read", "check", "write"


def _key(batch_id: int) -> str:
    return f"transfer:import-progress:{batch_id}"


def progress_set(batch_id: int, *, phase: str, done: int = 0, total: int = 0) -> None:
    try:
        cache.set(_key(batch_id), {"phase": phase, "done": done, "total": total}, TIMEOUT)
    except Exception:  # advisory: an unwritable cache must not fail the import
        logger.warning("could not record the progress of import %s", batch_id, exc_info=True)


def progress_get(batch_id: int, *, total: int = 0) -> dict:
    """phase, done, total, percent (0-100) and step (percent rounded down to 5, for CSS)."""
    try:
        entry = cache.get(_key(batch_id))
    except Exception:
        logger.warning("could not read the progress of import %s", batch_id, exc_info=True)
        entry = None
    entry = entry if isinstance(entry, dict) else {"phase": QUEUED, "done": 0, "total": total}
    done, total = int(entry.get("done") or 0), int(entry.get("total") or total)
    percent = min(100, done * 100 // total) if total else 0
    return {
        "phase": entry.get("phase", QUEUED),
        "done": done,
        "total": total,
        "percent": percent,
        "step": percent // 5 * 5,
    }


def progress_clear(batch_id: int) -> None:
    try:
        cache.delete(_key(batch_id))
    except Exception:
        logger.warning("could not clear the progress of import %s", batch_id, exc_info=True)


class Reporter:
    """Called with (done, total) as rows go; writes to the cache at most every EVERY s (and
    the last row at once). `phase`: what is being done (WRITE by default)."""

    def __init__(self, batch_id: int, phase: str = WRITE):
        self.batch_id = batch_id
        self.phase = phase
        self.last = 0.0

    def __call__(self, done: int, total: int = 0) -> None:
        now = time.monotonic()
        finished = total and done >= total
        if not finished and now - self.last < EVERY:
            return
        self.last = now
        progress_set(self.batch_id, phase=self.phase, done=done, total=total)
