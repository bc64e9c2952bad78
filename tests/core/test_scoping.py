"""The access gate: models declare their reach; a narrower visibility plugs in from the app."""

import pytest
from django.db.models import Q

from tongxin.core import scoping
from tongxin.core.exceptions import Forbidden, NotFound
from tongxin.core.permissions import Perm
from tongxin.core.scoping import Reach, reach_of, scope_for
from tongxin.orgs.models import Department, PartyOrganisation
from tongxin.people.models import Person


def test_every_model_the_product_scopes_declares_its_reach():
    for model in (Department, PartyOrganisation, Person):
        assert isinstance(reach_of(model), Reach)
    with pytest.raises(LookupError, match="declares no scope"):
        from tongxin.orgs.models import HealthRule

        reach_of(HealthRule)


def test_a_narrower_visibility_is_declared_by_the_model_not_by_core(world, monkeypatch):
    """What a coming register does (talk summaries: the committee and the person talked
    with): `narrow` is ANDed to the court reach, here "judicial departments only"."""
    party = scope_for(world.users["party"])
    assert party.visible(Department).filter(pk=world.dept.pk).exists()
    narrowed = Reach(
        view=Perm.COURT_VIEW,
        court=("court__path",),
        narrow=lambda scope, perm: Q(kind=Department.Kind.ADMINISTRATIVE),
    )
    monkeypatch.setitem(scoping._REACH, Department, narrowed)
    assert not party.visible(Department).filter(pk=world.dept.pk).exists()
    with pytest.raises(NotFound):
        party.get(Department, world.dept.pk)


def test_can_and_get_answer_alike(world):
    leader = scope_for(world.users["leader"])
    assert not leader.can(Perm.ORG_CHANGE, world.branch)
    with pytest.raises(Forbidden):
        leader.get(PartyOrganisation, world.branch.pk, Perm.ORG_CHANGE)
    outsider = scope_for(world.users["outsider"])
    assert not outsider.can(Perm.ORG_VIEW, world.branch)
    with pytest.raises(NotFound):
        outsider.get(PartyOrganisation, world.branch.pk, Perm.ORG_CHANGE)
    secretary = scope_for(world.users["secretary"])
    assert secretary.can(Perm.ORG_CHANGE, world.branch)
    assert secretary.get(PartyOrganisation, world.branch.pk, Perm.ORG_CHANGE) == world.branch


def test_huge_or_junk_ids_are_not_found(world):
    party = scope_for(world.users["party"])
    for junk in ("x", None, 2**70, "-1"):
        with pytest.raises(NotFound):
            party.get(Person, junk)
