"""Sign-in, lock-out, password change, language choice, API tokens on the profile page."""

import pytest
from django.test import Client

from tongxin.accounts.models import ApiToken, Profile, SignInLock
from tongxin.accounts.services import lock_key


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_sign_in_and_out(world):
    client = Client()
    response = login(client, "secretary", world.password)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_is_explained(world):
    response = login(Client(), "secretary", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_lock_out_after_repeated_failures(world, settings):
    settings.LOCKOUT_THRESHOLD = 3
    client = Client()
    for _ in range(2):
        assert "locked" not in login(client, "secretary", "wrong").content.decode()
    assert "locked until" in login(client, "secretary", "wrong").content.decode()
    # Even the right password is refused while the lock lasts.
    response = login(client, "secretary", world.password)
    assert response.status_code == 200 and "locked until" in response.content.decode()


def test_lock_out_expires(world, settings):
    import datetime

    from django.utils import timezone

    SignInLock.objects.update_or_create(
        key=lock_key("secretary"),
        defaults={"locked_until": timezone.now() - datetime.timedelta(seconds=1)},
    )
    assert login(Client(), "secretary", world.password).status_code == 302


def test_success_resets_the_failure_count(world, settings):
    settings.LOCKOUT_THRESHOLD = 3
    client = Client()
    login(client, "secretary", "wrong")
    login(client, "secretary", "wrong")
    assert login(client, "secretary", world.password).status_code == 302
    assert not SignInLock.objects.filter(key=lock_key("secretary")).exists()


def test_password_change(world):
    client = Client()
    login(client, "member", world.password)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": world.password,
            "new_password1": "一个新的长密码-2026",
            "new_password2": "一个新的长密码-2026",
        },
    )
    assert response.status_code == 302
    client.post("/accounts/logout/")
    assert login(Client(), "member", "一个新的长密码-2026").status_code == 302


def test_password_change_mismatch_is_explained(world, client_for):
    response = client_for("member").post(
        "/accounts/password/",
        {
            "old_password": world.password,
            "new_password1": "abcdefgh-1234",
            "new_password2": "abcdefgh-9999",
        },
    )
    assert (
        "didn’t match" in response.content.decode() or "didn't match" in response.content.decode()
    )


def test_language_choice_is_remembered_per_user(world):
    client = Client()
    login(client, "party", world.password)
    client.post("/accounts/language/", {"language": "zh-hans", "next": "/"})
    assert Profile.objects.get(user=world.users["party"]).language == "zh-hans"
    fresh = Client()  # another browser: no cookie, the profile decides
    login(fresh, "party", world.password)
    assert fresh.get("/").content.decode().count('lang="zh-hans"') == 1


