"""Management commands for a real installation and the demo."""

import pytest
from django.core.management import CommandError, call_command

from tongxin.accounts.models import RoleGrant
from tongxin.core.models import AuditEntry
from tongxin.orgs.models import Court


def test_load_courts_builds_a_province_tree_once(db):
    call_command("load_courts", province="宁")
    high = Court.objects.get(code="宁")
    count = Court.objects.count()
    assert Court.objects.get(code="最高法").level == "spc"
    assert all(c.path.startswith(high.path) for c in Court.objects.exclude(code="最高法"))
    assert Court.objects.filter(code="宁01", level="intermediate").exists()
    call_command("load_courts", province="宁")
    assert Court.objects.count() == count
    assert AuditEntry.objects.filter(action="orgs.court.created").count() == count


def test_load_courts_refuses_an_unknown_province(db):
    with pytest.raises(CommandError):
        call_command("load_courts", province="X")


def test_grant_role_creates_the_first_administrator(db):
    call_command("load_courts", province="宁")
    call_command("grant_role", "chief", "system_admin", "宁", password="a-long-password-2026")
    grant = RoleGrant.objects.get(user__username="chief")
    assert (grant.role, grant.court.code) == ("system_admin", "宁")
    with pytest.raises(CommandError):
        call_command("grant_role", "nobody", "system_admin", "宁")
    with pytest.raises(CommandError):
        call_command("grant_role", "chief", "system_admin", "XX")


def test_seed_demo_small_is_deterministic_and_prints_accounts(db, capsys):
    call_command("seed_demo", scale="small", seed=7)
    out = capsys.readouterr().out
    assert "secretary" in out and "tongxin-demo-2026" in out
    first = sorted(Court.objects.values_list("name_zh", flat=True))
    from tongxin.people.models import Person

    people = list(Person.objects.order_by("id").values_list("name", "staff_number")[:50])
    call_command("seed_demo", scale="small", if_empty=True)
    assert "already present" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("seed_demo", scale="small")
    # Same seed, fresh database: same data.
    import datetime

    from tongxin.people import demo

    batch = demo.Seeder(scale="small", seed=7, today=datetime.date.today()).build()
    assert sorted(c.name_zh for c in batch.courts) == first
    assert [(p.name, p.staff_number) for p in batch.people[:50]] == people
