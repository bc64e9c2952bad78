"""Write audit entries from services. Every service that changes data calls `audit_record`;
a bulk write (an import) records its many changes under one entry with `BulkAudit`."""

import contextvars
import datetime
import decimal
import json

from django.db import connection, models

from tongxin.core.models import AuditChange, AuditEntry
from tongxin.core.scoping import reach_of

remote_addr: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "remote_addr", default=None
)


def plain(value):
    """A value as an audit snapshot keeps it (JSON-ready)."""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model) -> dict:
    """The concrete field values of a model instance, JSON-ready (foreign keys as ids)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in ("path", "depth"):
            continue
        data[field.attname] = plain(getattr(obj, field.attname))
    for field in obj._meta.many_to_many:
        if obj.pk is not None:
            data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return data


def court_of(obj):
    """The court a record belongs to, found through its scope declaration's court lookups
    (``"path"``: the record is a court; ``"organisation__court__path"``: its organisation's)."""
    try:
        lookups = reach_of(obj._meta.model).court
    except LookupError:
        return None
    for lookup in lookups:
        node = obj
        for part in lookup.split("__")[:-1]:
            node = getattr(node, part, None)
            if node is None:
                break
        if node is not None:
            return node
    return None


def audit_record(
    *, actor, action: str, obj: models.Model, before: dict | None, after: dict | None, court=None
) -> AuditEntry | None:
    """Record one change; unchanged snapshots (re-imports, no-op saves) write nothing."""
    if before is not None and after is not None and before == after:
        return None
    court = court or court_of(obj)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        court=court,
        court_path=court.path if court else "",
        before=before,
        after=after,
        remote_addr=remote_addr.get(),
    )


def common_path(paths) -> str:
    """The longest materialised path every one of `paths` starts with ("" if none)."""
    paths = [path for path in paths if path]
    if not paths:
        return ""
    first, last = min(paths), max(paths)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[: first.rfind(".", 0, size + 1) + 1] if size < len(first) else first


class BulkAudit:
    """The audit of a bulk write: one AuditEntry (who, when, from where, what write) and one
    AuditChange per record created, changed or ended, written with `bulk_create` every
    `flush_every` changes (call `flush()` at the end).

    The entry is written with the first change, so a write that changes nothing records
    nothing (as `audit_record` skips unchanged snapshots). `court_path` scopes the entry
    (the reach of the write, e.g. the uploader's); each change carries its own record's court
    path, so a court sees the changes to its records. Use it inside the write's transaction:
    the entry and its changes are committed, or rolled back, with the rows they describe.
    """

    def __init__(
        self,
        *,
        actor,
        action: str,
        obj: models.Model,
        court_path: str = "",
        after: dict | None = None,
        flush_every: int = 5_000,
    ):
        self.actor = actor
        self.action = action
        self.obj = obj
        self.court_path = court_path
        self.after = after
        self.flush_every = flush_every
        self.entry: AuditEntry | None = None
        self.count = 0
        self._pending: list[AuditChange] = []

    def open(self) -> AuditEntry:
        """The entry (written now if it is not yet): a write recorded without changes."""
        if self.entry is None:
            actor = self.actor
            self.entry = AuditEntry.objects.create(
                actor=actor if getattr(actor, "pk", None) else None,
                actor_name=getattr(actor, "username", "") or "system",
                action=self.action,
                object_type=self.obj._meta.label_lower,
                object_id=str(self.obj.pk),
                object_repr=str(self.obj)[:255],
                court=None,
                court_path=self.court_path,
                before=None,
                after=self.after,
                remote_addr=remote_addr.get(),
            )
        return self.entry

    def add(
        self,
        *,
        action: str,
        obj: models.Model,
        court_path: str,
        before: dict | None,
        after: dict | None,
        object_repr: str | None = None,
    ) -> None:
        """Record one record's change (`before`/`after`: the changed fields, or the whole
        snapshot of a record created (before None) or removed (after None)); values are
        made JSON-ready as snapshots make them."""
        if before is not None and after is not None and before == after:
            return
        entry = self.open()
        self._pending.append(
            AuditChange(
                entry=entry,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=(str(obj) if object_repr is None else object_repr)[:255],
                court_path=court_path or "",
                before=_plain_dict(before),
                after=_plain_dict(after),
            )
        )
        self.count += 1
        if len(self._pending) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            if connection.vendor == "postgresql":
                _copy(self._pending)
            else:
                AuditChange.objects.bulk_create(self._pending, batch_size=1_000)
            self._pending = []


_COPIED = ("entry", "action", "object_type", "object_id", "object_repr", "court_path")


def _copy(changes: list) -> None:
    """PostgreSQL: the changes by COPY (a multi-row INSERT of JSON values costs about ten
    times more: each value goes through the driver's array adaptation)."""
    quote = connection.ops.quote_name
    fields = [AuditChange._meta.get_field(name) for name in _COPIED]
    columns = ", ".join(quote(f.column) for f in fields) + ", " + quote("before") + ", "
    columns += quote("after")
    statement = f"COPY {quote(AuditChange._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for change in changes:
            copy.write_row(
                [getattr(change, f.attname) for f in fields]
                + [_json(change.before), _json(change.after)]
            )


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _plain_dict(values: dict | None) -> dict | None:
    return None if values is None else {name: plain(value) for name, value in values.items()}
