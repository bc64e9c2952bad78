"""Courts, departments, Party organisations, terms and posts through pages and services."""

import datetime

import pytest

from tests.factories import CourtFactory, MembershipFactory, OrganisationFactory, PersonFactory
from tongxin.core.exceptions import ApplicationError
from tongxin.core.models import AuditEntry
from tongxin.orgs import selectors, services
from tongxin.orgs.models import CommitteePost, CommitteeTerm, Court, Department, PartyOrganisation
from tongxin.people.services import membership_move


def test_party_staff_add_a_court_founded_after_2018(world, client_for):
    response = client_for("party").post(
        "/courts/new/",
        {
            "code": "苏74",
            "name_zh": "南京金融法院",
            "name_en": "Nanjing Financial Court",
            "level": "intermediate",
            "kind": "financial",
            "province": "苏",
            "parent_code": "苏",
        },
    )
    court = Court.objects.get(code="苏74")
    assert response.status_code == 302
    assert court.parent == world.high and court.path.startswith(world.high.path)
    entry = AuditEntry.objects.get(action="orgs.court.created", object_id=str(court.pk))
    assert entry.before is None and entry.after["code"] == "苏74"
    assert entry.actor == world.users["party"]


def test_unknown_parent_code_is_explained_and_nothing_is_written(world, client_for):
    count = Court.objects.count()
    response = client_for("party").post(
        "/courts/new/",
        {
            "code": "苏99",
            "name_zh": "测试",
            "level": "basic",
            "kind": "ordinary",
            "parent_code": "京01",
        },
    )
    assert response.status_code == 200
    assert "No court with code" in response.content.decode()
    assert Court.objects.count() == count


