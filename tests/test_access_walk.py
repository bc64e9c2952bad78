"""Walk every URL pattern as an anonymous visitor, an outsider and each role.

The expected status of every (route, role) pair is written out here by hand, from the role
table in docs/permissions.md, rather than computed from the scoping code it checks. A new
route fails `test_every_route_has_expectations` until someone writes its row.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import ROLES
from tongxin.accounts.models import RoleGrant
from tongxin.transfer.models import ImportBatch


def row(admin, party, secretary, committee, member, leader, discipline, trial, outsider):
    return dict(
        zip(
            ROLES,
            (admin, party, secretary, committee, member, leader, discipline, trial, outsider),
            strict=True,
        )
    )


ALL = row(*[200] * 9)
# Court-scoped change pages of province A: only admin and party; read roles 403.
COURT_CHANGE = row(200, 200, 404, 404, 404, 403, 403, 403, 404)
# Change pages of the branch: admin, party and its secretary; other viewers 403.
BRANCH_CHANGE = row(200, 200, 200, 403, 403, 403, 403, 403, 404)
# Change pages of a person in the branch (a member may not see another member's record).
PERSON_CHANGE = row(200, 200, 200, 403, 404, 403, 403, 403, 404)
ADMIN_ONLY = row(200, 403, 403, 403, 403, 403, 403, 403, 403)
IMPORTERS = row(200, 200, 403, 403, 403, 403, 403, 403, 200)
OWN_BATCH = row(404, 200, 403, 403, 403, 403, 403, 403, 404)

# route name → (path kwargs builder, expected statuses for GET)
EXPECTED = {
    "dashboards:home": (None, ALL),
    "dashboards:health-counts": (None, row(200, 200, 200, 200, 403, 200, 200, 403, 200)),
    "accounts:login": (None, ALL),
    "accounts:logout": (None, row(*[405] * 9)),  # POST only
    "accounts:password-change": (None, ALL),
    "accounts:password-change-done": (None, ALL),
    "accounts:set-language": (None, row(*[405] * 9)),  # POST only
    "accounts:profile": (None, ALL),
    "accounts:token-revoke": (lambda w: {"pk": w.token.pk}, row(*[405] * 9)),  # POST only
    "core:audit-list": (None, row(200, 200, 403, 403, 403, 403, 403, 403, 200)),
    "orgs:court-list": (None, row(200, 200, 403, 403, 403, 200, 200, 200, 200)),
    "orgs:court-create": (None, row(200, 200, 403, 403, 403, 403, 403, 403, 200)),
    "orgs:court-detail": (
        lambda w: {"pk": w.basic.pk},
        row(200, 200, 404, 404, 404, 200, 200, 200, 404),
    ),
    "orgs:court-edit": (lambda w: {"pk": w.basic.pk}, COURT_CHANGE),
    "orgs:court-deactivate": (lambda w: {"pk": w.basic.pk}, COURT_CHANGE),
    "orgs:department-list": (None, row(200, 200, 403, 403, 403, 200, 200, 200, 200)),
    "orgs:department-create": (lambda w: {"court_pk": w.basic.pk}, COURT_CHANGE),
    "orgs:department-edit": (lambda w: {"pk": w.dept.pk}, COURT_CHANGE),
    "orgs:department-deactivate": (lambda w: {"pk": w.dept.pk}, COURT_CHANGE),
    "orgs:organisation-list": (None, ALL),
    "orgs:organisation-create": (
        lambda w: {"court_pk": w.basic.pk},
        row(200, 200, 200, 403, 403, 403, 403, 403, 404),
    ),
    "orgs:organisation-detail": (
        lambda w: {"pk": w.branch.pk},
        row(200, 200, 200, 200, 200, 200, 200, 200, 404),
    ),
    "orgs:organisation-edit": (lambda w: {"pk": w.branch.pk}, BRANCH_CHANGE),
    "orgs:organisation-deactivate": (lambda w: {"pk": w.branch.pk}, BRANCH_CHANGE),
    "orgs:term-create": (lambda w: {"pk": w.branch.pk}, BRANCH_CHANGE),
    "orgs:post-create": (lambda w: {"pk": w.branch.pk}, BRANCH_CHANGE),
    "orgs:post-end": (lambda w: {"pk": w.branch.posts.first().pk}, BRANCH_CHANGE),
    "orgs:health": (None, row(200, 200, 200, 200, 403, 200, 200, 403, 200)),
    "orgs:rule-list": (None, ADMIN_ONLY),
    "people:person-list": (None, row(200, 200, 200, 200, 403, 200, 200, 200, 200)),
    "people:person-create": (None, row(200, 200, 404, 403, 403, 403, 403, 403, 404)),
    "people:person-detail": (
        lambda w: {"pk": w.members[3].pk},
        row(200, 200, 200, 200, 404, 200, 200, 200, 404),
    ),
    "people:person-edit": (lambda w: {"pk": w.members[3].pk}, PERSON_CHANGE),
    "people:person-deactivate": (lambda w: {"pk": w.members[3].pk}, PERSON_CHANGE),
    "people:person-move": (lambda w: {"pk": w.members[3].pk}, PERSON_CHANGE),
    "people:dues": (
        lambda w: {"pk": w.branch.pk},
        row(200, 200, 200, 200, 403, 200, 403, 403, 404),
    ),
    "accounts:grant-list": (None, ADMIN_ONLY),
    "accounts:grant-revoke": (lambda w: {"pk": w.member_grant.pk}, ADMIN_ONLY),
    "transfer:import-start": (None, IMPORTERS),
    "transfer:import-template": (lambda w: {"kind": "people"}, IMPORTERS),
    # A pending import belongs to its uploader (party) alone: other importers get 404.
    "transfer:import-detail": (lambda w: {"pk": w.batch.pk}, OWN_BATCH),
    "transfer:import-commit": (
        lambda w: {"pk": w.batch.pk},
        {**OWN_BATCH, "party": 302},
    ),  # GET: back to preview
    "transfer:import-cancel": (lambda w: {"pk": w.batch.pk}, {**OWN_BATCH, "party": 302}),
    "transfer:import-recover": (lambda w: {"pk": w.batch.pk}, {**OWN_BATCH, "party": 302}),
    "transfer:import-rejects": (lambda w: {"pk": w.batch.pk}, OWN_BATCH),
    "transfer:import-progress": (lambda w: {"pk": w.batch.pk}, OWN_BATCH),
}
# Query strings some routes need to address an object.
QUERY = {"people:person-create": lambda w: f"?court={w.basic.pk}"}
# Routes anonymous visitors may open.
PUBLIC = {"accounts:login", "accounts:set-language"}


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

    builder, _expected = EXPECTED[name]
    url = reverse(name, kwargs=builder(world) if builder else None)
    return url + (QUERY[name](world) if name in QUERY else "")


def test_every_route_has_expectations():
    missing = sorted(set(_patterns()) - set(EXPECTED))
    assert not missing, f"routes without an access expectation: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_expected(walk_world, client_for, role):
    client = client_for(role)
    wrong = []
    for name in sorted(set(_patterns())):
        expected = EXPECTED[name][1][role]
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
