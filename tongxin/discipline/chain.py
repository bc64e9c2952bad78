"""The register's hash chains: one per court, on core's chain machinery (core/chain.py).

An entry's hash is SHA-256 over the canonical serialisation of its chain name, number,
the previous entry's hash and its content (`entry_data`: every stored field but its own
id and hash). The chain head (`core.ChainHead` named `register:<court id>`) is locked while
the entry is written, and the entry's time is taken under the lock, so numbers and times
both grow along a chain. `register_rows` streams the links for `core.chain.verify`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db import connection, transaction
from django.utils import timezone

from tongxin.core.chain import chain_lock, chain_move, heads, link_hash, stamp, verify

PREFIX = "register:"

FIELDS = (
    "court_id",
    "court_path",
    "kind",
    "person_name",
    "person_unit",
    "person_post",
    "relation",
    "channel",
    "occurred_on",
    "case_number",
    "asked",
    "done",
    "affects_case",
    "correction_of_id",
    "recorder_id",
    "recorder_name",
    "recorded_at",
)


def chain_name(court_id: int) -> str:
    return f"{PREFIX}{court_id}"


def entry_data(values: dict) -> dict:
    data = {name: values[name] for name in FIELDS}
    occurred = data["occurred_on"]
    if isinstance(occurred, str):
        occurred = datetime.date.fromisoformat(occurred)
    data["occurred_on"] = occurred.isoformat()
    data["recorded_at"] = stamp(data["recorded_at"])
    data["affects_case"] = bool(data["affects_case"])
    return data


def chain_append(entry) -> None:
    """Number, time, link and insert `entry` (unsaved) under its court's chain lock."""
    with transaction.atomic():
        head = chain_lock(chain_name(entry.court_id))
        entry.seq = head.seq + 1
        entry.prev_hash = head.hash
        entry.recorded_at = timezone.now()
        values = {name: getattr(entry, name) for name in FIELDS}
        entry.hash = link_hash(head.name, entry.seq, entry.prev_hash, entry_data(values))
        entry.save()
        chain_move(head, entry.seq, entry.hash)


def link_values(chain: str, seq: int, prev: str, values: dict) -> str:
    """The hash of an entry computed outside a lock (the demo and bench write chains in
    bulk, in order, in Python)."""
    return link_hash(chain, seq, prev, entry_data(values))


def register_rows(batch: int = 5_000) -> Iterator[tuple]:
    """(chain, seq, prev, hash, data, time) of every entry, by court and number."""
    from tongxin.discipline.models import RegisterEntry

    table = RegisterEntry._meta.db_table
    columns = ", ".join(("seq", "prev_hash", "hash", *FIELDS))
    with transaction.atomic(), connection.chunked_cursor() as cursor:  # server-side on PostgreSQL
        cursor.execute(f"SELECT {columns} FROM {table} ORDER BY court_id, seq")
        while True:
            rows = cursor.fetchmany(batch)
            if not rows:
                break
            for seq, prev, digest, *values in rows:
                row = dict(zip(FIELDS, values, strict=True))
                moment = row["recorded_at"]
                if isinstance(moment, str):
                    moment = datetime.datetime.fromisoformat(moment)
                    row["recorded_at"] = moment
                if timezone.is_naive(moment):
                    moment = moment.replace(tzinfo=datetime.UTC)
                yield chain_name(row["court_id"]), seq, prev, digest, entry_data(row), moment


def verify_register(exported=(), *, collect_days: bool = False):
    """Verify every court's chain (core.chain.verify's report)."""
    exported = [item for item in exported if item["chain"].startswith(PREFIX)]
    return verify(register_rows(), heads(PREFIX), exported, collect_days=collect_days)
