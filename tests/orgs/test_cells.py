"""Party cells (党小组): created, renamed and closed in a branch; members placed in them from a
date with the history kept; bad input gets a clear message and leaves nothing half-saved."""

import datetime
import re
from pathlib import Path

import pytest

from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory
from tests.transfer.test_transfer import PEOPLE, person_row, preview, reasons
from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditEntry
from tongxin.orgs import services
from tongxin.orgs.models import PartyOrganisation
from tongxin.people.models import Membership
from tongxin.people.services import membership_cell_set, membership_move

ROOT = Path(__file__).resolve().parents[2]
Kind = PartyOrganisation.Kind
FEB = datetime.date(2026, 2, 1)


def _open(person) -> Membership:
    return person.memberships.get(ends_on__isnull=True)


def _cell(world, name="民一庭第二党小组", **extra):
    return OrganisationFactory(
        court=world.basic, parent=world.branch, kind=Kind.CELL, name_zh=name, **extra
    )


# Create, rename, close --------------------------------------------------------------------


def test_secretary_creates_renames_and_closes_a_cell_from_the_branch_page(world, client_for):
    client = client_for("secretary")
    page = client.get(f"/courts/organisations/{world.branch.pk}/").content.decode()
    assert "Party cells" in page and f"/courts/organisations/{world.branch.pk}/cells/new/" in page
    response = client.post(
        f"/courts/organisations/{world.branch.pk}/cells/new/",
        {"name_zh": "民一庭第二党小组", "name_en": "Civil Cell 2"},
    )
    assert response.status_code == 302
    cell = PartyOrganisation.objects.get(name_zh="民一庭第二党小组")
    assert (cell.kind, cell.parent, cell.court) == (Kind.CELL, world.branch, world.basic)
    assert cell.path.startswith(world.branch.path)
    response = client.post(f"/courts/cells/{cell.pk}/rename/", {"name_zh": "民一庭第三党小组"})
    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.name_zh == "民一庭第三党小组" and cell.name_en == ""
    assert AuditEntry.objects.filter(action="orgs.organisation.changed", object_id=str(cell.pk))
    assert client.post(f"/courts/cells/{cell.pk}/close/").status_code == 302
    cell.refresh_from_db()
    assert not cell.is_active
    page = client.get(f"/courts/organisations/{world.branch.pk}/").content.decode()
    assert "民一庭第三党小组" in page and "closed" in page


def test_the_new_cell_form_suggests_a_name_after_the_branch(world, client_for):
    body = client_for("party").get(f"/courts/organisations/{world.branch.pk}/cells/new/")
    assert 'value="民一庭党小组"' in body.content.decode()


def test_committee_members_see_cells_without_the_change_links(world, client_for):
    page = client_for("committee").get(f"/courts/organisations/{world.branch.pk}/").content
    page = page.decode()
    assert world.cell.name in page and "9 members" in page
    assert "/cells/new/" not in page and "/rename/" not in page and "/people/cells/" not in page


def test_cells_only_in_an_open_branch(world):
    admin = world.users["admin"]
    with pytest.raises(ApplicationError, match="inside a branch"):
        services.cell_create(actor=admin, branch=world.committee_org, name_zh="机关党小组")
    with pytest.raises(ApplicationError, match="inside a branch"):
        services.cell_create(actor=admin, branch=world.cell, name_zh="小组的小组")
    closed = OrganisationFactory(court=world.basic, parent=world.committee_org, is_active=False)
    with pytest.raises(ApplicationError, match="no longer active"):
        services.cell_create(actor=admin, branch=closed, name_zh="关闭支部党小组")
    with pytest.raises(ApplicationError, match="not a Party cell"):
        services.cell_rename(actor=admin, cell=world.branch, name_zh="改名")
    with pytest.raises(ApplicationError, match="not a Party cell"):
        services.cell_close(actor=admin, cell=world.branch)
    assert not PartyOrganisation.objects.filter(name_zh__in=["机关党小组", "改名"]).exists()


def test_a_duplicate_cell_name_is_explained_and_nothing_is_written(world, client_for):
    before = PartyOrganisation.objects.count()
    response = client_for("secretary").post(
        f"/courts/organisations/{world.branch.pk}/cells/new/", {"name_zh": world.cell.name_zh}
    )
    assert response.status_code == 200
    assert "This court already has an organisation of this name." in response.content.decode()
    assert PartyOrganisation.objects.count() == before


