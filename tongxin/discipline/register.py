"""Writing the interference register: record, correct, refuse (and audit) every change.

Every write goes through here: the page, the API and the demo's single entries alike. An
entry is checked (`rules.entry_problems`, every problem at once), then numbered, timed,
linked and inserted under its court's chain lock (`chain.chain_append`), audited and, when
it affects a case, reported at once to the court's discipline office (the inbox).

Register entries are audited out of the audit log's reach: their audit entries carry the
court path prefixed with `discipline:`, which no grant's path prefixes, so administrators
reading the audit log learn nothing of who recorded what (recorders are protected); the
entries stay in the audit chain (`verify_register` checks them).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditEntry
from tongxin.core.permissions import Role
from tongxin.discipline.chain import chain_append
from tongxin.discipline.models import Kind, RegisterEntry
from tongxin.discipline.rules import entry_problems, normalise_case_number

HIDDEN = "discipline:"


class Permanent(ApplicationError):
    """An attempt to edit or delete a register entry (HTTP 405 through the API)."""

    status_code = 405


FIELDS = (
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
)


def register_audit(*, actor, action: str, entry: RegisterEntry | None, court, after: dict):
    """An audit entry of the register (hidden from the audit log's readers, see above)."""
    from tongxin.core.audit import remote_addr

    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type="discipline.registerentry",
        object_id=str(entry.pk) if entry is not None else "",
        object_repr=f"{court.code or court.pk}-{entry.seq}" if entry is not None else "",
        court=None,
        court_path=HIDDEN + (court.path if court is not None else ""),
        before=None,
        after=after,
        remote_addr=remote_addr.get(),
    )


def recorder_court(actor):
    """The court of the recorder's staff record (where their entries belong)."""
    from tongxin.people.models import Person

    person = (
        Person.objects.filter(user_id=getattr(actor, "pk", None), is_active=True)
        .select_related("court")
        .first()
    )
    if person is None:
        raise ApplicationError(
            _("Your account is not linked to a staff record, so there is no court to record in.")
        )
    return person.court


def entry_record(*, actor, values: dict, correction_of: RegisterEntry | None = None):
    """Record an inquiry (or, with `correction_of`, a correction of one): all or nothing."""
    values = {name: values.get(name) for name in FIELDS}
    values["case_number"] = normalise_case_number(values.get("case_number") or "")
    for name in ("person_unit", "person_post", "relation", "done"):
        values[name] = (values.get(name) or "").strip()
    values["affects_case"] = bool(values.get("affects_case"))
    if values.get("channel") is None:
        values["channel"] = ""
    problems = entry_problems(values, today=timezone.localdate())
    from tongxin.discipline.models import Channel

    if values["channel"] not in Channel.values:
        problems.setdefault("channel", []).append(_("Say how the inquiry came."))
    if problems:
        raise ApplicationError(_("The entry was not recorded: see the problems."), extra=problems)
    court = correction_of.court if correction_of is not None else recorder_court(actor)
    entry = RegisterEntry(
        court=court,
        court_path=court.path,
        correction_of=correction_of,
        recorder=actor,
        recorder_name=actor.username,
        **values,
    )
    with transaction.atomic():
        chain_append(entry)
        register_audit(
            actor=actor,
            action="discipline.register.corrected"
            if correction_of
            else "discipline.register.created",
            entry=entry,
            court=court,
            after={"seq": entry.seq, "hash": entry.hash},
        )
        if entry.affects_case:
            immediate_report(entry)
    return entry


def entry_correct(*, actor, entry: RegisterEntry, values: dict) -> RegisterEntry:
    """A correction: a new entry of the same court naming the one it corrects."""
    if entry.recorder_id != getattr(actor, "pk", None):
        raise ApplicationError(_("Only the recorder corrects an entry."))
    return entry_record(actor=actor, values=values, correction_of=entry)


def change_refused(*, actor, entry: RegisterEntry | None, how: str, court=None):
    """Audit an attempt to edit or delete an entry, and refuse it."""
    with transaction.atomic():
        register_audit(
            actor=actor,
            action="discipline.register.change_refused",
            entry=entry,
            court=entry.court if entry is not None else court,
            after={"attempt": how},
        )
    raise Permanent(
        _("Register entries are permanent: they cannot be edited or deleted. Add a correction.")
    )


def office_users(court) -> list:
    """The users of the discipline office whose grant reaches `court`."""
    from tongxin.accounts.models import RoleGrant

    prefixes = [court.path[: end + 1] for end in range(len(court.path)) if court.path[end] == "."]
    return list(
        RoleGrant.objects.filter(role=Role.DISCIPLINE, court__path__in=prefixes)
        .select_related("user")
        .values_list("user_id", flat=True)
        .distinct()
    )


def immediate_report(entry: RegisterEntry) -> int:
    """Notify the discipline office at once of an inquiry that affects a case. Uses the
    inbox (tongxin.inbox.services.notify); one notice per entry and user."""
    from django.contrib.auth import get_user_model

    from tongxin.inbox.services import notify

    users = get_user_model().objects.filter(pk__in=office_users(entry.court), is_active=True)
    count = 0
    for user in users:  # inside the entry's transaction: both written, or neither
        notify(
            user=user,
            event_key=f"discipline.immediate:{entry.court_id}:{entry.seq}",
            subject=format_lazy(
                gettext_lazy("Immediate report: an inquiry affects case {}"), entry.case_number
            ),
            body=Kind(entry.kind).label,
            url=f"/discipline/register/{entry.pk}/",
            kind="discipline",
        )
        count += 1
    return count
