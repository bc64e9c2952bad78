"""The roster (花名册): an organisation's members on any day with their Party status, cell and
posts; its page, its .xlsx and PDF files and the API give the same roster in a fixed number
of queries."""

import datetime
import io

import openpyxl
import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, PostFactory
from tongxin.orgs import rosters, selectors
from tongxin.orgs.models import PartyOrganisation
from tongxin.people.models import Person
from tongxin.people.services import membership_cell_set, membership_move

DAY = datetime.date(2026, 3, 1)


def _page(client, org, query=""):
    response = client.get(f"/courts/organisations/{org.pk}/?{query}")
    assert response.status_code == 200
    return response


def _names(roster):
    return [row.person.name for row in roster.rows]


def _xlsx(response):
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[cell.value for cell in row] for row in book.active.iter_rows()]


def _pdf(response):
    return pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content)))


# Party status on a day --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "joined", "full", "on", "expected"),
    [
        ("full", "2008-07-01", "2009-07-01", "2010-01-01", "full"),
        ("full", "2008-07-01", "2009-07-01", "2009-07-01", "full"),
        ("full", "2008-07-01", "2009-07-01", "2009-06-30", "probationary"),
        ("full", None, None, "2000-01-01", "full"),  # no dates: today's status
        ("probationary", "2025-07-01", None, "2025-08-01", "probationary"),
        ("none", "2008-07-01", None, "2010-01-01", ""),  # left the Party since: unknown
    ],
)
def test_party_status_on_a_day_comes_from_the_dates(status, joined, full, on, expected):
    def day(text):
        return datetime.date.fromisoformat(text) if text else None

    person = Person(political_status=status, joined_party_on=day(joined), full_member_on=day(full))
    assert rosters.status_on(person, day(on)) == expected


# Who is on the roster ---------------------------------------------------------------------


def test_roster_counts_full_and_probationary_members_on_the_day(world):
    roster = rosters.roster_build(organisation=world.branch, on=DAY)
    assert (roster.full, roster.probationary, roster.total) == (9, 1, 10)
    assert roster.cells == {world.cell.pk: 9}
    # Joined in 2008, full in 2009: in the middle of 2008 every member was probationary.
    roster = rosters.roster_build(organisation=world.branch, on=datetime.date(2020, 1, 1))
    assert roster.total == 10  # the memberships start on 2020-01-01
    earlier = rosters.roster_build(organisation=world.branch, on=datetime.date(2019, 12, 31))
    assert earlier.total == 0


def test_roster_shows_the_cell_and_posts_held_that_day(world):
    member = world.members[6]
    second = OrganisationFactory(
        court=world.basic,
        parent=world.branch,
        kind=PartyOrganisation.Kind.CELL,
        name_zh="民一庭第二党小组",
    )
    membership = member.memberships.get(ends_on__isnull=True)
    membership_cell_set(
        actor=world.users["admin"], membership=membership, cell=second, on=datetime.date(2026, 2, 1)
    )
    PostFactory(
        organisation=world.committee_org,
        person=member,
        post="member",
        starts_on=datetime.date(2026, 2, 15),
    )

    def row(on):
        roster = rosters.roster_build(organisation=world.branch, on=on)
        return next(r for r in roster.rows if r.person == member)

    assert row(datetime.date(2026, 1, 31)).cell == world.cell
    assert row(datetime.date(2026, 2, 1)).cell == second
    assert row(datetime.date(2026, 2, 10)).post_labels == []
    assert row(DAY).post_labels == ["Committee member（玄武法院机关党委）"]
    secretary = rosters.roster_build(organisation=world.branch, on=DAY).rows
    assert [r.post_labels for r in secretary if r.person == world.members[0]] == [["Secretary"]]


def test_a_cells_roster_is_its_members_that_day(world):
    roster = rosters.roster_build(organisation=world.cell, on=DAY)
    assert sorted(_names(roster)) == sorted(p.name for p in world.members)
    assert world.probationary.name not in _names(roster)


def test_a_committee_lists_its_own_members_or_its_whole_subtree(world, client_for):
    own = rosters.roster_build(organisation=world.committee_org, on=DAY)
    whole = rosters.roster_build(organisation=world.committee_org, on=DAY, subtree=True)
    assert own.total == 0 and whole.total == 10 and whole.subtree
    # A branch has no subtree to add (its cells are a column).
    assert not rosters.roster_build(organisation=world.branch, on=DAY, subtree=True).subtree
    body = _page(client_for("party"), world.committee_org, "sub=1").content.decode()
    assert world.members[0].name in body and "with sub-organisations" in body


def test_a_move_leaves_the_old_roster_that_day(world):
    person = world.members[2]
    second = OrganisationFactory(court=world.basic, parent=world.committee_org)
    membership_move(actor=world.users["admin"], person=person, organisation=second, on=DAY)
    day_before = DAY - datetime.timedelta(days=1)
    assert person.name in _names(rosters.roster_build(organisation=world.branch, on=day_before))
    assert person.name not in _names(rosters.roster_build(organisation=world.branch, on=DAY))
    assert _names(rosters.roster_build(organisation=second, on=DAY)) == [person.name]