def test_closing_a_cell_with_members_is_refused_until_they_are_placed_elsewhere(world, client_for):
    client = client_for("secretary")
    page = client.get(f"/courts/cells/{world.cell.pk}/close/").content.decode()
    assert "9 members are in this Party cell" in page
    assert client.post(f"/courts/cells/{world.cell.pk}/close/").status_code == 200
    # The generic deactivation refuses too (a cell's members are not the branch's).
    with pytest.raises(ApplicationError, match="in this Party cell"):
        services.organisation_deactivate(actor=world.users["admin"], organisation=world.cell)
    world.cell.refresh_from_db()
    assert world.cell.is_active
    for person in world.members:
        membership_cell_set(actor=world.users["admin"], membership=_open(person), cell=None, on=FEB)
    assert client.post(f"/courts/cells/{world.cell.pk}/close/").status_code == 302
    world.cell.refresh_from_db()
    assert not world.cell.is_active
    # History stays: on a day before, the members were in the (now closed) cell.
    assert Membership.objects.filter(cell=world.cell, ends_on=FEB).count() == 9


# Placing members in cells -----------------------------------------------------------------


def test_a_change_of_cell_keeps_the_history_by_date_and_the_posts(world):
    secretary = world.members[0]
    second = _cell(world)
    first_row = _open(secretary)
    membership_cell_set(actor=world.users["admin"], membership=first_row, cell=second, on=FEB)
    rows = list(secretary.memberships.order_by("starts_on"))
    assert [(m.organisation, m.cell, m.starts_on, m.ends_on) for m in rows] == [
        (world.branch, world.cell, datetime.date(2020, 1, 1), FEB),
        (world.branch, second, FEB, None),
    ]
    assert secretary.posts.filter(post="secretary", ends_on__isnull=True).exists()
    # The move form's path (same organisation, another cell) keeps the posts too.
    membership_move(
        actor=world.users["admin"],
        person=secretary,
        organisation=world.branch,
        cell=None,
        on=datetime.date(2026, 3, 1),
    )
    assert _open(secretary).cell is None
    assert secretary.posts.filter(post="secretary", ends_on__isnull=True).exists()
    # The same cell again changes nothing.
    same = membership_cell_set(
        actor=world.users["admin"],
        membership=_open(secretary),
        cell=None,
        on=datetime.date(2026, 4, 1),
    )
    assert same.starts_on == datetime.date(2026, 3, 1)


def test_a_change_dated_the_day_the_row_began_corrects_it(world):
    person = PersonFactory(court=world.basic)
    row = MembershipFactory(person=person, organisation=world.branch, starts_on=FEB)
    membership_cell_set(actor=world.users["admin"], membership=row, cell=world.cell, on=FEB)
    assert list(person.memberships.values_list("cell", "starts_on", "ends_on")) == [
        (world.cell.pk, FEB, None)
    ]


def test_bad_cell_changes_are_explained_and_change_nothing(world):
    admin = world.users["admin"]
    person = world.members[3]
    other_branch = OrganisationFactory(
        court=world.basic, parent=world.committee_org, name_zh="刑庭党支部"
    )
    foreign = OrganisationFactory(
        court=world.basic, parent=other_branch, kind=Kind.CELL, name_zh="刑庭第一党小组"
    )
    closed = _cell(world, name="民一庭旧党小组", is_active=False)
    cases = [
        (foreign, FEB, "“刑庭第一党小组” does not belong to “民一庭党支部”"),
        (other_branch, FEB, "“刑庭党支部” is not a Party cell."),
        (closed, FEB, "“民一庭旧党小组” is closed."),
        (None, datetime.date(2019, 12, 31), "since 2020-01-01: the Party cell can change"),
    ]
    for cell, on, message in cases:
        with pytest.raises(ApplicationError) as error:
            membership_cell_set(actor=admin, membership=_open(person), cell=cell, on=on)
        assert message in error.value.message
    assert list(person.memberships.values_list("cell", "ends_on")) == [(world.cell.pk, None)]
    ended = _open(world.members[4])
    membership_move(actor=admin, person=world.members[4], organisation=other_branch, on=FEB)
    with pytest.raises(ApplicationError, match="has ended"):
        membership_cell_set(actor=admin, membership=ended, cell=None, on=FEB)


