"""Fixes from the security probe and the audit review of accounts, each with its test."""

import datetime

import pytest
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

from tongxin.accounts.models import ApiToken, Profile, RoleGrant
from tongxin.accounts.services import account_grant, api_token_create, api_token_revoke
from tongxin.core.models import AuditEntry
from tongxin.core.permissions import Role


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _locks_after(settings, spellings) -> int:
    """How many failures with these spellings of one name it takes to see the lock message."""
    client = Client()
    for attempt, name in enumerate(spellings, start=1):
        if "locked until" in login(client, name, "wrong").content.decode():
            return attempt
    return 0


@pytest.mark.parametrize("name", ["trial", "nobody-here"])
def test_lock_out_does_not_depend_on_the_case_of_the_name(world, settings, name):
    """Existing and unknown names lock alike whatever their spelling: "TRIAL", "Trial" and
    "trial" count as one name (the probe told names apart by varying case)."""
    settings.LOCKOUT_THRESHOLD = 3
    spellings = [name.upper(), name.title(), f" {name} ", name]
    assert _locks_after(settings, spellings) == 3


def test_existing_and_unknown_names_answer_alike(world, settings):
    settings.LOCKOUT_THRESHOLD = 2
    existing = [login(Client(), "TRIAL", "wrong").content.decode() for _ in range(2)]
    unknown = [login(Client(), "GHOST", "wrong").content.decode() for _ in range(2)]
    assert ["locked until" in page for page in existing] == [
        "locked until" in page for page in unknown
    ]


def test_an_expired_token_is_refused(world):
    row, token = api_token_create(user=world.users["party"], name="short", days=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    assert client.get("/api/v1/me").status_code == 401


def test_a_token_expiry_is_chosen_on_the_profile_page(world, client_for):
    client = client_for("party")
    response = client.post("/accounts/profile/", {"name": "nightly", "days": "30"})
    assert response.status_code == 200
    row = ApiToken.objects.get(user=world.users["party"], name="nightly")
    assert row.expires_at is not None
    days = (row.expires_at - timezone.now()).days
    assert 29 <= days <= 30
    client.post("/accounts/profile/", {"name": "forever", "days": ""})
    assert ApiToken.objects.get(name="forever").expires_at is None


def test_a_password_change_revokes_every_token_and_is_audited(world, client_for):
    user = world.users["member"]
    Profile.objects.update_or_create(user=user, defaults={"must_change_password": True})
    _row, token = api_token_create(user=user, name="script")
    client = client_for("member")
    response = client.post(
        "/accounts/password/",
        {
            "old_password": world.password,
            "new_password1": "一个新的长密码-2026",
            "new_password2": "一个新的长密码-2026",
        },
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=user).exists()
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bearer.get("/api/v1/me").status_code == 401
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"accounts.api_token.revoked", "accounts.user.password_set"} <= actions
    assert not Profile.objects.get(user=user).must_change_password


def test_tokens_created_and_revoked_are_audited(world):
    user = world.users["party"]
    row, _token = api_token_create(user=user, name="audit me")
    pk = row.pk
    api_token_revoke(user=user, token=row)
    entries = AuditEntry.objects.filter(object_type="accounts.apitoken", object_id=str(pk))
    assert sorted(entries.values_list("action", flat=True)) == [
        "accounts.api_token.created",
        "accounts.api_token.revoked",
    ]


def test_linking_a_person_to_an_account_is_audited(world):
    person = world.members[7]
    account_grant(
        actor=world.users["admin"],
        username="zhangsan",
        password="Tongxin-新账户-2026",
        role=Role.COURT_LEADER,
        court_code="苏0102",
        staff_number=person.staff_number,
    )
    entry = AuditEntry.objects.get(action="people.person.linked", object_id=str(person.pk))
    assert entry.after["username"] == "zhangsan" and entry.before == {"user_id": None}
    assert entry.court_path == world.basic.path  # visible in the court's audit log


def test_role_grants_are_unique_in_the_database(world):
    existing = RoleGrant.objects.get(user=world.users["leader"])
    with pytest.raises(IntegrityError):
        RoleGrant.objects.create(user=existing.user, role=existing.role, court=existing.court)


def test_a_session_lasts_a_working_day_by_default(settings):
    from config import settings as project

    assert project.SESSION_COOKIE_AGE <= 12 * 3600
