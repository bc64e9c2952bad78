"""Write audit entries from services. Every service that changes data calls `audit_record`."""

import contextvars
import datetime
import decimal

from django.db import models

from tongxin.core.models import AuditEntry
from tongxin.core.scoping import reach_of

remote_addr: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "remote_addr", default=None
)


def _plain(value):
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
        data[field.attname] = _plain(getattr(obj, field.attname))
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
