"""Register entries through the service (the only way they are written), and the tools the
tampering tests use to get around the triggers as an attacker with database access would."""

import datetime

from django.db import connection
from django.utils import timezone

from tongxin.discipline.register import entry_record


def values(**changes) -> dict:
    data = {
        "kind": "leading_cadre",
        "person_name": "王某",
        "person_unit": "某区政府",
        "person_post": "副区长",
        "relation": "当事人的亲戚",
        "channel": "phone",
        "occurred_on": timezone.localdate() - datetime.timedelta(days=1),
        "case_number": "(2026)苏0102民初123号",
        "asked": "询问案件进展",
        "done": "告知不得过问，已记录",
        "affects_case": False,
    }
    data.update(changes)
    return data


def record(user, **changes):
    return entry_record(actor=user, values=values(**changes))


TABLES = {
    "register": (
        "discipline_registerentry",
        ["discipline_register_no_update", "discipline_register_no_delete"],
        "discipline_register_no_change",
    ),
    "audit": ("core_auditentry", ["core_auditentry_no_update"], "core_auditentry_no_update"),
    "link": ("core_auditlink", ["core_auditlink_no_update"], "core_auditlink_no_update"),
}


def raw(sql: str, params=(), *, bypass: str | None = None) -> None:
    """Run SQL as an attacker would: with the table's triggers disabled (PostgreSQL) or
    dropped and re-created (SQLite)."""
    with connection.cursor() as cursor:
        if bypass is None:
            cursor.execute(sql, params)
            return
        table, sqlite_triggers, pg_trigger = TABLES[bypass]
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {pg_trigger}")
            cursor.execute(sql, params)
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {pg_trigger}")
            return
        saved = []
        for name in sqlite_triggers:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
            saved.append(cursor.fetchone()[0])
            cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute(sql, params)
        for statement in saved:
            cursor.execute(statement)


def export_samples(world) -> dict:
    """A row for each discipline list (tests/core/test_exports.py), and who reads it: the
    register is read by the discipline office, not by the administrator the test uses."""
    from tongxin.discipline.models import (
        Attendance,
        DisciplineRecord,
        EducationSession,
        Finding,
        SupervisionCheck,
    )
    from tongxin.discipline.register import entry_correct

    entry = record(world.users["member"], affects_case=True)
    entry_correct(actor=world.users["member"], entry=entry, values=values(done="已报告"))
    DisciplineRecord.objects.create(
        person=world.members[3],
        court=world.basic,
        sanction="warning",
        decided_on=datetime.date(2025, 1, 5),
        period_months=6,
        ends_on=datetime.date(2025, 7, 5),
        reason="违反规定",
    )
    check = SupervisionCheck.objects.create(
        court=world.basic, area="gifts", checked_on=datetime.date(2026, 1, 5), subject="节日检查"
    )
    Finding.objects.create(supervision=check, description="收受礼品")
    session = EducationSession.objects.create(
        court=world.basic, held_on=datetime.date(2026, 1, 6), title="警示教育"
    )
    Attendance.objects.create(session=session, person=world.members[2], present=False)
    return {"discipline.entries": world.users["discipline"]}


def sample_list_rows(world) -> dict:
    """The hook tests/core/test_exports.py calls for every app (see there)."""
    return export_samples(world)