# The page ---------------------------------------------------------------------------------


def test_page_shows_every_column_to_those_who_see_the_people(world, client_for):
    body = _page(client_for("secretary"), world.branch, "on=2026-03-01").content.decode()
    for text in (
        "Staff number",
        world.members[0].staff_number,
        "Joined the Party on",
        "2008-07-01",
        "Party cell",
        world.cell.name,
        "Secretary",
        "Full members: 9 · probationary members: 1 · total: 10",
        "roster.pdf?on=2026-03-01",
        "roster.xlsx?on=2026-03-01",
    ):
        assert text in body, text


def test_a_member_sees_the_short_roster_without_files(world, client_for):
    body = _page(client_for("member"), world.branch).content.decode()
    assert world.members[0].name in body and world.cell.name in body
    assert world.members[0].staff_number not in body
    assert "roster.pdf" not in body and "roster.xlsx" not in body


def test_a_date_that_is_not_one_is_said_and_today_shown(world, client_for):
    for junk in ("2024-13-45", "not-a-date", "x" * 5000, "%00", "%E4%B8%AD"):
        response = _page(client_for("party"), world.branch, f"on={junk}")
        said = "is not a date (YYYY-MM-DD): the roster shows today." in response.content.decode()
        assert said == (junk != "%00"), junk  # NUL alone is dropped: no date given
        assert response.context["roster"].on == datetime.date.today()


def test_page_file_and_api_give_the_same_roster(world, client_for):
    client = client_for("party")
    for query in ("on=2026-03-01", "on=2019-01-01", "on=2026-03-01&sub=1"):
        for org in (world.branch, world.committee_org, world.cell):
            on_page = [
                (row.person.pk, row.status, row.cell.pk if row.cell else None)
                for row in _page(client, org, query).context["roster"].rows
            ]
            api = client.get(f"/api/v1/organisations/{org.pk}/roster?{query}").json()
            in_api = [
                (m["person_id"], m["political_status"] or "", (m["cell"] or {}).get("id"))
                for m in api["members"]
            ]
            assert on_page == in_api, (org, query)
            rows = _xlsx(client.get(f"/courts/organisations/{org.pk}/roster.xlsx?{query}"))
            staff = [r[3] for r in rows[1 : 1 + len(on_page)]]
            assert staff == [Person.objects.get(pk=pk).staff_number for pk, _s, _c in on_page]


# Files ------------------------------------------------------------------------------------


def test_xlsx_roster_has_every_column_and_the_counts(world, client_for):
    response = client_for("secretary").get(
        f"/courts/organisations/{world.branch.pk}/roster.xlsx?on=2026-03-01"
    )
    assert "no-store" in response["Cache-Control"]
    assert "%E8%8A%B1%E5%90%8D%E5%86%8C" in response["Content-Disposition"]  # 花名册
    rows = _xlsx(response)
    assert rows[0] == [
        "No.",
        "Name",
        "Gender",
        "Staff number",
        "Department",
        "Political status",
        "Joined the Party on",
        "Full member since",
        "Party cell",
        "Posts",
    ]
    secretary = next(r for r in rows if r[1] == world.members[0].name)
    assert secretary[4:] == [
        "民事审判第一庭",
        "Full member",
        datetime.datetime(2008, 7, 1),
        datetime.datetime(2009, 7, 1),
        "民一庭第一党小组",
        "Secretary",
    ]
    assert ["Full members", 9, "Probationary members", 1, "Total", 10] in [r[:6] for r in rows]
    assert ["Organisation", "民一庭党支部", "Court", world.basic.name_zh, "Date"] == rows[-2][:5]