def test_language_switch_ignores_unknown_languages_and_foreign_redirects(world, client_for):
    client = client_for("party")
    response = client.post(
        "/accounts/language/", {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_anonymous_language_switch_sets_a_cookie(db):
    response = Client().post("/accounts/language/", {"language": "en", "next": "/accounts/login/"})
    assert response.cookies["django_language"].value == "en"


def test_profile_creates_a_token_shown_once(world, client_for):
    client = client_for("leader")
    response = client.post("/accounts/profile/", {"name": "报表脚本"})
    token = response.context["new_token"]
    row = ApiToken.objects.get(user=world.users["leader"])
    assert token.startswith("tx_") and row.name == "报表脚本"
    assert token not in client.get("/accounts/profile/").content.decode()
    assert row.digest != token


def test_token_revoke_only_own_tokens(world, client_for):
    from tongxin.accounts.services import api_token_create

    row, _token = api_token_create(user=world.users["admin"], name="x")
    assert (
        client_for("leader").post(f"/accounts/profile/tokens/{row.pk}/revoke/").status_code == 404
    )
    assert client_for("admin").post(f"/accounts/profile/tokens/{row.pk}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(pk=row.pk).exists()


def test_grant_a_role_to_a_new_account(world, client_for):
    client = client_for("admin")
    response = client.post(
        "/accounts/grants/",
        {
            "username": "zhangsan",
            "password": "Tongxin-新账户-2026",
            "role": "court_leader",
            "court_code": "苏0102",
            "staff_number": world.members[7].staff_number,
        },
    )
    assert response.status_code == 302
    world.members[7].refresh_from_db()
    assert world.members[7].user.username == "zhangsan"
    # The new account must replace its initial password before anything else.
    fresh = Client()
    assert login(fresh, "zhangsan", "Tongxin-新账户-2026").status_code == 302
    assert fresh.get("/people/")["Location"] == "/accounts/password/"
    fresh.post(
        "/accounts/password/",
        {
            "old_password": "Tongxin-新账户-2026",
            "new_password1": "我自己的新密码-2026",
            "new_password2": "我自己的新密码-2026",
        },
    )
    assert fresh.get("/people/").status_code == 200


def test_branch_roles_are_granted_on_an_organisation_named_in_its_court(world, client_for):
    client = client_for("admin")
    base = {
        "username": "lisi",
        "password": "Tongxin-2026-ok",
        "role": "branch_committee",
        "court_code": "苏0102",
    }
    body = client.post(
        "/accounts/grants/", {**base, "organisation_name": "没有的支部"}
    ).content.decode()
    assert "has no active organisation named" in body
    client.post("/accounts/grants/", {**base, "organisation_name": world.branch.name_zh})
    from tongxin.accounts.models import RoleGrant

    assert RoleGrant.objects.get(user__username="lisi").organisation == world.branch


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "court_leader", "court_code": "浙"}, "No court with code"),
        ({"role": "branch_secretary", "court_code": "苏"}, "granted on a Party organisation"),
        ({"role": "court_leader"}, "This field is required"),
        ({"role": "court_leader", "court_code": "苏", "password": ""}, "needs an initial password"),
        (
            {"role": "court_leader", "court_code": "苏", "staff_number": "NOPE"},
            "no person with staff",
        ),
    ],
)
def test_grant_errors_are_explained(world, client_for, data, message):
    response = client_for("admin").post(
        "/accounts/grants/", {"username": "lisi", "password": "Tongxin-2026-ok", **data}
    )
    assert message in response.content.decode()


def test_grant_list_exports_what_it_shows(world, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for("admin").get("/accounts/grants/?export=xlsx")
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    users = {r[0] for r in rows[1:]}
    assert {"party", "secretary", "member"} <= users
    assert "outsider" not in users  # granted in another province


def test_django_password_messages_are_in_chinese(world, client_for):
    from django.utils import translation

    client = client_for("member")
    client.post("/accounts/language/", {"language": "zh-hans", "next": "/"})
    response = client.post(
        "/accounts/password/",
        {"old_password": world.password, "new_password1": "ab1", "new_password2": "ab1"},
    )
    with translation.override("zh-hans"):
        body = response.content.decode()
    assert "密码长度太短" in body and "too short" not in body


def test_lock_out_does_not_tell_which_accounts_exist(world, settings):
    settings.LOCKOUT_THRESHOLD = 3
    answers = {}
    for name in ("secretary", "nosuchuser"):
        client = Client()
        pages = [login(client, name, "wrong").content.decode() for _ in range(4)]
        answers[name] = ["locked until" in page for page in pages]
    assert answers["secretary"] == answers["nosuchuser"] == [False, False, True, True]


def test_the_locking_failure_shows_only_the_lock_message(world, settings):
    settings.LOCKOUT_THRESHOLD = 2
    client = Client()
    login(client, "secretary", "wrong")
    body = login(client, "secretary", "wrong").content.decode()
    assert "locked until" in body and "Please enter a correct username" not in body


def test_token_instructions_show_the_placeholder(world, client_for):
    body = client_for("leader").get("/accounts/profile/").content.decode()
    assert "Bearer &lt;token&gt;" in body
