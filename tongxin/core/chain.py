"""Hash chains: tamper evidence for append-only records (the audit log, and any app's
register that wants it), knowing no domain model.

A chain is a named sequence of links. Link n carries its sequence number n (from 1), the
hash of link n-1 (`GENESIS` for the first) and its own hash: SHA-256 over the canonical
serialisation (`canonical`: sorted keys, no spaces, UTF-8) of {chain, seq, prev, data},
where `data` is the record's content as stored. The chain's head (`ChainHead`: last number
and hash) is the one mutable row; a writer locks it (`chain_lock`: `select_for_update` on
PostgreSQL, the write transaction on SQLite, which this project opens IMMEDIATE), so the
links of one chain are written one after the other and each chain stays linear.

`verify(rows, heads, exported)` walks the links of every chain in order and names the first
broken link of each: a sequence that jumps (a link deleted, or inserted), a link whose
previous hash is not its predecessor's (reordered, inserted), a hash that no longer matches
the content (edited), a time earlier than its predecessor's (back-dated), a missing record,
a head ahead of the last link (tail deleted), and, against head hashes exported earlier
(`day_heads`), a link missing or different (tail truncated, or the whole tail rewritten).

What a plain hash chain cannot show: someone with write access to the database who
recomputes every hash after their change, head included, is caught only by head hashes kept
outside the database (export them daily). See docs/discipline.md.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

GENESIS = "0" * 64


def _default(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def canonical(data) -> bytes:
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    ).encode()


def link_hash(chain: str, seq: int, prev: str, data: dict) -> str:
    return hashlib.sha256(
        canonical({"chain": chain, "seq": seq, "prev": prev, "data": data})
    ).hexdigest()


def stamp(moment) -> str | None:
    """A time as the chain serialises it (UTC, ISO 8601 with microseconds)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.datetime.fromisoformat(moment)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC).isoformat()


def json_value(value):
    """A JSON value as it reads back from the database (tuples as lists, keys as strings)."""
    if isinstance(value, str | bytes | bytearray) and value and value[:1] in ("{", "[", b"{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return None if value is None else json.loads(json.dumps(value, default=_default))


def _address(value) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(str(value)))
    except ValueError:
        return str(value)


def chain_lock(name: str):
    """The chain's head, locked until the transaction ends (call inside `atomic`)."""
    from tongxin.core.models import ChainHead

    head = ChainHead.objects.select_for_update().filter(name=name).first()
    if head is None:
        ChainHead.objects.bulk_create(
            [ChainHead(name=name, seq=0, hash=GENESIS)], ignore_conflicts=True
        )
        head = ChainHead.objects.select_for_update().get(name=name)
    return head


def chain_move(head, seq: int, hash: str) -> None:
    from tongxin.core.models import ChainHead

    ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=hash)
    head.seq, head.hash = seq, hash


# The audit log's chains: one per court path (the court the entry is scoped to; "" for
# entries of no court), so writers in different courts never wait for each other.

AUDIT_PREFIX = "audit:"


def audit_data(row: dict) -> dict:
    """The canonical content of an audit entry (a dict of its column values)."""
    return {
        "id": row["id"],
        "at": stamp(row["at"]),
        "actor_id": row["actor_id"],
        "actor_name": row["actor_name"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "object_repr": row["object_repr"],
        "court_id": row["court_id"],
        "court_path": row["court_path"],
        "before": json_value(row["before"]),
        "after": json_value(row["after"]),
        "remote_addr": _address(row["remote_addr"]),
    }


def audit_begin(entry) -> object:
    """Lock the chain of an entry about to be written (its time is taken after the lock,
    so times never go backwards along a chain)."""
    return chain_lock(AUDIT_PREFIX + (entry.court_path or ""))


def audit_link(entry, head) -> None:
    """Link a just-written audit entry into its chain (inside the entry's transaction)."""
    from tongxin.core.models import AuditLink

    row = {f.attname: getattr(entry, f.attname) for f in entry._meta.concrete_fields}
    seq = head.seq + 1
    digest = link_hash(head.name, seq, head.hash, audit_data(row))
    AuditLink.objects.create(
        entry_id=entry.pk, chain=head.name, seq=seq, prev_hash=head.hash, hash=digest
    )
    chain_move(head, seq, digest)


AUDIT_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "court_id",
    "court_path",
    "before",
    "after",
    "remote_addr",
)


def audit_rows(batch: int = 5_000) -> Iterator[tuple]:
    """(chain, seq, prev, hash, data or None when the entry is gone, time) of every audit
    link, by chain and number: one streamed join."""
    columns = ", ".join(f"e.{c}" for c in AUDIT_COLUMNS)
    sql = (
        f"SELECT l.chain, l.seq, l.prev_hash, l.hash, l.entry_id, {columns} "
        "FROM core_auditlink l LEFT JOIN core_auditentry e ON e.id = l.entry_id "
        "ORDER BY l.chain, l.seq"
    )
    with transaction.atomic(), connection.chunked_cursor() as cursor:  # server-side on PostgreSQL
        cursor.execute(sql)
        while True:
            rows = cursor.fetchmany(batch)
            if not rows:
                break
            for chain, seq, prev, digest, _entry_id, *values in rows:
                if values[0] is None:
                    yield chain, seq, prev, digest, None, None
                    continue
                row = dict(zip(AUDIT_COLUMNS, values, strict=True))
                if isinstance(row["at"], str):
                    row["at"] = datetime.datetime.fromisoformat(row["at"])
                if timezone.is_naive(row["at"]):  # SQLite keeps UTC without a zone
                    row["at"] = row["at"].replace(tzinfo=datetime.UTC)
                yield chain, seq, prev, digest, audit_data(row), row["at"]


