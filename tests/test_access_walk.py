"""Walk every URL pattern as an anonymous visitor, an outsider and each role.

The expected status of every (route, role) pair is written out by hand, from the role table
in docs/permissions.md, rather than computed from the scoping code it checks: each app keeps
its rows in tests/<app>/access.py (PAGES). A new route fails
`test_every_route_has_expectations` until someone writes its row; a view that does not
declare what it needs fails `test_every_route_declares_its_access`.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import ROLE_USERS, ROLES
from tests.walk import collect
from tongxin.accounts.models import RoleGrant
from tongxin.transfer.models import ImportBatch

PAGES = collect("PAGES")
# Query strings some routes need to address an object.
QUERY = {"people:person-create": lambda w: f"?court={w.basic.pk}"}
# Routes anonymous visitors may open.
PUBLIC = {
    "accounts:login",
    "accounts:set-language",
    # Calendar feeds: public addresses, valid only with the secret token (tests/meetings).
    "meetings:feed-person",
    "meetings:feed-org",
}


def _patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            if item.namespace == "api":
                continue  # the API has its own walk (tests/test_api_access.py)
            ns = f"{namespace}{item.namespace}:" if item.namespace else namespace
            yield from _patterns(item, ns)
        elif isinstance(item, URLPattern) and item.name:
            yield f"{namespace}{item.name}"


@pytest.fixture
def walk_world(world):
    from tongxin.accounts.services import api_token_create

    world.token, _ = api_token_create(user=world.users["admin"], name="walk")
    world.member_grant = RoleGrant.objects.get(user=world.users["member"])
    world.batch = ImportBatch.objects.create(
        user=world.users["party"], kind="people", file_name="人员.xlsx"
    )
    return world


def _url(name, world):
    from django.urls import reverse

    builder, _expected = PAGES[name]
    url = reverse(name, kwargs=builder(world) if builder else None)
    return url + (QUERY[name](world) if name in QUERY else "")


def test_every_route_has_expectations():
    missing = sorted(set(_patterns()) - set(PAGES))
    assert not missing, f"routes without an access expectation: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_expected(walk_world, client_for, role):
    client = client_for(role)
    wrong = []
    for name in sorted(set(_patterns())):
        expected = PAGES[name][1][role]
        response = client.get(_url(name, walk_world))
        if response.status_code != expected:
            wrong.append(f"{name}: got {response.status_code}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_anonymous_visitors_are_sent_to_sign_in(walk_world, client):
    for name in sorted(set(_patterns())):
        response = client.get(_url(name, walk_world))
        if name in PUBLIC:
            assert response.status_code in (200, 405), name
        else:
            assert response.status_code == 302, name
            assert response["Location"].startswith("/accounts/login/"), name


def test_outsider_lists_show_nothing_of_another_province(walk_world, client_for):
    client = client_for("outsider")
    for path in (
        "/courts/",
        "/courts/organisations/",
        "/people/",
        "/courts/health/",
        "/accounts/audit/",
    ):
        body = client.get(path).content.decode()
        assert walk_world.basic.name_en not in body, path
        assert walk_world.branch.name_en not in body, path
        assert walk_world.members[3].name not in body, path


def test_member_sees_own_record_but_not_a_colleagues(walk_world, client_for):
    client = client_for("member")
    assert client.get(f"/people/{walk_world.members[5].pk}/").status_code == 200
    assert client.get(f"/people/{walk_world.members[4].pk}/").status_code == 404


def test_members_view_follows_their_move_to_another_branch(walk_world, client_for):
    import datetime

    from tests.factories import OrganisationFactory
    from tongxin.people.services import membership_move

    member = walk_world.members[5]
    new_branch = OrganisationFactory(court=walk_world.basic, parent=walk_world.committee_org)
    membership_move(
        actor=walk_world.users["admin"],
        person=member,
        organisation=new_branch,
        on=datetime.date(2026, 1, 1),
    )
    client = client_for("member")
    assert client.get(f"/courts/organisations/{new_branch.pk}/").status_code == 200
    assert client.get(f"/courts/organisations/{walk_world.branch.pk}/").status_code == 404


def _views():
    """(route name, view) for every routed page."""
    from django.urls import reverse

    for name in sorted(set(_patterns())):
        builder, _expected = PAGES[name]
        match = None
        try:
            from django.urls import resolve

            kwargs = {key: 1 for key in (builder(_Dummy()) if builder else {})}
            match = resolve(reverse(name, kwargs=kwargs or None))
        except Exception as error:  # noqa: BLE001 - reported with the route's name
            raise AssertionError(f"{name}: {error}") from error
        yield name, match.func


class _Dummy:
    """Stands in for the world when only a route's keyword names are wanted."""

    def __getattr__(self, name):
        return self

    def __getitem__(self, key):
        return self

    def first(self):
        return self

    pk = 1


def test_every_route_declares_its_access():
    """Each view says what it needs (core.access.requires or public): the walk reads it."""
    from tongxin.core.access import access_of

    undeclared = [name for name, view in _views() if access_of(view) is None]
    assert not undeclared, f"views without requires()/public: {undeclared}"


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_declared_permissions_agree_with_the_table(role):
    """A role whose grants lack a page's declared permission is refused it (403 or, for an
    object it cannot see at all, 404); the hand-written table must say the same."""
    from tongxin.core.access import access_of
    from tongxin.core.permissions import role_has

    wrong = []
    for name, view in _views():
        access = access_of(view)
        if access.public or access.perm is None:
            continue
        expected = PAGES[name][1][role]
        if not role_has(ROLE_USERS[role], access.perm) and expected not in (403, 404, 405):
            if role == "member" and access.perm in MEMBER_REACH:
                continue  # a member reaches their own record and branch without the grant
            wrong.append(f"{name}: {role} lacks {access.perm} but the table says {expected}")
    assert not wrong, "\n".join(wrong)


# Permissions a member holds for their own record and branch, not through the role table
# (talk.view: the talks and home visits held with them, care/scope.py; trial.view: a judge's
# own health check and cases).
MEMBER_REACH = {"person.view", "org.view", "talk.view", "trial.view"}