def test_duplicate_court_code_is_refused(world, client_for):
    response = client_for("admin").post(
        "/courts/new/",
        {
            "code": "苏0102",
            "name_zh": "重复",
            "level": "basic",
            "kind": "ordinary",
            "parent_code": "苏01",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_a_court_cannot_sit_under_a_lower_level(world):
    with pytest.raises(ApplicationError):
        services.court_save(
            actor=world.users["admin"], court=world.inter, changes={"parent": world.basic}
        )


def test_a_court_cannot_become_its_own_ancestor(world):
    with pytest.raises(ApplicationError, match="own parent"):
        services.court_save(
            actor=world.users["admin"], court=world.high, changes={"parent": world.high}
        )


def test_moving_a_court_moves_its_subtree(world):
    other_inter = CourtFactory(
        level=Court.Level.INTERMEDIATE, parent=world.high, code="苏02", province="苏"
    )
    tribunal = CourtFactory(
        level=Court.Level.TRIBUNAL, parent=world.basic, code=None, province="苏"
    )
    services.court_save(
        actor=world.users["admin"], court=world.basic, changes={"parent": other_inter}
    )
    world.basic.refresh_from_db()
    tribunal.refresh_from_db()
    assert world.basic.path.startswith(other_inter.path)
    assert world.basic.depth == other_inter.depth + 1
    assert tribunal.path.startswith(world.basic.path) and tribunal.depth == world.basic.depth + 1


def test_a_court_cannot_move_to_another_province(world):
    with pytest.raises(ApplicationError, match="differs from the parent"):
        services.court_save(
            actor=world.users["admin"], court=world.basic, changes={"parent": world.other_high}
        )


def test_court_codes_follow_their_province_and_tribunals_have_none(world):
    with pytest.raises(ApplicationError, match="starts with its province"):
        services.court_save(
            actor=world.users["admin"],
            court=Court(),
            changes={
                "code": "京74",
                "name_zh": "北京金融法院",
                "level": "intermediate",
                "kind": "financial",
                "province": "",
                "parent": world.high,
            },
        )
    with pytest.raises(ApplicationError, match="no court code"):
        services.court_save(
            actor=world.users["admin"],
            court=Court(),
            changes={
                "code": "苏0997",
                "name_zh": "某人民法庭",
                "level": "tribunal",
                "kind": "ordinary",
                "parent": world.basic,
            },
        )
    court = services.court_save(
        actor=world.users["admin"],
        court=Court(),
        changes={
            "code": "苏74",
            "name_zh": "南京金融法院",
            "name_en": "",
            "level": "intermediate",
            "kind": "financial",
            "province": "",
            "parent": world.high,
        },
    )
    assert court.province == "苏" and court.name_en == "Nanjing Financial Court"


def test_nothing_new_under_an_inactive_court(world):
    Court.objects.filter(pk=world.inter.pk).update(is_active=False)
    world.inter.refresh_from_db()
    with pytest.raises(ApplicationError, match="inactive"):
        services.department_save(
            actor=world.users["admin"],
            department=Department(court=world.inter),
            changes={"name_zh": "立案庭", "kind": "judicial"},
        )
    with pytest.raises(ApplicationError, match="inactive"):
        services.organisation_save(
            actor=world.users["admin"],
            organisation=PartyOrganisation(court=world.inter),
            changes={"kind": "branch", "name_zh": "新支部"},
        )


def test_secretary_editing_the_branch_keeps_its_parent(world, client_for):
    client = client_for("secretary")
    form = client.get(f"/courts/organisations/{world.branch.pk}/edit/").context["form"]
    assert form.fields["parent"].disabled and form.fields["kind"].disabled
    client.post(
        f"/courts/organisations/{world.branch.pk}/edit/",
        {
            "kind": "general_branch",
            "name_zh": world.branch.name_zh,
            "name_en": "Renamed",
            "parent": "",
            "departments": [world.dept.pk],
        },
    )
    world.branch.refresh_from_db()
    assert world.branch.name_en == "Renamed"
    assert world.branch.parent == world.committee_org and world.branch.kind == "branch"


def test_parent_organisation_must_be_in_the_same_court(world):
    with pytest.raises(ApplicationError, match="same court"):
        services.organisation_save(
            actor=world.users["admin"],
            organisation=PartyOrganisation(court=world.inter),
            changes={"kind": "branch", "name_zh": "跨院支部", "parent": world.committee_org},
        )


def test_tribunal_must_belong_to_a_basic_court(world):
    with pytest.raises(ApplicationError, match="basic court"):
        services.court_save(
            actor=world.users["admin"],
            court=Court(),
            changes={
                "name_zh": "某人民法庭",
                "level": "tribunal",
                "kind": "ordinary",
                "parent": world.inter,
            },
        )
    tribunal = services.court_save(
        actor=world.users["admin"],
        court=Court(),
        changes={
            "name_zh": "玄武法院某人民法庭",
            "level": "tribunal",
            "kind": "ordinary",
            "parent": world.basic,
            "code": "",
        },
    )
    assert tribunal.code is None and tribunal.parent == world.basic


def test_deactivating_a_court_with_active_children_is_refused(world, client_for):
    client = client_for("party")
    response = client.post(f"/courts/{world.inter.pk}/deactivate/")
    assert "Deactivate the courts below" in response.content.decode()
    world.inter.refresh_from_db()
    assert world.inter.is_active
    response = client.post(f"/courts/{world.basic.pk}/deactivate/")
    world.basic.refresh_from_db()
    assert response.status_code == 302 and not world.basic.is_active


def test_court_list_search_and_tree_order(world, client_for):
    page = client_for("leader").get("/courts/?q=苏01").context["page"]
    assert [c.code for c in page] == ["苏01", "苏0102"]  # a code prefix finds the subtree
    page = client_for("leader").get("/courts/?q=玄武").context["page"]
    assert [c.code for c in page] == ["苏0102"]
    page = client_for("leader").get("/courts/").context["page"]
    assert [c.code for c in page] == ["苏", "苏01", "苏0102"]


def test_court_list_export_follows_filters(world, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for("leader").get("/courts/?level=basic&export=xlsx")
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][0] == "Court code"
    assert [r[0] for r in rows[1:]] == ["苏0102"]


def test_list_pages_do_not_grow_queries_with_rows(world, client_for, django_assert_max_num_queries):
    client = client_for("admin")
    counts = {}
    for path in ("/courts/", "/courts/organisations/", "/people/"):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        counts[path] = len(ctx.captured_queries)
    for n in range(30):
        court = CourtFactory(level=Court.Level.BASIC, parent=world.inter)
        org = OrganisationFactory(court=court)
        for _ in range(2):
            MembershipFactory(person=PersonFactory(court=court), organisation=org)
        Department.objects.create(court=court, name_zh=f"部门{n}", kind="judicial")
    for path, count in counts.items():
        with django_assert_max_num_queries(count):
            client.get(path)


def test_department_create_edit_deactivate(world, client_for):
    client = client_for("party")
    response = client.post(
        f"/courts/{world.basic.pk}/departments/new/",
        {"name_zh": "执行局", "name_en": "Enforcement Bureau", "kind": "judicial"},
    )
    assert response.status_code == 302
    dept = Department.objects.get(court=world.basic, name_zh="执行局")
    client.post(
        f"/courts/departments/{dept.pk}/edit/",
        {"name_zh": "执行局", "name_en": "Enforcement", "kind": "judicial"},
    )
    dept.refresh_from_db()
    assert dept.name_en == "Enforcement"
    client.post(f"/courts/departments/{dept.pk}/deactivate/")
    dept.refresh_from_db()
    assert not dept.is_active
    assert (
        AuditEntry.objects.filter(object_type="orgs.department", object_id=str(dept.pk)).count()
        == 3
    )


def test_secretary_adds_a_party_group_inside_the_branch(world, client_for):
    response = client_for("secretary").post(
        f"/courts/{world.basic.pk}/organisations/new/",
        {
            "kind": "cell",
            "name_zh": "民一庭第二党小组",
            "name_en": "Civil Group 2",
            "parent": world.branch.pk,
        },
    )
    assert response.status_code == 302
    cell = PartyOrganisation.objects.get(name_zh="民一庭第二党小组")
    assert cell.path.startswith(world.branch.path)


def test_organisation_parent_of_the_wrong_kind_is_refused(world, client_for):
    response = client_for("party").post(
        f"/courts/{world.basic.pk}/organisations/new/",
        {
            "kind": "branch",
            "name_zh": "新支部",
            "parent": world.cell.pk,
        },
    )
    assert "cannot sit under" in response.content.decode()
    assert not PartyOrganisation.objects.filter(name_zh="新支部").exists()


def test_circular_organisation_parents_are_refused(world):
    general = OrganisationFactory(
        court=world.basic, parent=world.committee_org, kind="general_branch"
    )
    branch = OrganisationFactory(court=world.basic, parent=general, kind="branch")
    with pytest.raises(ApplicationError):
        services.organisation_save(
            actor=world.users["admin"], organisation=general, changes={"parent": branch}
        )
    with pytest.raises(ApplicationError, match="own parent"):
        services.organisation_save(
            actor=world.users["admin"], organisation=general, changes={"parent": general}
        )


def test_organisation_cannot_cover_another_courts_department(world):
    foreign = Department.objects.create(court=world.other_basic, name_zh="立案庭", kind="judicial")
    with pytest.raises(ApplicationError, match="own court"):
        services.organisation_save(
            actor=world.users["admin"], organisation=world.branch, changes={}, departments=[foreign]
        )


def test_deactivating_an_organisation_with_members_is_refused(world, client_for):
    response = client_for("secretary").post(f"/courts/organisations/{world.branch.pk}/deactivate/")
    assert response.status_code == 200
    world.branch.refresh_from_db()
    assert world.branch.is_active


def test_term_defaults_to_three_years_for_a_branch(world, client_for):
    client_for("secretary").post(
        f"/courts/organisations/{world.branch.pk}/terms/new/", {"starts_on": "2027-01-01"}
    )
    term = CommitteeTerm.objects.filter(organisation=world.branch).order_by("-starts_on").first()
    assert (term.starts_on, term.ends_on) == (datetime.date(2027, 1, 1), datetime.date(2030, 1, 1))


def test_term_ending_before_it_starts_is_refused(world, client_for):
    response = client_for("secretary").post(
        f"/courts/organisations/{world.branch.pk}/terms/new/",
        {"starts_on": "2027-01-01", "ends_on": "2026-01-01"},
    )
    assert "must end after it starts" in response.content.decode()


def test_new_secretary_replaces_the_sitting_one(world):
    old = CommitteePost.objects.get(
        organisation=world.branch, post="secretary", ends_on__isnull=True
    )
    new = services.post_assign(
        actor=world.users["secretary"],
        organisation=world.branch,
        person=world.members[6],
        post="secretary",
        starts_on=datetime.date(2026, 3, 1),
    )
    old.refresh_from_db()
    assert old.ends_on == datetime.date(2026, 3, 1)
    on = selectors.posts_on(organisation=world.branch, on=datetime.date(2026, 2, 28))
    assert old in on and new not in on
    assert new in selectors.posts_on(organisation=world.branch, on=datetime.date(2026, 3, 1))


def test_non_members_cannot_hold_posts(world):
    outsider = PersonFactory(
        court=world.basic, political_status="none", joined_party_on=None, full_member_on=None
    )
    with pytest.raises(ApplicationError):
        services.post_assign(
            actor=world.users["admin"],
            organisation=world.branch,
            person=outsider,
            post="member",
            starts_on=datetime.date(2026, 1, 1),
        )


def test_roster_on_a_day_is_one_query(world, django_assert_num_queries):
    person = world.members[2]
    second = OrganisationFactory(
        court=world.basic, parent=world.committee_org, name_zh="刑庭党支部"
    )
    membership_move(
        actor=world.users["admin"], person=person, organisation=second, on=datetime.date(2025, 6, 1)
    )
    with django_assert_num_queries(1):
        before = list(selectors.roster_on(organisation=world.branch, on=datetime.date(2025, 5, 31)))
    after = list(selectors.roster_on(organisation=world.branch, on=datetime.date(2025, 6, 1)))
    assert person in [m.person for m in before]
    assert person not in [m.person for m in after]
    assert [
        m.person for m in selectors.roster_on(organisation=second, on=datetime.date(2025, 6, 1))
    ] == [person]


def test_organisation_page_shows_the_roster_on_a_chosen_day(world, client_for):
    body = (
        client_for("committee")
        .get(f"/courts/organisations/{world.branch.pk}/?on=2019-01-01")
        .content.decode()
    )
    assert "No members on this day." in body
    body = (
        client_for("committee")
        .get(f"/courts/organisations/{world.branch.pk}/?on=not-a-date")
        .content.decode()
    )
    assert world.members[0].name in body


def test_health_rule_threshold_edit_is_validated_and_audited(world, client_for):
    client = client_for("admin")
    response = client.post(
        "/courts/health/rules/",
        {
            "code": "committee_size",
            "committee_size-is_enabled": "on",
            "committee_size-value": "5",
            "committee_size-value_max": "4",
        },
    )
    assert "must not be below" in response.content.decode()
    client.post(
        "/courts/health/rules/",
        {
            "code": "branch_too_small",
            "branch_too_small-is_enabled": "on",
            "branch_too_small-value": "4",
        },
    )
    from tongxin.orgs.models import HealthRule

    assert HealthRule.objects.get(code="branch_too_small").value == 4
    # changed, or created where a flushed table had lost the row
    assert AuditEntry.objects.filter(action__startswith="orgs.health_rule.").exists()


def test_committee_is_listed_secretary_first(world):
    posts = selectors.posts_on(organisation=world.branch, on=datetime.date(2026, 1, 1))
    assert [p.post for p in posts] == ["secretary", "organisation", "propaganda", "discipline"]


def test_department_list_search_filter_and_export(world, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    Department.objects.create(court=world.inter, name_zh="立案庭", kind="judicial")
    Department.objects.create(court=world.other_basic, name_zh="立案庭", kind="judicial")
    client = client_for("leader")
    page = client.get("/courts/departments/?q=立案").context["page"]
    assert [(d.court.code, d.name_zh) for d in page] == [("苏01", "立案庭")]
    page = client.get("/courts/departments/?court=苏0102").context["page"]
    assert [d.name_zh for d in page] == ["民事审判第一庭"]
    assert page[0].staff == 10
    response = client.get("/courts/departments/?kind=judicial&export=xlsx")
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 3 and "浙0102" not in {r[0] for r in rows}


def test_inactive_records_can_be_made_active_again(world, client_for):
    client = client_for("party")
    client.post(f"/courts/departments/{world.dept.pk}/deactivate/")
    world.dept.refresh_from_db()
    assert not world.dept.is_active
    form = client.get(f"/courts/departments/{world.dept.pk}/edit/").context["form"]
    assert "is_active" in form.fields
    data = {"name_zh": world.dept.name_zh, "name_en": "", "kind": "judicial", "is_active": "on"}
    client.post(f"/courts/departments/{world.dept.pk}/edit/", data)
    world.dept.refresh_from_db()
    assert world.dept.is_active


def test_no_reactivation_under_an_inactive_parent(world):
    leaf = CourtFactory(
        level=Court.Level.TRIBUNAL, parent=world.basic, code=None, province="苏", is_active=False
    )
    Court.objects.filter(pk=world.basic.pk).update(is_active=False)
    world.basic.refresh_from_db()
    with pytest.raises(ApplicationError, match="parent court first"):
        services.court_save(actor=world.users["admin"], court=leaf, changes={"is_active": True})


def test_overlapping_or_overlong_terms_are_refused(world):
    with pytest.raises(ApplicationError, match="overlaps"):
        services.term_record(
            actor=world.users["admin"],
            organisation=world.branch,
            starts_on=datetime.date(2026, 6, 1),
            ends_on=datetime.date(2029, 6, 1),
        )
    with pytest.raises(ApplicationError, match="at most 4 years"):
        services.term_record(
            actor=world.users["admin"],
            organisation=world.branch,
            starts_on=datetime.date(2030, 1, 1),
            ends_on=datetime.date(2130, 1, 1),
        )
    services.term_record(
        actor=world.users["admin"],
        organisation=world.branch,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2030, 1, 1),
    )


def test_a_post_cannot_start_before_the_organisation_was_founded(world):
    with pytest.raises(ApplicationError, match="founded"):
        services.post_assign(
            actor=world.users["admin"],
            organisation=world.branch,
            person=world.members[7],
            post="member",
            starts_on=datetime.date(2000, 1, 1),
        )


def test_duplicate_names_are_explained_in_plain_words(world, client_for):
    client = client_for("party")
    body = client.post(
        f"/courts/{world.basic.pk}/departments/new/",
        {"name_zh": world.dept.name_zh, "kind": "judicial"},
    ).content.decode()
    assert "already has a department of this name" in body
    body = client.post(
        f"/courts/{world.basic.pk}/organisations/new/",
        {"kind": "branch", "name_zh": world.branch.name_zh, "parent": world.committee_org.pk},
    ).content.decode()
    assert "already has an organisation of this name" in body


def test_a_parent_link_only_when_the_parent_can_be_opened(world, client_for):
    body = client_for("member").get(f"/courts/organisations/{world.branch.pk}/").content.decode()
    assert f"/courts/organisations/{world.committee_org.pk}/" not in body
    body = client_for("party").get(f"/courts/organisations/{world.branch.pk}/").content.decode()
    assert f"/courts/organisations/{world.committee_org.pk}/" in body


def test_an_inactive_courts_page_offers_nothing_new(world, client_for):
    tribunal = CourtFactory(
        level=Court.Level.TRIBUNAL, parent=world.basic, code=None, province="苏"
    )
    client = client_for("party")
    client.post(f"/courts/{tribunal.pk}/deactivate/")
    body = client.get(f"/courts/{tribunal.pk}/").content.decode()
    assert f"/courts/{tribunal.pk}/departments/new/" not in body
    assert f"/courts/{tribunal.pk}/organisations/new/" not in body
    assert f"/people/new/?court={tribunal.pk}" not in body


def test_deactivation_says_at_once_why_it_cannot_be_done(world, client_for):
    client = client_for("party")
    response = client.get(f"/courts/{world.inter.pk}/deactivate/")
    assert "Deactivate the courts below" in response.content.decode()
    assert "Yes, go ahead" not in response.content.decode()
    response = client.get(f"/courts/organisations/{world.branch.pk}/deactivate/")
    assert "organisations below this one first" in response.content.decode()
    assert "Yes, go ahead" in client.get(f"/courts/{world.basic.pk}/deactivate/").content.decode()
