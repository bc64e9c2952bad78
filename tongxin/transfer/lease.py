"""The lease of a background job (the check of a large file, or its commit): how the page
knows that the job is still running. What follows says "commit"; the background check of a
PREVIEWING batch holds the same lease (its chunks are written outside one transaction, so
its fence is checked before each chunk and at the end, see services.import_preview_claimed).

A worker killed outright (`kill -9`, a power cut, an OOM kill) writes nothing: its one
transaction is rolled back by the database. But it cannot say so, and before the lease a
batch it was writing stayed COMMITTING forever, commit and cancel answering "already being
committed". So a commit holds a lease with an expiry, renewed while it lives:

- **Where.** Two columns of the batch row, `lease_owner` (a random id per run) and
  `lease_until`. The claim (the commit button) sets `lease_until` to now + the lease with no
  owner: the task is queued. The worker takes the lease (a conditional UPDATE, autocommitted
  before its write transaction): only if no other run holds a live one, so a task delivered
  twice, or a second worker, leaves a running commit alone.
- **Renewal.** A heartbeat thread in the worker renews `lease_until` every
  IMPORT_LEASE_SECONDS / 4 through its own database connection, outside the write
  transaction, so the renewal is visible to every web server at once (a cache is not shared
  by several servers unless one is configured for it; the database always is). The write
  transaction does not lock the batch row until its very end, so on PostgreSQL the renewals
  pass while the rows are written. SQLite lets no other connection write while that
  transaction runs: there the renewal waits and fails, and the heartbeat also goes to the
  cache (an SQLite database lives on one machine, whose cache the web process shares); the
  page counts either as a sign of life.
- **Why not the task's status.** django-tasks-db marks a task RUNNING when a worker claims
  it, and nothing changes it when that worker dies: RUNNING cannot tell a live commit from a
  dead one. A lease can.
- **Expiry.** A lease past `lease_until` with no recent heartbeat in the cache: the commit
  has STOPPED (its worker is gone; nothing was written). The page says so and offers to
  commit again or to return the batch to the preview (`services.import_recover`, a
  conditional UPDATE on the expired lease). A claim that no worker took within the lease is
  STALLED: the page offers to return it to the preview.
- **Fence.** The write transaction ends with `UPDATE … SET status = committed WHERE status =
  committing AND lease_owner = <this run>`, and rolls everything back if that matches no
  row: a run whose lease was taken from it (the page recovered the batch, another worker
  took over) never commits. So a lease that expires while its worker still lives (a stalled
  heartbeat) can cost a retry, never a double write.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Q
from django.utils import timezone

from tongxin.transfer.models import ImportBatch

logger = logging.getLogger(__name__)

QUEUED, RUNNING, STALLED, STOPPED = "queued", "running", "stalled", "stopped"


def lease_seconds() -> int:
    return int(getattr(settings, "IMPORT_LEASE_SECONDS", None) or 60)


def lease_end() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=lease_seconds())


def _beat_key(batch_id: int) -> str:
    return f"transfer:import-beat:{batch_id}"


def beat_cache(batch_id: int) -> None:
    try:
        cache.set(_beat_key(batch_id), time.time(), 24 * 60 * 60)
    except Exception:  # advisory
        logger.warning("could not record the heartbeat of import %s", batch_id, exc_info=True)


def _beat_fresh(batch_id: int) -> bool:
    try:
        beat = cache.get(_beat_key(batch_id))
    except Exception:
        return False
    return isinstance(beat, int | float) and time.time() - beat < lease_seconds()


def new_owner() -> str:
    return uuid.uuid4().hex


BUSY = (ImportBatch.Status.PREVIEWING, ImportBatch.Status.COMMITTING)


def take(batch_id: int, owner: str, status: str = ImportBatch.Status.COMMITTING) -> bool:
    """Take the lease of a COMMITTING (or PREVIEWING) batch for this run: when it is queued
    (no owner) or the last owner's lease has expired. False if another run holds a live one."""
    now = timezone.now()
    taken = (
        ImportBatch.objects.filter(pk=batch_id, status=status)
        .filter(Q(lease_owner="") | Q(lease_until__lt=now) | Q(lease_until__isnull=True))
        .update(lease_owner=owner, lease_until=lease_end())
    )
    if taken:
        beat_cache(batch_id)
    return bool(taken)


def state(batch: ImportBatch) -> str | None:
    """QUEUED, RUNNING, STALLED or STOPPED for a COMMITTING or PREVIEWING batch (None
    otherwise)."""
    if batch.status not in BUSY:
        return None
    expired = batch.lease_until is not None and batch.lease_until < timezone.now()
    if not batch.lease_owner:
        return STALLED if expired else QUEUED
    if expired and not _beat_fresh(batch.pk):
        return STOPPED
    return RUNNING


class Heartbeat:
    """Renews a run's lease from a thread of its own (own database connection) until the
    commit ends; a failed renewal is logged and retried at the next beat."""

    def __init__(
        self,
        batch_id: int,
        owner: str,
        every: float | None = None,
        status: str = ImportBatch.Status.COMMITTING,
    ):
        self.batch_id = batch_id
        self.owner = owner
        self.status = status
        self.every = every if every is not None else lease_seconds() / 4
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"import-{batch_id}-heartbeat", daemon=True
        )

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)
        return False

    def beat(self) -> None:
        beat_cache(self.batch_id)
        try:
            ImportBatch.objects.filter(
                pk=self.batch_id, status=self.status, lease_owner=self.owner
            ).update(lease_until=lease_end())
        except Exception:  # SQLite: the commit itself holds the write lock; the cache beats
            logger.info("could not renew the lease of import %s", self.batch_id, exc_info=True)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                self.beat()
        finally:
            connections.close_all()  # this thread's own connections
