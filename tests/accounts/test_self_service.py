"""Self-service administration: party-affairs staff grant and withdraw roles within their own
court subtree (never system administrator, never above their own grant); an administrator
unlocks an account and resets its password (to change at the next sign-in), audited."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory, grant
from tongxin.accounts import services
from tongxin.accounts.models import ApiToken, Profile, RoleGrant, SignInLock
from tongxin.core.exceptions import ApplicationError, Forbidden
from tongxin.core.models import AuditEntry
from tongxin.core.permissions import Perm, Role, roles_within
from tongxin.core.scoping import scope_for

NEW_PASSWORD = "Tongxin-新密码-2026"
VIEW_ONLY = "Your roles let you see this, but not change it."
CANNOT_OPEN = "You cannot open this page: none of your roles includes it."


def _grant_form(**data):
    return {
        "username": "lisi",
        "password": NEW_PASSWORD,
        "role": Role.COURT_LEADER,
        "court_code": "苏0102",
        "organisation_name": "",
        "staff_number": "",
        **data,
    }


# Who may grant what ---------------------------------------------------------------------


def test_party_affairs_staff_grant_every_role_but_system_administrator():
    assert Role.SYSTEM_ADMIN not in roles_within(Role.PARTY_AFFAIRS)
    assert set(roles_within(Role.PARTY_AFFAIRS)) == set(Role.values) - {Role.SYSTEM_ADMIN}
    assert set(roles_within(Role.SYSTEM_ADMIN)) == set(Role.values)
    for role in set(Role.values) - {Role.SYSTEM_ADMIN, Role.PARTY_AFFAIRS}:
        assert roles_within(role) == []


def test_party_affairs_staff_grant_a_role_in_their_subtree(world, client_for):
    response = client_for("party").post("/accounts/grants/", _grant_form(), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Role granted."]
    new = RoleGrant.objects.get(user__username="lisi")
    assert new.role == Role.COURT_LEADER and new.court == world.basic
    entry = AuditEntry.objects.get(action="people.grant.created")
    assert entry.actor == world.users["party"] and entry.court_path == world.basic.path


def test_a_branch_role_is_granted_on_an_organisation_named_within_its_court(world, client_for):
    client_for("party").post(
        "/accounts/grants/",
        _grant_form(role=Role.BRANCH_COMMITTEE, organisation_name=world.branch.name_zh),
    )
    assert RoleGrant.objects.get(user__username="lisi").organisation == world.branch


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"court_code": "浙0102"}, "No court with code “浙0102” that you may manage."),
        ({"court_code": "最高法"}, "No court with code “最高法” that you may manage."),
        (
            {"role": Role.BRANCH_SECRETARY},
            "The role “Branch secretary” is granted on a Party organisation: give its name.",
        ),
        (
            {"organisation_name": "民一庭党支部"},
            "The role “Court leader (read-only)” is granted on a court: leave the "
            "organisation empty.",
        ),
        (
            {"role": Role.BRANCH_SECRETARY, "organisation_name": "上城法院党支部"},
            "has no active organisation named “上城法院党支部”",
        ),
    ],
)
def test_a_grant_outside_the_subtree_or_malformed_is_refused_and_nothing_is_saved(
    world, client_for, data, message
):
    users, audit = get_user_model().objects.count(), AuditEntry.objects.count()
    response = client_for("party").post("/accounts/grants/", _grant_form(**data))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert get_user_model().objects.count() == users  # the new account is not half-made
    assert AuditEntry.objects.count() == audit
    assert not RoleGrant.objects.filter(user__username="lisi").exists()


def test_party_affairs_staff_may_not_grant_system_administrator(world):
    users = get_user_model().objects.count()
    with pytest.raises(ApplicationError, match="do not let you grant the role"):
        services.account_grant(
            actor=world.users["party"],
            username="lisi",
            password=NEW_PASSWORD,
            role=Role.SYSTEM_ADMIN,
            court_code="苏0102",
        )
    assert get_user_model().objects.count() == users
    assert not AuditEntry.objects.exists()
    # …nor to an existing account
    with pytest.raises(ApplicationError, match="do not let you grant the role"):
        services.account_grant(
            actor=world.users["party"],
            username="leader",
            password="",
            role=Role.SYSTEM_ADMIN,
            court_code="苏",
        )
    assert not RoleGrant.objects.filter(role=Role.SYSTEM_ADMIN, user__username="leader").exists()


def test_the_form_offers_only_the_roles_one_may_grant_and_none_by_default(world, client_for):
    form = client_for("party").get("/accounts/grants/").context["form"]
    choices = [value for value, _label in form.fields["role"].choices]
    assert choices[0] == "" and Role.SYSTEM_ADMIN not in choices
    assert form["role"].value() is None
    body = client_for("party").get("/accounts/grants/").content.decode()
    assert "Choose a role" in body
    admin_choices = client_for("admin").get("/accounts/grants/").context["form"]
    assert Role.SYSTEM_ADMIN in [v for v, _l in admin_choices.fields["role"].choices]
    response = client_for("party").post("/accounts/grants/", _grant_form(role=""))
    assert response.context["form"].errors["role"] == ["This field is required."]
    response = client_for("party").post("/accounts/grants/", _grant_form(role=Role.SYSTEM_ADMIN))
    assert "role" in response.context["form"].errors
    assert not get_user_model().objects.filter(username="lisi").exists()


def test_staff_of_a_lower_court_grant_only_below_it(world):
    basic_party = UserFactory(username="basic_party")
    grant(basic_party, Role.PARTY_AFFAIRS, court=world.basic)
    with pytest.raises(ApplicationError, match="No court with code “苏01”"):
        services.account_grant(
            actor=basic_party,
            username="lisi",
            password=NEW_PASSWORD,
            role=Role.COURT_LEADER,
            court_code="苏01",
        )
    services.account_grant(
        actor=basic_party,
        username="lisi",
        password=NEW_PASSWORD,
        role=Role.PARTY_AFFAIRS,
        court_code="苏0102",
    )
    assert RoleGrant.objects.get(user__username="lisi").court == world.basic


def test_party_affairs_staff_withdraw_roles_they_may_give(world, client_for):
    member_grant = RoleGrant.objects.get(user=world.users["member"])
    response = client_for("party").post(f"/accounts/grants/{member_grant.pk}/revoke/")
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=member_grant.pk).exists()
    entry = AuditEntry.objects.get(action="people.grant.revoked")
    assert entry.court_path == world.basic.path


def test_an_administrators_grant_is_seen_but_not_withdrawn_by_party_staff(world, client_for):
    admin_grant = RoleGrant.objects.get(user=world.users["admin"])
    client = client_for("party")
    listing = client.get("/accounts/grants/")
    rows = {g.pk: g for g in listing.context["page"]}
    assert admin_grant.pk in rows and not rows[admin_grant.pk].can_withdraw
    assert f"/accounts/grants/{admin_grant.pk}/revoke/" not in listing.content.decode()
    response = client.get(f"/accounts/grants/{admin_grant.pk}/revoke/")
    assert response.status_code == 403 and VIEW_ONLY in response.content.decode()
    assert client.post(f"/accounts/grants/{admin_grant.pk}/revoke/").status_code == 403
    with pytest.raises(ApplicationError, match="do not let you withdraw"):
        services.grant_revoke(actor=world.users["party"], grant=admin_grant)
    assert RoleGrant.objects.filter(pk=admin_grant.pk).exists()
    assert not AuditEntry.objects.exists()


def test_grants_of_another_province_are_neither_seen_nor_withdrawn(world, client_for):
    outsider_grant = RoleGrant.objects.get(user=world.users["outsider"])
    client = client_for("party")
    assert outsider_grant.pk not in {g.pk for g in client.get("/accounts/grants/").context["page"]}
    assert client.get(f"/accounts/grants/{outsider_grant.pk}/revoke/").status_code == 404


def test_other_roles_cannot_open_the_grant_pages(world, client_for):
    for role in ("secretary", "leader", "discipline"):
        response = client_for(role).get("/accounts/grants/")
        assert response.status_code == 403 and CANNOT_OPEN in response.content.decode(), role


# Accounts: unlock and password reset ----------------------------------------------------


def _lock(username):
    SignInLock.objects.update_or_create(
        key=services.lock_key(username),
        defaults={"locked_until": timezone.now() + datetime.timedelta(minutes=10), "failures": 0},
    )


def test_an_account_is_within_a_subtree_when_all_its_grants_are(world):
    party = scope_for(world.users["party"])
    User = get_user_model()
    member = world.users["member"]
    assert party.can(Perm.GRANT_CHANGE, member)
    assert party.get(User, world.users["admin"].pk) == world.users["admin"]  # seen
    with pytest.raises(Forbidden) as refused:  # …but a system administrator's account
        party.get(User, world.users["admin"].pk, Perm.GRANT_CHANGE)
    assert refused.value.kind == Forbidden.VIEW_ONLY
    # a grant in another province puts the account beyond the party's reach
    grant(member, Role.COURT_LEADER, court=world.other_basic)
    assert party.visible(User).filter(pk=member.pk).exists()
    assert not party.can(Perm.GRANT_CHANGE, member)
    assert not scope_for(world.users["outsider"]).can(Perm.GRANT_CHANGE, member)


def test_party_staff_unlock_an_account_of_their_subtree_audited(world, client_for):
    member = world.users["member"]
    _lock("member")
    client = client_for("party")
    page = client.get(f"/accounts/users/{member.pk}/").content.decode()
    assert "Locked until" in page and f"/accounts/users/{member.pk}/unlock/" in page
    response = client.post(f"/accounts/users/{member.pk}/unlock/", follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Account unlocked."]
    assert not SignInLock.objects.filter(key=services.lock_key("member")).exists()
    assert (
        Client()
        .post("/accounts/login/", {"username": "member", "password": world.password})
        .status_code
        == 302
    )
    entry = AuditEntry.objects.get(action="accounts.user.unlocked")
    assert entry.actor == world.users["party"] and entry.object_id == str(member.pk)
    assert entry.court_path == world.basic.path  # in the court's audit log
    assert entry.before["locked_until"] and entry.after == {"locked_until": None}
    log = client_for("party").get("/accounts/audit/?action=accounts.user").context["page"]
    assert [e.action for e in log] == ["accounts.user.unlocked"]


def test_an_account_that_is_not_locked_cannot_be_unlocked(world, client_for):
    member = world.users["member"]
    response = client_for("party").get(f"/accounts/users/{member.pk}/unlock/")
    assert "This account is not locked." in response.content.decode()
    with pytest.raises(ApplicationError, match="not locked"):
        services.account_unlock(actor=world.users["party"], user=member)
    assert not AuditEntry.objects.exists()


def test_party_staff_reset_a_password_which_must_change_at_next_sign_in(world, client_for):
    member = world.users["member"]
    services.api_token_create(user=member, name="script")
    response = client_for("party").post(
        f"/accounts/users/{member.pk}/password/", {"password": NEW_PASSWORD}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "New password set: member must change it at the next sign-in."
    ]
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert Profile.objects.get(user=member).must_change_password
    assert not ApiToken.objects.filter(user=member).exists()
    entry = AuditEntry.objects.get(action="accounts.user.password_reset")
    assert entry.actor == world.users["party"] and entry.court_path == world.basic.path
    assert entry.after == {"must_change_password": True, "api_tokens_revoked": 1}
    assert NEW_PASSWORD not in str(entry.after)
    revoked = AuditEntry.objects.get(action="accounts.api_token.revoked")
    assert revoked.actor == world.users["party"]
    # the user signs in with it and is sent to change it first
    client = Client()
    client.post("/accounts/login/", {"username": "member", "password": NEW_PASSWORD})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"


def test_a_reset_ends_the_users_sessions(world, client_for):
    member = world.users["member"]
    session = client_for("member")
    assert session.get("/accounts/profile/").status_code == 200
    services.account_password_reset(actor=world.users["party"], user=member, password=NEW_PASSWORD)
    assert session.get("/accounts/profile/").status_code == 302  # signed out


def test_a_weak_password_is_refused(world, client_for):
    member = world.users["member"]
    response = client_for("party").post(
        f"/accounts/users/{member.pk}/password/", {"password": "member"}
    )
    assert response.status_code == 200 and response.context["form"].errors["password"]
    assert not AuditEntry.objects.exists()


def test_party_staff_cannot_reset_an_administrators_password(world, client_for):
    admin = world.users["admin"]
    client = client_for("party")
    page = client.get(f"/accounts/users/{admin.pk}/").content.decode()
    assert f"/accounts/users/{admin.pk}/password/" not in page
    assert 'data-testid="beyond-reach"' in page
    for path in ("password/", "unlock/"):
        response = client.post(f"/accounts/users/{admin.pk}/{path}", {"password": NEW_PASSWORD})
        assert response.status_code == 403 and VIEW_ONLY in response.content.decode()
    with pytest.raises(ApplicationError, match="beyond what your own roles"):
        services.account_password_reset(
            actor=world.users["party"], user=admin, password=NEW_PASSWORD
        )
    admin.refresh_from_db()
    assert not admin.check_password(NEW_PASSWORD)
    assert not AuditEntry.objects.exists()


def test_an_account_with_roles_elsewhere_is_out_of_reach(world, client_for):
    member = world.users["member"]
    grant(member, Role.COURT_LEADER, court=world.other_basic)
    response = client_for("party").post(
        f"/accounts/users/{member.pk}/password/", {"password": NEW_PASSWORD}
    )
    assert response.status_code == 403
    assert client_for("outsider").get(f"/accounts/users/{member.pk}/").status_code == 200
    assert client_for("outsider").get(f"/accounts/users/{member.pk}/password/").status_code == 403
    # the account's entries go to the court above all its grants
    assert services.account_court(member) == world.spc


def test_ones_own_password_is_changed_on_the_password_page(world, client_for):
    party = world.users["party"]
    response = client_for("party").get(f"/accounts/users/{party.pk}/password/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    with pytest.raises(ApplicationError, match="your own password"):
        services.account_password_reset(actor=party, user=party, password=NEW_PASSWORD)


def test_the_system_administrator_resets_any_account_within_their_grant(world):
    services.account_password_reset(
        actor=world.users["admin"], user=world.users["party"], password=NEW_PASSWORD
    )
    assert AuditEntry.objects.get(action="accounts.user.password_reset").court_path == (
        world.high.path
    )
