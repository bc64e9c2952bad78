"""Safe by default: production settings, CSP without inline scripts, offline assets, audit log."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditEntry
from tongxin.orgs import services

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**env) -> dict:
    """This process's environment without the settings under test, plus `env`."""
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest and would fail --deploy;
    # DJANGO_SETTINGS_MODULE names the suite's settings (tests/settings.py), not the product's.
    dropped = (
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DJANGO_SETTINGS_MODULE",
        "SESSION_HOURS",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    )
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    full_env.update(env)
    return full_env


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_development_secret():
    result = manage("check", DEBUG="0", ALLOWED_HOSTS="tongxin.example")
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr


def test_production_refuses_to_start_without_hosts():
    result = manage("check", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(60))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_check_deploy_reports_nothing_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="tongxin.example",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_pages_carry_a_csp_without_inline_scripts(world, client_for):
    response = client_for("party").get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_login_page_has_csp_too(db, client):
    assert "default-src 'self'" in client.get("/accounts/login/")["Content-Security-Policy"]


TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_or_handlers(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert not re.search(r"\sstyle\s*=", text), "inline style (CSP style-src 'self')"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_load_nothing_from_outside(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)


def test_every_asset_a_page_references_is_served_here(world, client_for):
    client = client_for("party")
    body = client.get("/").content.decode()
    refs = re.findall(r"""(?:src|href)="([^"]+)\"""", body)
    assets = [r for r in refs if r.startswith("/static/")]
    assert assets and all(not r.startswith(("http:", "https:", "//")) for r in refs)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_audit_entries_cannot_be_changed_through_the_model(world):
    services.department_save(
        actor=world.users["party"], department=world.dept, changes={"name_en": "Civil One"}
    )
    entry = AuditEntry.objects.latest("id")
    entry.action = "forged"
    with pytest.raises(ApplicationError):
        entry.save()
    with pytest.raises(ApplicationError):
        entry.delete()


def test_audit_entries_cannot_be_changed_in_the_database(world):
    services.department_save(
        actor=world.users["party"], department=world.dept, changes={"name_en": "Civil One"}
    )
    entry = AuditEntry.objects.latest("id")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "orgs.department.changed"


def test_audit_log_is_scoped_and_read_only(world, client_for):
    services.department_save(
        actor=world.users["party"], department=world.dept, changes={"name_en": "Civil One"}
    )
    assert client_for("party").get("/accounts/audit/").context["page"].paginator.count == 1
    assert client_for("outsider").get("/accounts/audit/").context["page"].paginator.count == 0
    assert client_for("party").post("/accounts/audit/").status_code in (200, 405)
    assert AuditEntry.objects.count() == 1


def test_audit_entry_records_before_after_and_address(world, client_for):
    client_for("party").post(
        f"/courts/departments/{world.dept.pk}/edit/",
        {"name_zh": "民一庭", "name_en": "Civil One", "kind": "judicial"},
        REMOTE_ADDR="10.1.2.3",
    )
    entry = AuditEntry.objects.get(action="orgs.department.changed")
    assert entry.before["name_zh"] == "民事审判第一庭" and entry.after["name_zh"] == "民一庭"
    assert entry.remote_addr == "10.1.2.3" and entry.court_path == world.basic.path


NUL_PATHS = [
    "/courts/?q=%00",
    "/courts/organisations/?q=a%00b&court=%00",
    "/people/?q=%00&court=%00",
    "/courts/health/?court=%00&rule=%00",
    "/accounts/audit/?q=%00&action=%00",
    "/people/new/?court=%00",
]


@pytest.mark.parametrize("path", NUL_PATHS)
def test_nul_characters_in_filters_never_fail(world, client_for, path):
    assert client_for("admin").get(path).status_code in (200, 404)


def test_nul_characters_in_the_sign_in_form_are_refused_cleanly(world, client):
    response = client.post("/accounts/login/", {"username": "party\x00", "password": "x"})
    assert response.status_code == 200


def test_audit_log_shows_changed_fields_and_a_readable_action(world, client_for):
    services.department_save(
        actor=world.users["party"], department=world.dept, changes={"name_en": "Civil One"}
    )
    entry = AuditEntry.objects.get(action="orgs.department.changed")
    assert entry.changes == [("name (English)", "No. 1 Civil Division", "Civil One")]
    body = client_for("party").get("/accounts/audit/").content.decode()
    assert "department · changed" in body and "Civil One" in body