def test_assignment_page_places_several_members_from_one_date(world, client_for):
    second = _cell(world)
    client = client_for("secretary")
    page = client.get(f"/people/cells/{world.branch.pk}/").content.decode()
    assert world.members[0].name in page and second.name in page
    data = {"on": "2026-02-01"}
    data |= {f"m{_open(p).pk}": str(world.cell.pk) for p in world.members}
    data[f"m{_open(world.members[1]).pk}"] = str(second.pk)
    data[f"m{_open(world.members[2]).pk}"] = ""
    data[f"m{_open(world.probationary).pk}"] = str(second.pk)
    response = client.post(f"/people/cells/{world.branch.pk}/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert _open(world.members[1]).cell == second
    assert _open(world.members[2]).cell is None
    assert _open(world.probationary).cell == second
    assert _open(world.members[3]).cell == world.cell  # unchanged: no new row
    assert _open(world.members[3]).starts_on == datetime.date(2020, 1, 1)
    page = client.get(f"/courts/organisations/{world.branch.pk}/").content.decode()
    assert "2 members" in page and "7 members" in page


def test_assignment_page_refuses_a_cell_of_another_branch_and_saves_nothing(world, client_for):
    other_branch = OrganisationFactory(court=world.basic, parent=world.committee_org)
    foreign = OrganisationFactory(court=world.basic, parent=other_branch, kind=Kind.CELL)
    second = _cell(world)
    before = list(Membership.objects.order_by("pk").values_list("pk", "cell", "ends_on"))
    client = client_for("secretary")
    data = {"on": "2026-02-01", f"m{_open(world.members[1]).pk}": str(second.pk)}
    data[f"m{_open(world.members[2]).pk}"] = str(foreign.pk)
    response = client.post(f"/people/cells/{world.branch.pk}/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved: correct the members marked below." in body
    assert "Choose one of this branch&#x27;s open Party cells." in body
    assert list(Membership.objects.order_by("pk").values_list("pk", "cell", "ends_on")) == before


def test_assignment_page_rolls_back_when_one_member_is_refused(world, client_for):
    second = _cell(world)
    late = PersonFactory(court=world.basic)
    MembershipFactory(person=late, organisation=world.branch, starts_on=datetime.date(2026, 3, 1))
    before = list(Membership.objects.order_by("pk").values_list("pk", "cell", "ends_on"))
    data = {"on": "2026-02-01"}
    data[f"m{_open(world.members[1]).pk}"] = str(second.pk)  # fine on its own
    data[f"m{_open(late).pk}"] = str(second.pk)  # joined after the date
    response = client_for("party").post(f"/people/cells/{world.branch.pk}/", data)
    body = response.content.decode()
    assert "Nothing was saved" in body
    assert "since 2026-03-01: the Party cell can change from that day on." in body
    assert list(Membership.objects.order_by("pk").values_list("pk", "cell", "ends_on")) == before


@pytest.mark.parametrize(
    "junk", ["", "x" * 5000, "中文", "2024-13-45", "-1", "\x00", "99999999999999999999999"]
)
def test_cell_forms_answer_junk_without_a_server_error(world, client_for, junk):
    client = client_for("admin")
    membership = _open(world.members[1])
    for url, fields in (
        (f"/courts/organisations/{world.branch.pk}/cells/new/", ["name_zh", "name_en"]),
        (f"/courts/cells/{world.cell.pk}/rename/", ["name_zh", "name_en"]),
        (f"/people/cells/{world.branch.pk}/", ["on", f"m{membership.pk}"]),
        (f"/courts/organisations/{world.committee_org.pk}/cells/new/", ["name_zh"]),
        (f"/people/cells/{world.committee_org.pk}/", ["on"]),
    ):
        response = client.post(url, {name: junk for name in fields})
        assert response.status_code < 500, url
    assert _open(world.members[1]).pk == membership.pk


def test_the_import_refuses_a_closed_cell(world, client_for):
    _cell(world, name="民一庭旧党小组", is_active=False)
    batch = preview(
        client_for("party"),
        "people",
        [PEOPLE + ["党小组"], person_row(org="民一庭党支部") + ["民一庭旧党小组"]],
    )
    assert "The Party cell “民一庭旧党小组” is closed." in reasons(batch)


def test_posts_in_a_cell_are_refused(world):
    with pytest.raises(ApplicationError, match="no elected committee"):
        services.post_assign(
            actor=world.users["admin"],
            organisation=world.cell,
            person=world.members[2],
            post="secretary",
            starts_on=FEB,
        )


# Terminology ------------------------------------------------------------------------------


def test_english_says_party_cell_and_leading_party_members_group():
    assert Kind.CELL.label == "Party cell"
    assert Kind.PARTY_GROUP.label == "Leading Party members' group"


def test_no_english_string_calls_either_a_party_group():
    """ "Party group" named both 党组 and 党小组: no translatable string or template says it
    (the import still reads an old English header "Party group" as an alias)."""
    pattern = re.compile(
        r"(?:_|gettext_lazy|pgettext_lazy|translate)\s*\(?\s*[\"'][^\"']*party group", re.I
    )
    offenders = []
    for path in [*(ROOT / "tongxin").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]:
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) or re.search(r'translate "[^"]*party group', line, re.I):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_assignment_leaves_rows_the_form_did_not_show(world, client_for):
    """A member whose row changed since the form was shown (another cell, so another
    membership row) is left as it is, not taken out of their cell."""
    second = _cell(world)
    shown = _open(world.members[1])
    membership_cell_set(actor=world.users["admin"], membership=shown, cell=second, on=FEB)
    data = {"on": "2026-03-01", f"m{shown.pk}": ""}  # the stale row's field
    response = client_for("party").post(f"/people/cells/{world.branch.pk}/", data)
    assert response.status_code == 302
    assert _open(world.members[1]).cell == second
