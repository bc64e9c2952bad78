"""Honest answers: the 403 page says what is true, pages link only where the user may go,
and a save that changes nothing says so."""

import pytest
from django.test import Client

from tongxin.core.exceptions import Forbidden
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.orgs.models import PartyOrganisation

VIEW_ONLY = "Your roles let you see this, but not change it."
CANNOT_OPEN = "You cannot open this page: none of your roles includes it."


# 403: "cannot open" and "view only" ----------------------------------------------------


def test_the_gate_says_which_refusal_it_is(world):
    leader = scope_for(world.users["leader"])
    with pytest.raises(Forbidden) as seen:
        leader.get(PartyOrganisation, world.branch.pk, Perm.ORG_CHANGE)
    assert seen.value.kind == Forbidden.VIEW_ONLY
    with pytest.raises(Forbidden) as lacking:
        scope_for(world.users["secretary"]).require(Perm.AUDIT_VIEW)
    assert lacking.value.kind == Forbidden.CANNOT_OPEN


def test_a_role_that_sees_the_object_is_told_it_may_view_but_not_change(world, client_for):
    response = client_for("leader").get(f"/courts/organisations/{world.branch.pk}/edit/")
    body = response.content.decode()
    assert response.status_code == 403
    assert VIEW_ONLY in body and CANNOT_OPEN not in body


def test_a_role_without_the_page_is_told_it_cannot_open_it(world, client_for):
    response = client_for("secretary").get("/accounts/audit/")
    body = response.content.decode()
    assert response.status_code == 403
    assert CANNOT_OPEN in body and VIEW_ONLY not in body


def test_a_role_lacking_a_list_page_is_not_told_it_can_view_it(world, client_for):
    # Trial management sees courts but holds no health permission at all.
    body = client_for("trial").get("/courts/health/").content.decode()
    assert CANNOT_OPEN in body and VIEW_ONLY not in body


def test_the_refusals_in_chinese(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.users["leader"])
    client.cookies["django_language"] = "zh-hans"
    body = client.get(f"/courts/organisations/{world.branch.pk}/edit/").content.decode()
    assert "您的角色可以查看此内容，但不能修改。" in body


# A save that changes nothing says so --------------------------------------------------


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_a_save_that_changes_nothing_says_so(world, client_for):
    from tongxin.core.models import AuditEntry

    client = client_for("party")
    url = f"/courts/departments/{world.dept.pk}/edit/"
    same = {"name_zh": world.dept.name_zh, "name_en": world.dept.name_en, "kind": world.dept.kind}
    response = client.post(url, same, follow=True)
    assert _messages(response) == ["Nothing changed."]
    assert not AuditEntry.objects.exists()
    response = client.post(url, {**same, "name_en": "Civil One"}, follow=True)
    assert _messages(response) == ["Department saved."]


def test_an_unchanged_person_and_an_unchanged_move_say_so_too(world, client_for):
    from tongxin.people.forms import PersonForm

    person = world.members[2]
    form = PersonForm(instance=person, court=person.court)
    data = {
        name: value
        for name, value in ((n, form[n].value()) for n in form.fields)
        if value is not None
    }
    client = client_for("party")
    response = client.post(f"/people/{person.pk}/edit/", data, follow=True)
    assert _messages(response) == ["Nothing changed."]
    membership = person.memberships.get(ends_on__isnull=True)
    response = client.post(
        f"/people/{person.pk}/move/",
        {
            "organisation": membership.organisation_id,
            "cell": membership.cell_id,
            "on": "2026-03-01",
        },
        follow=True,
    )
    assert _messages(response) == ["Nothing changed."]


# Links lead only where the user may go --------------------------------------------------


def _links(body: str) -> set[str]:
    import re

    return set(re.findall(r'href="([^"]+)"', body))


def test_courts_above_the_users_grants_are_named_not_linked(world, client_for):
    body = client_for("party").get(f"/courts/{world.inter.pk}/").content.decode()
    links = _links(body)
    assert f"/courts/{world.high.pk}/" in links  # the party's own court: linked
    assert f"/courts/{world.spc.pk}/" not in links  # above their grant: only named
    assert "Supreme People" in body  # named
    body = client_for("party").get(f"/courts/{world.high.pk}/").content.decode()
    assert f"/courts/{world.spc.pk}/" not in _links(body)  # nor as the parent court
    body = client_for("admin").get(f"/courts/{world.high.pk}/").content.decode()
    assert f"/courts/{world.spc.pk}/" not in _links(body)  # the admin's grant is on 苏 too


def test_every_link_of_a_court_page_opens_for_its_reader(world, client_for):
    for role in ("party", "leader", "discipline", "trial"):
        client = client_for(role)
        body = client.get(f"/courts/{world.basic.pk}/").content.decode()
        for link in _links(body):
            if link.startswith("/courts/") or link.startswith("/people/"):
                status = client.get(link).status_code
                assert status == 200, f"{role}: {link} answers {status}"


def test_the_health_button_is_shown_only_to_roles_with_health(world, client_for):
    body = client_for("trial").get(f"/courts/{world.basic.pk}/").content.decode()
    assert 'data-testid="health-link"' not in body
    body = client_for("leader").get(f"/courts/{world.basic.pk}/").content.decode()
    assert 'data-testid="health-link"' in body


def test_a_tribunals_health_button_keeps_its_court(world, client_for):
    from tests.factories import CourtFactory, OrganisationFactory
    from tongxin.orgs.models import Court

    tribunal = CourtFactory(
        level=Court.Level.TRIBUNAL,
        parent=world.basic,
        code=None,
        name_en="Xiaolingwei Tribunal",
        province="苏",
    )
    OrganisationFactory(court=tribunal, name_en="Tribunal Branch")  # no members: findings
    client = client_for("party")
    body = client.get(f"/courts/{tribunal.pk}/").content.decode()
    link = next(link for link in _links(body) if link.startswith("/courts/health/?"))
    assert link == f"/courts/health/?court_id={tribunal.pk}"
    response = client.get(link)
    assert response.context["court"] == tribunal
    findings = list(response.context["page"])
    assert findings and {f.court for f in findings} == {tribunal.name}
    # every court's findings would include the branch of the basic court and others
    everything = client.get("/courts/health/").context["page"].paginator.count
    assert everything > len(findings)
    # the rule buttons keep the court too
    rule_links = [x for x in _links(response.content.decode()) if "rule=" in x]
    assert rule_links and all(f"court_id={tribunal.pk}" in x for x in rule_links)


def test_a_court_id_out_of_reach_is_said_and_shows_what_the_user_sees(world, client_for):
    response = client_for("party").get(f"/courts/health/?court_id={world.other_basic.pk}")
    assert response.context["court"] is None
    assert "This court is not within your reach" in response.content.decode()


def test_a_new_organisations_cancel_button_leads_where_the_secretary_may_go(world, client_for):
    client = client_for("secretary")
    body = client.get(f"/courts/{world.basic.pk}/organisations/new/").content.decode()
    for link in _links(body):
        if link.startswith("/courts/"):
            assert client.get(link).status_code == 200, link
