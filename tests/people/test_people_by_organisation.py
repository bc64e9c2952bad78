"""The people list by organisation (its subtree, or a Party cell) and political status: chosen
on the page through a picker that searches organisations by name or court code; the page,
its export and the API agree."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from tests.core.test_lists import _api_keys, _export_count, _page_keys
from tests.factories import CourtFactory, MembershipFactory, OrganisationFactory, PersonFactory
from tongxin.orgs.models import Court


@pytest.fixture
def three_courts(world):
    """Three courts, each with a "立案庭党支部" (the picker must tell them apart)."""
    branches = []
    for n, court in enumerate(
        [world.basic]
        + [
            CourtFactory(
                code=f"苏010{n}",
                name_zh=f"南京市第{n}区人民法院",
                level=Court.Level.BASIC,
                parent=world.inter,
                province="苏",
            )
            for n in (4, 5)
        ]
    ):
        committee = OrganisationFactory(court=court, kind="organ_committee", name_zh=f"机关党委{n}")
        branch = OrganisationFactory(
            court=court, parent=committee, name_zh="立案庭党支部", name_en=f"Filing Branch {n}"
        )
        MembershipFactory(person=PersonFactory(court=court), organisation=branch)
        branches.append(branch)
    return branches


def test_picker_finds_organisations_by_name_with_their_courts(world, client_for, three_courts):
    body = client_for("party").get("/courts/organisations/pick/?org_q=立案庭").content.decode()
    assert body.count("<option value=") == 4  # "any organisation" and the three
    for branch in three_courts:
        assert f'value="{branch.pk}"' in body
        assert escape(f"{branch.court.name} ({branch.court.code})") in body
    assert "3 found" in body


def test_picker_finds_a_courts_organisations_by_its_code(world, client_for, three_courts):
    body = client_for("party").get("/courts/organisations/pick/?org_q=苏0104").content.decode()
    assert f'value="{three_courts[1].pk}"' in body
    assert f'value="{three_courts[0].pk}"' not in body and world.branch.name not in body


def test_picker_keeps_the_chosen_organisation_and_stays_in_reach(world, client_for, three_courts):
    client = client_for("party")
    body = client.get(
        f"/courts/organisations/pick/?org_q=刑庭&organisation={world.branch.pk}"
    ).content.decode()
    assert f'<option value="{world.branch.pk}" selected>' in body
    # The secretary reaches only their branch (and its cell); the outsider nothing here.
    body = client_for("secretary").get("/courts/organisations/pick/?org_q=立案庭").content
    assert 'option value=""' in body.decode() and body.decode().count("<option") == 1
    body = client_for("outsider").get(
        f"/courts/organisations/pick/?org_q=民一庭&organisation={world.branch.pk}"
    )
    assert world.branch.name not in body.content.decode()


def test_picker_answers_junk_and_is_bounded(world, client_for):
    client = client_for("admin")
    for n in range(25):
        OrganisationFactory(court=world.basic, parent=world.committee_org, name_zh=f"审判{n}党支部")
    body = client.get("/courts/organisations/pick/?org_q=审判").content.decode()
    assert body.count("<option") == 21 and "type more to narrow" in body
    for junk in ("%00", "x" * 5000, "%", "_", "'", "9" * 30, "²"):
        for name in ("org_q", "organisation"):
            response = client.get(f"/courts/organisations/pick/?{name}={junk}")
            assert response.status_code == 200, (name, junk)
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/courts/organisations/pick/?org_q=审判&organisation={world.branch.pk}")
    assert len(captured) <= 6


def test_people_page_offers_the_picker_with_the_chosen_organisation(world, client_for):
    body = (
        client_for("party")
        .get(f"/people/?organisation={world.branch.pk}&status=probationary")
        .content.decode()
    )
    assert 'hx-get="/courts/organisations/pick/"' in body
    assert f'<option value="{world.branch.pk}" selected>' in body
    assert world.probationary.name in body and world.members[0].name not in body
    # Without script: the text typed comes back with the organisations found.
    body = client_for("party").get("/people/?org_q=民一庭").content.decode()
    assert f'<option value="{world.cell.pk}"' in body


def test_people_list_shows_each_members_cell(world, client_for):
    body = client_for("party").get("/people/?q=" + world.members[0].name).content.decode()
    assert world.cell.name in body


def test_page_export_and_api_agree_by_organisation_and_status(world, client_for, settings):
    settings.PAGE_SIZE = 3
    other = OrganisationFactory(court=world.basic, parent=world.committee_org, name_zh="刑庭党支部")
    MembershipFactory(person=PersonFactory(court=world.basic), organisation=other)
    client = client_for("party")
    cases = {
        f"organisation={world.committee_org.pk}": 11,  # the subtree: both branches
        f"organisation={world.branch.pk}": 10,
        f"organisation={world.cell.pk}": 9,  # a cell: its members
        f"organisation={other.pk}": 1,
        f"organisation={world.branch.pk}&political_status=probationary": 1,
        f"organisation={world.other_branch.pk}": 0,  # out of reach
        "organisation=999999999": 0,
    }
    for query, count in cases.items():
        page_query = query.replace("political_status=", "status=")
        on_page = _page_keys(client, "/people/", page_query, lambda p: p.pk)
        assert on_page == _api_keys(client, "/api/v1/people", query, "id"), query
        assert _export_count(client, "/people/", page_query) == len(on_page) == count, query