def audit_unlinked() -> list[int]:
    """Audit entries in no chain: written around the application (a raw INSERT)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.id FROM core_auditentry e WHERE NOT EXISTS "
            "(SELECT 1 FROM core_auditlink l WHERE l.entry_id = e.id) ORDER BY e.id LIMIT 10"
        )
        return [row[0] for row in cursor.fetchall()]


def heads(prefix: str) -> dict[str, tuple[int, str]]:
    from tongxin.core.models import ChainHead

    return {
        name: (seq, digest)
        for name, seq, digest in ChainHead.objects.filter(name__startswith=prefix).values_list(
            "name", "seq", "hash"
        )
    }


# Verification -------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    chain: str
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"#{self.seq}" if self.seq is not None else ""
        return f"{self.chain} {where}: {self.reason}".replace("  ", " ")


@dataclass
class Report:
    chains: int = 0
    links: int = 0
    breaks: list[Break] = None
    day_heads: list[dict] = None

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify(
    rows: Iterable[tuple],
    heads: dict[str, tuple[int, str]],
    exported: Iterable[dict] = (),
    *,
    collect_days: bool = False,
) -> Report:
    """Check chains of links `(chain, seq, prev, hash, data, time)` given in chain and
    sequence order (`data` None: the record is gone). `heads`: the stored heads of the
    chains; `exported`: head hashes exported earlier ({chain, seq, hash, day}). The first
    broken link of each chain is reported; with `collect_days`, the last link of each day
    of each chain is gathered (`Report.day_heads`) for export."""
    wanted: dict[str, dict[int, dict]] = {}
    for item in exported:
        wanted.setdefault(item["chain"], {})[int(item["seq"])] = item
    report = Report(breaks=[], day_heads=[])
    broken: set[str] = set()
    seen: set[str] = set()
    chain = None
    seq = 0
    prev = GENESIS
    last_time = None
    day = None
    day_link = None

    def fail(name, number, reason):
        if name not in broken:
            broken.add(name)
            report.breaks.append(Break(name, number, reason))

    def close(name, last_seq, last_hash):
        if name is None:
            return
        if collect_days and day_link is not None:
            report.day_heads.append(day_link)
        stored = heads.get(name)
        if stored is not None and name not in broken and stored[0] != last_seq:
            fail(
                name,
                last_seq,
                f"the chain ends at #{last_seq} but its head says #{stored[0]}: "
                "entries after it were removed",
            )
        elif stored is not None and name not in broken and stored[1] != last_hash:
            fail(name, last_seq, "the last entry's hash differs from the chain head")
        for number in sorted(wanted.get(name, {})):
            if number > last_seq:
                item = wanted[name][number]
                fail(
                    name,
                    number,
                    f"entry #{number} (head of {item.get('day', '?')}, exported) is missing: "
                    "the chain was truncated",
                )
                break

    for name, number, link_prev, digest, data, moment in rows:
        if name != chain:
            close(chain, seq, prev)
            chain, seq, prev, last_time, day, day_link = name, 0, GENESIS, None, None, None
            seen.add(name)
            report.chains += 1
        report.links += 1
        if name in broken:
            continue
        if number != seq + 1:
            fail(
                name,
                number,
                f"the sequence jumps from #{seq} to #{number}: entries removed or inserted",
            )
        elif link_prev != prev:
            fail(name, number, "does not link to the entry before it (reordered or inserted)")
        elif data is None:
            fail(name, number, "the entry is missing (deleted)")
        elif link_hash(name, number, link_prev, data) != digest:
            fail(name, number, "the content differs from its hash (edited)")
        elif moment is not None and last_time is not None and moment < last_time:
            fail(name, number, "recorded earlier than the entry before it (back-dated)")
        else:
            item = wanted.get(name, {}).get(number)
            if item is not None and item["hash"] != digest:
                fail(name, number, f"differs from the head exported for {item.get('day', '?')}")
        seq, prev = number, digest
        if moment is not None:
            last_time = moment
            if collect_days:
                local = timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
                if day is not None and local != day and day_link is not None:
                    report.day_heads.append(day_link)
                day = local
                day_link = {"chain": name, "day": local.isoformat(), "seq": number, "hash": digest}
    close(chain, seq, prev)
    for name, (head_seq, _digest) in sorted(heads.items()):
        if name not in seen and head_seq > 0:
            fail(name, 0, f"no entry is left but the chain head says #{head_seq}")
    for name, items in sorted(wanted.items()):
        if name not in seen and name not in broken:
            fail(name, min(items), "no entry is left of a chain whose heads were exported")
    return report


def verify_audit(exported: Iterable[dict] = (), *, collect_days: bool = False) -> Report:
    """Verify every chain of the audit log, and that no entry sits outside a chain."""
    exported = [item for item in exported if item["chain"].startswith(AUDIT_PREFIX)]
    report = verify(audit_rows(), heads(AUDIT_PREFIX), exported, collect_days=collect_days)
    for entry_id in audit_unlinked()[:1]:
        report.breaks.append(
            Break("audit", None, f"entry id {entry_id} is in no chain (written around the log)")
        )
    return report
