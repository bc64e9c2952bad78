"""Writes other than the register's (see register.py): the leaders who read a court's
register, discipline records, supervision checks and findings, warning education."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.audit import audit_record
from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Perm, Role
from tongxin.core.scoping import scope_for
from tongxin.core.services import model_save
from tongxin.discipline.models import (
    Attendance,
    DisciplineRecord,
    EducationSession,
    Finding,
    RegisterReader,
    SupervisionCheck,
)
from tongxin.lib.dates import add_months
from tongxin.lib.richtext import has_active_content


def _no_script(values: dict, fields) -> None:
    problems = {
        name: [_("Scripts and active content are not allowed here.")]
        for name in fields
        if has_active_content(str(values.get(name) or ""))
    }
    if problems:
        raise ApplicationError(_("Scripts and active content are not allowed."), extra=problems)


def _not_future(values: dict, field: str) -> None:
    day = values.get(field)
    if day is not None and day > timezone.localdate():
        raise ApplicationError(
            _("The date cannot lie in the future."),
            extra={field: [_("The date cannot lie in the future.")]},
        )


def court_in_scope(*, actor, code: str, perm: str, field: str = "court_code"):
    from tongxin.orgs.models import Court

    court = scope_for(actor).visible(Court, perm).filter(code=(code or "").strip()).first()
    if court is None:
        raise ApplicationError(
            _("No court with this code within your reach."),
            extra={field: [_("No court with this code within your reach.")]},
        )
    return court


def reader_add(*, actor, court_code: str, username: str) -> RegisterReader:
    from django.contrib.auth import get_user_model

    from tongxin.accounts.models import RoleGrant
    from tongxin.orgs.models import Court

    court = (
        scope_for(actor)
        .visible(Court, Perm.REGISTER_MANAGE)
        .filter(code=court_code.strip())
        .first()
    )
    if court is None:
        raise ApplicationError(
            _("No court with this code within your reach."),
            extra={"court_code": [_("No court with this code within your reach.")]},
        )
    user = get_user_model().objects.filter(username=username.strip(), is_active=True).first()
    leads = user is not None and any(
        court.path.startswith(path)
        for path in RoleGrant.objects.filter(user=user, role=Role.COURT_LEADER).values_list(
            "court__path", flat=True
        )
    )
    if not leads:
        raise ApplicationError(
            _("This user is no court leader of this court."),
            extra={"username": [_("This user is no court leader of this court.")]},
        )
    if RegisterReader.objects.filter(court=court, user=user).exists():
        raise ApplicationError(_("This leader already reads the register of this court."))
    return model_save(
        actor=actor,
        instance=RegisterReader(court=court, user=user),
        changes={},
        action="discipline.reader",
    )


def reader_remove(*, actor, reader: RegisterReader) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="discipline.reader.ended",
            obj=reader,
            before={"court_id": reader.court_id, "user_id": reader.user_id},
            after=None,
            court=reader.court,
        )
        RegisterReader.objects.filter(pk=reader.pk).delete()


def record_create(*, actor, values: dict) -> DisciplineRecord:
    from tongxin.people.models import Person

    _no_script(values, ["reason"])
    _not_future(values, "decided_on")
    court = court_in_scope(actor=actor, code=values["court_code"], perm=Perm.DISCIPLINE_CHANGE)
    person = Person.objects.filter(court=court, staff_number=values["staff_number"].strip()).first()
    if person is None:
        raise ApplicationError(
            _("No staff member with this number in this court."),
            extra={"staff_number": [_("No staff member with this number in this court.")]},
        )
    months = values.get("period_months") or 0
    return model_save(
        actor=actor,
        instance=DisciplineRecord(person=person, court=court),
        changes={
            "sanction": values["sanction"],
            "decided_on": values["decided_on"],
            "period_months": months,
            "ends_on": add_months(values["decided_on"], months) if months else None,
            "reason": values["reason"],
        },
        action="discipline.record",
    )


def check_create(*, actor, values: dict) -> SupervisionCheck:
    _no_script(values, ["subject", "notes"])
    _not_future(values, "checked_on")
    court = court_in_scope(actor=actor, code=values["court_code"], perm=Perm.DISCIPLINE_CHANGE)
    return model_save(
        actor=actor,
        instance=SupervisionCheck(court=court),
        changes={name: values[name] for name in ("area", "checked_on", "subject", "notes")},
        action="discipline.check",
    )


def finding_add(*, actor, check: SupervisionCheck, values: dict) -> Finding:
    _no_script(values, ["description", "responsible"])
    return model_save(
        actor=actor,
        instance=Finding(supervision=check),
        changes={name: values[name] for name in ("description", "responsible", "rectify_by")},
        action="discipline.finding",
    )


def session_create(*, actor, values: dict) -> EducationSession:
    _no_script(values, ["title", "material"])
    _not_future(values, "held_on")
    court = court_in_scope(actor=actor, code=values["court_code"], perm=Perm.DISCIPLINE_CHANGE)
    return model_save(
        actor=actor,
        instance=EducationSession(court=court),
        changes={name: values[name] for name in ("held_on", "title", "material")},
        action="discipline.session",
    )


def _numbers(text: str) -> list[str]:
    return [item for item in re.split(r"[\s,，、;；]+", text or "") if item]


def attendance_record(*, actor, session: EducationSession, present: str, absent: str) -> int:
    """Mark the staff of the session's court present or absent, by staff number; unknown
    numbers are refused, all at once, and nothing is written."""
    from tongxin.people.models import Person

    wanted = {number: True for number in _numbers(present)}
    wanted.update({number: False for number in _numbers(absent)})
    if not wanted:
        raise ApplicationError(_("Give at least one staff number."))
    people = dict(
        Person.objects.filter(court_id=session.court_id, staff_number__in=list(wanted)).values_list(
            "staff_number", "pk"
        )
    )
    unknown = sorted(set(wanted) - set(people))
    if unknown:
        raise ApplicationError(
            _("Not on the staff of this court: %(numbers)s") % {"numbers": ", ".join(unknown[:20])}
        )
    with transaction.atomic():
        for number, present_flag in wanted.items():
            row, created = Attendance.objects.update_or_create(
                session=session, person_id=people[number], defaults={"present": present_flag}
            )
        audit_record(
            actor=actor,
            action="discipline.session.changed",
            obj=session,
            before=None,
            after={"attendance": {number: flag for number, flag in sorted(wanted.items())}},
        )
    return len(wanted)
