"""Tampering with the register or the audit log is found by verify_register."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, transaction

from tests.discipline.factories import raw, record
from tongxin.core.chain import verify_audit
from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditEntry, AuditLink, ChainHead
from tongxin.discipline.chain import verify_register
from tongxin.discipline.heads import day_heads
from tongxin.discipline.models import RegisterEntry


@pytest.fixture
def chain(world, recorder):
    entries = [record(recorder, person_name=f"来访人{i}") for i in range(5)]
    return entries


def verify_exit(*args) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_register", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_a_sound_chain_verifies(chain):
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5]
    assert chain[1].prev_hash == chain[0].hash
    assert verify_register().ok and verify_audit().ok
    code, out = verify_exit()
    assert code == 0 and "OK" in out


def test_the_model_and_the_trigger_refuse_changes(chain):
    entry = RegisterEntry.objects.get(pk=chain[0].pk)
    with pytest.raises(ApplicationError):
        entry.save()
    with pytest.raises(ApplicationError):
        entry.delete()
    for sql in (
        "UPDATE discipline_registerentry SET asked = 'x' WHERE id = %s",
        "DELETE FROM discipline_registerentry WHERE id = %s",
    ):
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
            raw(sql, [entry.pk])
    assert RegisterEntry.objects.get(pk=entry.pk).asked == entry.asked


def _broken(report, seq):
    assert not report.ok
    assert report.breaks[0].seq == seq, report.breaks


def test_an_edit_is_found(chain):
    raw(
        "UPDATE discipline_registerentry SET asked = 'nothing' WHERE id = %s",
        [chain[2].pk],
        bypass="register",
    )
    _broken(verify_register(), 3)
    code, out = verify_exit()
    assert code == 1 and "#3" in out and "edited" in out


def test_a_delete_is_found(chain):
    raw("DELETE FROM discipline_registerentry WHERE id = %s", [chain[1].pk], bypass="register")
    _broken(verify_register(), 3)  # the sequence jumps from 1 to 3


def test_a_reorder_is_found(chain):
    a, b = chain[1], chain[2]
    raw("UPDATE discipline_registerentry SET seq = -1 WHERE id = %s", [a.pk], bypass="register")
    raw(
        "UPDATE discipline_registerentry SET seq = %s WHERE id = %s",
        [a.seq, b.pk],
        bypass="register",
    )
    raw(
        "UPDATE discipline_registerentry SET seq = %s WHERE id = %s",
        [b.seq, a.pk],
        bypass="register",
    )
    _broken(verify_register(), 2)


def test_a_truncated_tail_is_found_by_the_head_and_the_exported_heads(chain, tmp_path):
    exported = day_heads()
    raw("DELETE FROM discipline_registerentry WHERE seq >= 4", bypass="register")
    _broken(verify_register(), 3)  # the head still says #5
    # The attacker also moves the head back: only the exported heads tell.
    last = RegisterEntry.objects.get(court=chain[0].court, seq=3)
    ChainHead.objects.filter(name=f"register:{last.court_id}").update(seq=3, hash=last.hash)
    assert verify_register().ok
    _broken(verify_register(exported), 5)
    path = tmp_path / "heads.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    code, out = verify_exit("--heads", str(path))
    assert code == 1 and "truncated" in out


def test_a_forged_back_dated_insert_is_found(chain):
    from tongxin.core.chain import link_hash
    from tongxin.discipline.chain import FIELDS, chain_name, entry_data

    first = chain[0]
    # Make room after #1 and insert a forged #2 dated a year back, linked to #1.
    raw("UPDATE discipline_registerentry SET seq = seq + 100 WHERE seq > 1", bypass="register")
    raw("UPDATE discipline_registerentry SET seq = seq - 99 WHERE seq > 100", bypass="register")
    forged = {name: getattr(first, name) for name in FIELDS}
    forged["recorded_at"] = first.recorded_at - datetime.timedelta(days=365)
    forged["asked"] = "伪造"
    digest = link_hash(chain_name(first.court_id), 2, first.hash, entry_data(forged))
    columns = ["seq", "prev_hash", "hash", *FIELDS]
    row = [2, first.hash, digest, *[forged[name] for name in FIELDS]]
    raw(
        f"INSERT INTO discipline_registerentry ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})",
        row,
    )
    report = verify_register()
    assert not report.ok
    assert report.breaks[0].seq == 2  # back-dated (and #3 no longer links to it)


# The audit log ------------------------------------------------------------------------


def test_audit_entries_are_chained(chain):
    assert AuditLink.objects.count() == AuditEntry.objects.count() > 0
    assert verify_audit().ok


def test_audit_edit_delete_insert_and_truncate_are_found(chain, world):
    entries = list(AuditEntry.objects.order_by("id"))
    victim = entries[len(entries) // 2]
    raw("UPDATE core_auditentry SET object_repr = 'x' WHERE id = %s", [victim.pk], bypass="audit")
    report = verify_audit()
    assert not report.ok and "edited" in report.breaks[0].reason


def test_audit_delete_is_found(chain):
    victim = AuditEntry.objects.order_by("id")[2]
    raw("DELETE FROM core_auditentry WHERE id = %s", [victim.pk])
    report = verify_audit()
    assert not report.ok and "deleted" in report.breaks[0].reason
    code, _out = verify_exit()
    assert code == 1


def test_audit_delete_with_its_link_is_found(chain):
    link = AuditLink.objects.filter(seq=2).first()
    raw("DELETE FROM core_auditlink WHERE id = %s", [link.pk])
    raw("DELETE FROM core_auditentry WHERE id = %s", [link.entry_id])
    report = verify_audit()
    assert not report.ok and "jumps" in report.breaks[0].reason


def test_audit_raw_insert_is_found(chain, world):
    raw(
        "INSERT INTO core_auditentry (at, actor_name, action, object_type, object_id, "
        "object_repr, court_path) VALUES (%s, 'ghost', 'x.y.created', 'x.y', '1', 'x', '')",
        ["2020-01-01 00:00:00+00:00"],
    )
    report = verify_audit()
    assert not report.ok and "no chain" in report.breaks[-1].reason


def test_audit_truncated_tail_is_found_against_exported_heads(chain):
    exported = day_heads()
    link = AuditLink.objects.order_by("-id").first()
    raw("DELETE FROM core_auditlink WHERE id = %s", [link.pk])
    raw("DELETE FROM core_auditentry WHERE id = %s", [link.entry_id])
    report = verify_audit()
    assert not report.ok and "head says" in report.breaks[0].reason
    previous = AuditLink.objects.get(chain=link.chain, seq=link.seq - 1)
    ChainHead.objects.filter(name=link.chain).update(seq=previous.seq, hash=previous.hash)
    assert verify_audit().ok
    report = verify_audit(exported)
    assert not report.ok and "truncated" in report.breaks[0].reason


def test_audit_reorder_is_found(chain):
    a, b = AuditLink.objects.filter(chain__startswith="audit:discipline:").order_by("seq")[1:3]
    raw("UPDATE core_auditlink SET entry_id = -1 WHERE id = %s", [a.pk], bypass="link")
    raw("UPDATE core_auditlink SET entry_id = %s WHERE id = %s", [a.entry_id, b.pk], bypass="link")
    raw("UPDATE core_auditlink SET entry_id = %s WHERE id = %s", [b.entry_id, a.pk], bypass="link")
    assert not verify_audit().ok


def test_export_command_writes_heads_that_verify(chain, tmp_path):
    path = tmp_path / "heads.json"
    call_command("export_register_heads", "--out", str(path), stdout=__import__("io").StringIO())
    heads = json.loads(path.read_text(encoding="utf-8"))
    register = [h for h in heads if h["chain"].startswith("register:")]
    assert register == [
        {
            "chain": f"register:{chain[0].court_id}",
            "day": register[0]["day"],
            "seq": 5,
            "hash": chain[-1].hash,
        }
    ]
    assert any(h["chain"].startswith("audit:") for h in heads)
    code, out = verify_exit("--heads", str(path))
    assert code == 0, out
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(Exception, match="cannot read"):
        call_command("verify_register", "--heads", str(path))
