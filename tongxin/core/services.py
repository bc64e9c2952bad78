"""Shared write path: validate, save, audit, in one transaction."""

import contextlib
import contextvars
from collections.abc import Callable, Iterator

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext as _

from tongxin.core.audit import audit_record, snapshot
from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditEntry

_recorded: contextvars.ContextVar[list | None] = contextvars.ContextVar("recorded", default=None)


def _note_entry(sender, instance, created, **kwargs):
    entries = _recorded.get()
    if created and entries is not None:
        entries.append(instance.pk)


post_save.connect(_note_entry, sender=AuditEntry, dispatch_uid="tongxin.core.services.recorded")


@contextlib.contextmanager
def changes_recorded() -> Iterator[list]:
    """The ids of the audit entries written inside the block. Every change is audited and an
    unchanged save writes no entry (`audit_record`), so an empty list means nothing changed."""
    entries: list = []
    token = _recorded.set(entries)
    try:
        yield entries
    finally:
        _recorded.reset(token)


def validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{k}: {' '.join(v)}" if k != "__all__" else " ".join(v)
            for k, v in error.message_dict.items()
        )
    return " ".join(error.messages)


def model_save(
    *,
    actor,
    instance: models.Model,
    changes: dict,
    action: str,
    m2m: dict | None = None,
    save: Callable[[models.Model], None] | None = None,
) -> models.Model:
    """Apply `changes` to `instance`, validate, save and audit; returns the instance.

    `action` is the dotted audit code without its verb (e.g. "orgs.court"): ".created" or
    ".changed" is added. `save` replaces the plain save (tree nodes keep their paths).
    """
    created = instance.pk is None
    try:
        with transaction.atomic():
            before = None
            if not created:
                # Read "before" inside the transaction with the row locked: a concurrent save
                # waits, so the audit entry's before is what this change really replaced.
                stored = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
                before = snapshot(stored)
            for name, value in changes.items():
                setattr(instance, name, value)
            instance.full_clean(exclude=[f for f in ("path", "depth") if hasattr(instance, f)])
            (save or (lambda obj: obj.save()))(instance)
            for name, values in (m2m or {}).items():
                getattr(instance, name).set(values)
            audit_record(
                actor=actor,
                action=f"{action}.{'created' if created else 'changed'}",
                obj=instance,
                before=before,
                after=snapshot(instance),
            )
    except ValidationError as error:
        if created:
            instance.pk = None
        raise ApplicationError(
            validation_message(error), extra=getattr(error, "message_dict", {})
        ) from error
    except IntegrityError as error:
        if created:
            instance.pk = None
        raise ApplicationError(
            _("This record conflicts with an existing one."), extra={"detail": str(error)}
        ) from error
    return instance
