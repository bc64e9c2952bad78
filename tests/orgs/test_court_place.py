"""Nobody cuts a subtree out of the court tree (found by a security probe): a court moves only
under a court within its editor's reach, and the one Supreme People's Court stays the root.
The same rule answers the form, the import and any other caller of court_save."""

import pytest
from django.test import Client

from tests.factories import UserFactory, grant
from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Role
from tongxin.orgs.models import Court
from tongxin.orgs.services import court_save


def _edit(client, court, **changes):
    data = {
        "code": court.code,
        "name_zh": court.name_zh,
        "name_en": court.name_en,
        "level": court.level,
        "kind": court.kind,
        "province": court.province,
        "parent_code": court.parent.code if court.parent_id else "",
        **changes,
    }
    return client.post(f"/courts/{court.pk}/edit/", data)


def test_an_editor_cannot_make_their_court_a_root(world, client_for):
    """The probe: party-affairs staff of a high court posted level=spc and no parent (302)."""
    spc_admin = UserFactory(username="spc-admin")
    grant(spc_admin, Role.SYSTEM_ADMIN, court=world.spc)
    response = _edit(client_for("party"), world.high, level="spc", parent_code="")
    assert response.status_code == 200
    assert "Supreme People" in response.content.decode()
    world.high.refresh_from_db()
    assert world.high.parent_id == world.spc.pk and world.high.path.startswith(world.spc.path)
    # The national administrator still sees the court and its people.
    client = Client()
    client.force_login(spc_admin)
    assert client.get(f"/courts/{world.high.pk}/").status_code == 200
    assert client.get(f"/people/{world.members[3].pk}/").status_code == 200


def test_an_editor_cannot_move_their_court_above_their_grant(world, client_for):
    response = _edit(client_for("party"), world.inter, parent_code="浙")
    assert response.status_code == 200
    world.inter.refresh_from_db()
    assert world.inter.parent_id == world.high.pk


def test_the_rule_holds_for_every_caller_of_the_service(world):
    party = world.users["party"]
    with pytest.raises(ApplicationError, match="Supreme People"):
        court_save(actor=party, court=world.high, changes={"level": "spc", "parent": None})
    with pytest.raises(ApplicationError, match="within your reach"):
        court_save(actor=party, court=world.basic, changes={"parent": world.spc})
    with pytest.raises(ApplicationError, match="Supreme People"):
        court_save(
            actor=None,
            court=Court(),
            changes={"code": "新", "name_zh": "第二个最高法", "level": "spc", "parent": None},
        )


def test_moves_within_reach_still_work(world):
    """A party-affairs user of the high court may re-attach a basic court to another
    intermediate court of their province."""
    other_inter = court_save(
        actor=world.users["party"],
        court=Court(),
        changes={
            "code": "苏02",
            "name_zh": "江苏省无锡市中级人民法院",
            "level": "intermediate",
            "kind": "ordinary",
            "parent": world.high,
        },
    )
    court_save(actor=world.users["party"], court=world.basic, changes={"parent": other_inter})
    world.basic.refresh_from_db()
    assert world.basic.path.startswith(other_inter.path)
