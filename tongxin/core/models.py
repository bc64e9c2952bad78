from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scoped


@scoped(court="court_path", view=Perm.AUDIT_VIEW)
class AuditEntry(models.Model):
    """One change made through a service: who, when, which object, before and after.

    Append-only: the model refuses updates and deletes, and a database trigger (migration
    0003_audit_append_only) refuses UPDATE statements. Each entry is also a link of its
    court's hash chain (`AuditLink`, core/chain.py): a raw DELETE, INSERT or an UPDATE with
    the trigger disabled is found by `manage.py verify_register`.
    The court path is copied at write time so "this court and everything below" is one
    indexed prefix query without a join.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=255)
    # The court model is named by a setting (like AUTH_USER_MODEL): core imports no domain app.
    court = models.ForeignKey(
        settings.TONGXIN_COURT_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    court_path = models.CharField(max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(
                fields=["court_path"], name="audit_court_path", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ApplicationError(_("The audit log cannot be changed."))
        from django.db import transaction

        from tongxin.core.chain import audit_begin, audit_link

        # The entry and its link in its court's hash chain (core/chain.py), or neither.
        with transaction.atomic():
            head = audit_begin(self)
            super().save(*args, **kwargs)
            audit_link(self, head)

    def delete(self, *args, **kwargs):
        raise ApplicationError(_("The audit log cannot be changed."))

    VERBS = {
        "created": _("created"),
        "changed": _("changed"),
        "ended": _("ended"),
        "revoked": _("revoked"),
        "committed": _("committed"),
        "linked": _("linked to an account"),
        "password_set": _("password changed"),
        "password_reset": _("password reset"),
        "unlocked": _("unlocked"),
    }
    # Snapshot keys that are no field of the object's model.
    LABELS = {
        "username": _("user name"),
        "must_change_password": _("must change the password"),
        "api_tokens_revoked": _("API tokens revoked"),
        "locked_until": _("locked until"),
        "reason": _("reason"),
    }

    def _model(self):
        return _model_of(self.object_type)

    @property
    def action_label(self) -> str:
        """“Court changed”: the object's kind in the reader's language and what happened."""
        model = self._model()
        kind = model._meta.verbose_name if model else self.object_type
        verb = self.action.rsplit(".", 1)[-1]
        return f"{kind} · {self.VERBS.get(verb, verb)}"

    def _field(self, model, name: str):
        """The model field a snapshot key names (a field's name or attname), or None."""
        from django.core.exceptions import FieldDoesNotExist

        if model is None:
            return None
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    @classmethod
    def prepare(cls, entries) -> None:
        """Look up the names of the objects the entries' values refer to (foreign keys, and
        many-to-many lists) for entries shown together: one query per referenced model,
        whatever the number of entries (a page, or a chunk of an export)."""
        entries = list(entries)
        wanted: dict[type, set[int]] = {}
        for entry in entries:
            model = entry._model()
            for name, value in (*(entry.before or {}).items(), *(entry.after or {}).items()):
                field = entry._field(model, name)
                if field is None or not field.is_relation or field.related_model is None:
                    continue
                for pk in value if isinstance(value, list) else [value]:
                    if isinstance(pk, int) and not isinstance(pk, bool):
                        wanted.setdefault(field.related_model, set()).add(pk)
        names: dict[tuple[type, int], str] = {}
        for target, pks in wanted.items():
            for obj in target._default_manager.filter(pk__in=pks):
                names[(target, obj.pk)] = str(obj)
        for entry in entries:
            entry._names = names

    def display(self, name: str, value):
        """A recorded value as the reader reads it: a choice by its label, yes or no, a
        referenced object by its name, a time in the court's time zone (None stays None)."""
        import datetime

        from django.utils import timezone

        if value is None:
            return None
        field = self._field(self._model(), name)
        if field is not None and field.is_relation and field.related_model is not None:
            if not hasattr(self, "_names"):
                type(self).prepare([self])
            values = value if isinstance(value, list) else [value]
            shown = [self._names.get((field.related_model, pk), f"#{pk}") for pk in values]
            return "、".join(shown) if isinstance(value, list) else shown[0]
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, str) and len(value) > 16 and value[10:11] == "T":
            try:
                moment = datetime.datetime.fromisoformat(value)
            except ValueError:
                return value
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, list):
            return "、".join(str(item) for item in value)
        return value

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for every field whose value differs, in the reader's
        language and terms (`display`)."""
        model = self._model()
        before, after = self.before or {}, self.after or {}

        def label(name: str) -> str:
            field = self._field(model, name)
            if field is not None:
                return str(field.verbose_name)
            return str(self.LABELS.get(name, name))

        return [
            (label(name), self.display(name, before.get(name)), self.display(name, after.get(name)))
            for name in sorted(set(before) | set(after))
            if before.get(name) != after.get(name)
        ]


class ExportJob(models.Model):
    """A large export prepared by the background worker for one user (see core/exports.py).

    The job names its list (`ListDefinition.name`) and the filters as they were read from the
    list page; the worker runs the list's selector again as the user. States: QUEUED →
    RUNNING → DONE (`file` names the complete file under EXPORT_ROOT) or FAILED (`failure`
    says why; no file). Progress while RUNNING lives in the cache. Only the owner sees a job.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel workbook (.xlsx)")
        CSV = "csv", _("CSV (UTF-8)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    list_name = models.CharField(_("list"), max_length=80)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    language = models.CharField(max_length=10, blank=True, default="")  # of the headers
    file_name = models.CharField(_("file name"), max_length=120)  # as downloaded
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # Rows expected when queued; rows written once done.
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # The stored file under EXPORT_ROOT, set only once the file is complete and in place.
    file = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    failure = models.TextField(_("reason"), blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["user", "-created_at"], name="export_by_user")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def filters_shown(self) -> str:
        """The filters that were set, for the reader ("court=苏01, status=full")."""
        return ", ".join(f"{key}={value}" for key, value in self.params.items() if value)

    @property
    def status_colour(self) -> str:
        return {
            self.Status.QUEUED: "secondary",
            self.Status.RUNNING: "info",
            self.Status.DONE: "success",
            self.Status.FAILED: "danger",
        }[self.status]


def _model_of(object_type: str):
    from django.apps import apps

    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def field_changes(model, before: dict | None, after: dict | None) -> list:
    """(field label, before, after) for every field whose value differs between two snapshots
    (`model`: the model whose verbose names label the fields, or None)."""
    from django.core.exceptions import FieldDoesNotExist

    before, after = before or {}, after or {}

    def label(name: str) -> str:
        try:
            return str(model._meta.get_field(name).verbose_name) if model else name
        except FieldDoesNotExist:
            return name

    return [
        (label(name), before.get(name), after.get(name))
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    ]


@scoped(court="court_path", view=Perm.AUDIT_VIEW)
class AuditChange(models.Model):
    """One record changed by a bulk write, under the one AuditEntry of that write (an import
    batch: `transfer.batch.committed`): who and when are the entry's, what is here.

    A bulk write of 100,000 rows writes one entry and, with `bulk_create`, one row here per
    record created, changed or ended (not one per field: a created person would take 17),
    with the changed fields' values before and after, as a service's entry would. Scoped by
    the record's own court path, like AuditEntry, so a court sees the changes to its records
    even when the entry (scoped by the uploader's reach) lies above it. Append-only in the
    same two ways: the model refuses save-after-create and delete, and a database trigger
    (migration 0005_audit_change) refuses UPDATE.
    """

    entry = models.ForeignKey(
        AuditEntry, on_delete=models.PROTECT, related_name="object_changes", verbose_name=_("entry")
    )
    action = models.CharField(_("action"), max_length=80)  # e.g. people.person.created
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=255)
    court_path = models.CharField(max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("audited change")
        verbose_name_plural = _("audited changes")
        indexes = [
            models.Index(
                fields=["court_path"],
                name="audit_change_court_path",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["object_type", "object_id"], name="audit_change_object"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ApplicationError(_("The audit log cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ApplicationError(_("The audit log cannot be changed."))

    @property
    def action_label(self) -> str:
        model = _model_of(self.object_type)
        kind = model._meta.verbose_name if model else self.object_type
        verb = self.action.rsplit(".", 1)[-1]
        return f"{kind} · {AuditEntry.VERBS.get(verb, verb)}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        return field_changes(_model_of(self.object_type), self.before, self.after)


class ChainHead(models.Model):
    """The head of one hash chain (`core.chain`): its last sequence number and hash.

    The one mutable row of a chain: a writer locks it (`select_for_update`; SQLite's write
    transaction), links its entry to `hash` and moves it on. Verification compares it with
    the chain's last link, so a raw DELETE of the tail that leaves the head behind is found.
    Not scoped to any reader: no page lists it (verification and exports read it).
    """

    name = models.CharField(max_length=300, unique=True)  # "audit:<court path>", "register:<id>"
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.name} #{self.seq}"


class AuditLink(models.Model):
    """The link of one audit entry in its court's chain: the SHA-256 of (chain, sequence
    number, previous hash, canonical entry). Written with the entry (`AuditEntry.save`);
    append-only like the log (a trigger refuses UPDATE). The entry id is a plain number, not
    a foreign key, so a deleted entry leaves its link behind for `verify` to name."""

    entry_id = models.BigIntegerField(unique=True)
    chain = models.CharField(max_length=300)
    seq = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_link_chain_seq")
        ]

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}"
