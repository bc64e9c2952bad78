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