def test_pdf_roster_is_a4_with_the_chinese_text_and_font_embedded(world, client_for):
    response = client_for("party").get(
        f"/courts/organisations/{world.branch.pk}/roster.pdf?on=2026-03-01"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    reader = _pdf(response)
    page = reader.pages[0]
    # A4 (landscape): 297 x 210 mm.
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    text = "".join(p.extract_text() for p in reader.pages)
    for expected in (
        "民一庭党支部",
        "花名册",
        world.basic.name_zh,
        "2026-03-01",
        world.members[0].name,
        "民一庭第一党小组",
        "Page 1 / 1",
    ):
        assert expected in text, expected
    fonts = {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    assert any("WenQuanYi" in name for name in fonts), fonts
    for font in page["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object()  # embedded, not referred to


def test_pdf_roster_in_chinese_counts_and_pages(world, client_for, settings):
    # Enough members for a second page: the header repeats and the pages are numbered.
    for _ in range(40):
        MembershipFactory(
            person=PersonFactory(court=world.basic, department=world.dept),
            organisation=world.branch,
        )
    client = client_for("party")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(
        f"/courts/organisations/{world.branch.pk}/roster.pdf?on=2026-03-01",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    reader = _pdf(response)
    assert len(reader.pages) >= 2
    last = reader.pages[-1].extract_text()
    assert "民一庭党支部" in last and "花名册" in last  # the running header
    assert f"{len(reader.pages)} / {len(reader.pages)}" in last
    assert "正式党员" in reader.pages[0].extract_text()


# Queries stay constant --------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(
    "path",
    [
        "/courts/organisations/{pk}/?on=2026-03-01",
        "/courts/organisations/{pk}/roster.xlsx?on=2026-03-01",
        "/api/v1/organisations/{pk}/roster?on=2026-03-01",
        "/courts/organisations/{pk}/roster.pdf?on=2026-03-01",
        "/courts/organisations/{committee}/?on=2026-03-01&sub=1",
        "/api/v1/organisations/{committee}/roster?on=2026-03-01&sub=1",
        "/courts/organisations/{cell}/?on=2026-03-01",
    ],
)
def test_queries_do_not_grow_with_the_roster(world, client_for, path):
    client = client_for("party")
    url = path.format(pk=world.branch.pk, committee=world.committee_org.pk, cell=world.cell.pk)
    before = _queries(client, url)
    cell_2 = OrganisationFactory(
        court=world.basic, parent=world.branch, kind=PartyOrganisation.Kind.CELL
    )
    for n in range(25):
        person = PersonFactory(court=world.basic, department=world.dept)
        MembershipFactory(
            person=person, organisation=world.branch, cell=cell_2 if n % 2 else world.cell
        )
        if n < 3:
            PostFactory(organisation=world.branch, person=person, post="member")
    assert _queries(client, url) == before


def test_roster_selector_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = list(selectors.roster_on(organisation=world.committee_org, on=DAY, subtree=True))
        assert [m.cell for m in rows] and [m.person.department for m in rows]
        assert {m.organisation for m in rows} == {world.branch}


# The API ----------------------------------------------------------------------------------


def test_api_roster(world, client_for):
    body = (
        client_for("committee")
        .get(f"/api/v1/organisations/{world.branch.pk}/roster?on=2026-03-01")
        .json()
    )
    assert body["on"] == "2026-03-01" and body["subtree"] is False
    assert body["counts"] == {"full": 9, "probationary": 1, "total": 10}
    assert body["organisation"]["name_zh"] == "民一庭党支部"
    assert body["court"]["code"] == "苏0102"
    secretary = next(m for m in body["members"] if m["person_id"] == world.members[0].pk)
    assert secretary["cell"]["name_zh"] == "民一庭第一党小组"
    assert secretary["posts"][0]["post"] == "secretary"
    assert secretary["political_status"] == "full"
    assert secretary["department"]["name_zh"] == "民事审判第一庭"


@pytest.mark.parametrize(
    "query", ["on=2024-13-45", "on=yesterday", "on=" + "9" * 200, "sub=maybe", "on=%00"]
)
def test_api_roster_refuses_bad_parameters_with_422(world, client_for, query):
    response = client_for("party").get(f"/api/v1/organisations/{world.branch.pk}/roster?{query}")
    assert response.status_code == 422
    assert response.json()["message"] == "Some request parameters are not valid."


def test_api_roster_outside_the_scope_or_without_people(world, client_for):
    for pk in (world.other_branch.pk, 999999, 2**63 - 1):
        assert client_for("party").get(f"/api/v1/organisations/{pk}/roster").status_code == 404
    member = client_for("member").get(f"/api/v1/organisations/{world.branch.pk}/roster")
    assert member.status_code == 403
    assert client_for("party").get("/api/v1/organisations/0/roster").status_code == 422


def test_files_refuse_members_and_outsiders(world, client_for):
    for name in ("roster.xlsx", "roster.pdf"):
        url = f"/courts/organisations/{world.branch.pk}/{name}"
        assert client_for("member").get(url).status_code == 403
        assert client_for("outsider").get(url).status_code == 404


def test_junk_in_the_roster_files_query_is_not_an_error(world, client_for):
    client = client_for("party")
    for junk in ("on=2024-02-30", "on=%00", "sub=%00", "on=0001-01-01", "on=9999-12-31"):
        response = client.get(f"/courts/organisations/{world.branch.pk}/roster.xlsx?{junk}")
        assert response.status_code == 200, junk
        assert b"".join(response.streaming_content)[:2] == b"PK"  # a workbook (a zip)


def test_a_roster_too_long_for_a_pdf_offers_the_xlsx(world, client_for, settings):
    settings.ROSTER_PDF_MAX_ROWS = 5
    response = client_for("party").get(
        f"/courts/organisations/{world.branch.pk}/roster.pdf?on=2026-03-01"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "This roster has 10 members; a PDF is made for up to 5." in body
    assert f"/courts/organisations/{world.branch.pk}/roster.xlsx?on=2026-03-01" in body
