"""Importing courts, departments and Party organisations; and exports that import back
unchanged."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import CourtFactory
from tests.transfer.test_transfer import commit, preview, reasons, upload
from tongxin.core.models import AuditEntry
from tongxin.core.tree import save_with_path
from tongxin.orgs.models import Court, Department, PartyOrganisation
from tongxin.people.models import Membership
from tongxin.transfer.models import ImportBatch

COURTS = ["法院代字", "法院名称", "英文名称", "层级", "类型", "省份", "上级法院代字"]
DEPARTMENTS = ["法院代字", "部门名称", "英文名称", "部门类型"]
ORGS = ["法院代字", "党组织名称", "组织类型", "上级党组织", "成立日期", "覆盖部门"]


# Courts --------------------------------------------------------------------------------


def test_courts_and_tribunals_import_and_reimport_unchanged(world, client_for):
    client = client_for("party")
    rows = [
        COURTS,
        ["", "孝陵卫人民法庭", "", "人民法庭", "", "", "苏0104"],  # its basic court is row 3
        ["苏0104", "南京市秦淮区人民法院", "Qinhuai Court", "基层法院", "普通", "", "苏01"],
        ["苏0102", "南京市玄武区人民法院", "Xuanwu District People's Court", "basic", "", "苏", ""],
    ]
    batch = preview(client, "courts", rows)
    assert batch.reject_list() == [], reasons(batch)
    assert (batch.created_count, batch.changed_count, batch.unchanged_count) == (2, 0, 1)
    commit(client, batch)
    basic = Court.objects.get(code="苏0104")
    tribunal = Court.objects.get(name_zh="孝陵卫人民法庭")
    assert basic.parent == world.inter and basic.province == "苏"
    assert tribunal.parent == basic and tribunal.code is None and tribunal.level == "tribunal"
    assert tribunal.path.startswith(basic.path) and basic.path.startswith(world.inter.path)
    assert AuditEntry.objects.filter(action="orgs.court.created").count() == 2
    again = preview(client, "courts", rows)
    assert (again.created_count, again.changed_count, again.unchanged_count) == (0, 0, 3)


def test_court_changes_are_reported_and_saved(world, client_for):
    client = client_for("admin")
    batch = preview(
        client,
        "courts",
        [COURTS, ["苏0102", "南京市玄武区人民法院", "Xuanwu Court", "", "", "", ""]],
    )
    assert batch.changed_count == 1
    assert batch.row_list()[0]["changed"] == ["英文名称"]
    commit(client, batch)
    world.basic.refresh_from_db()
    assert world.basic.name_en == "Xuanwu Court"


def test_courts_with_a_parent_of_the_wrong_level_are_rejected(world, client_for):
    batch = preview(
        client_for("party"),
        "courts",
        [
            COURTS,
            ["苏0105", "某基层法院", "", "基层法院", "", "", "苏0102"],
            ["", "某人民法庭", "", "人民法庭", "", "", "苏01"],
            ["苏0106", "无上级法院", "", "基层法院", "", "", ""],
            ["苏0107", "层级不明", "", "区级法院", "", "", "苏01"],
            ["苏0108", "", "", "", "", "", "苏01"],
        ],
    )
    text = reasons(batch)
    assert "上级法院代字 “苏0102”: A Basic court cannot sit under a Basic court." in text
    assert "Basic court cannot sit under a Intermediate court" not in text
    assert "3: 上级法院代字 “苏01”: A people's tribunal must belong to a basic court." in text
    assert "上级法院代字 is required." in text
    assert "层级: unknown value “区级法院”" in text
    assert "6: 法院名称 is required. | 6: 层级 is required." in text
    assert batch.rejected_count == 5


def test_circular_court_parents_within_the_file_are_rejected(world, client_for):
    batch = preview(
        client_for("admin"),
        "courts",
        [
            COURTS,
            ["苏02", "甲中院", "", "中级法院", "", "", "苏03"],
            ["苏03", "乙中院", "", "中级法院", "", "", "苏02"],
        ],
    )
    assert batch.rejected_count == 2
    assert "makes a circle" in reasons(batch)


def test_courts_outside_reach_are_rejected(world, client_for):
    batch = preview(
        client_for("party"),
        "courts",
        [
            COURTS,
            ["浙0103", "杭州某法院", "", "基层法院", "", "", "浙"],
            ["浙0102", "杭州市上城区人民法院", "New name", "", "", "", ""],
            ["苏05", "苏州中院", "", "中级法院", "", "", "苏"],
        ],
    )
    assert batch.rejected_count == 2 and batch.created_count == 1
    assert reasons(batch).count("outside your reach") == 2


# Departments -----------------------------------------------------------------------------


def test_departments_import_change_and_reimport(world, client_for):
    client = client_for("party")
    rows = [
        DEPARTMENTS,
        ["苏0102", "立案庭", "Case Filing Division", "审判部门"],
        ["苏0102", "办公室", "", "综合行政部门"],
        ["苏0102", "民事审判第一庭", "No. 1 Civil Division", "judicial"],
        ["苏0102", "政治部", "", ""],
        ["浙0102", "立案庭", "", "审判部门"],
    ]
    batch = preview(client, "departments", rows)
    assert (batch.created_count, batch.unchanged_count, batch.rejected_count) == (2, 1, 2)
    assert "部门类型 is required for a new department." in reasons(batch)
    commit(client, batch)
    assert Department.objects.get(court=world.basic, name_zh="办公室").kind == "administrative"
    again = preview(client, "departments", rows)
    assert (again.created_count, again.unchanged_count) == (0, 3)
    changed = preview(client, "departments", [DEPARTMENTS, ["苏0102", "办公室", "", "直属单位"]])
    assert changed.changed_count == 1
    commit(client, changed)
    assert Department.objects.get(court=world.basic, name_zh="办公室").kind == "affiliated"


# Organisations ---------------------------------------------------------------------------


def test_organisations_import_with_parents_in_the_file_and_reimport(world, client_for):
    client = client_for("party")
    rows = [
        ORGS,
        ["苏0102", "审判第二党支部", "党支部", "审判党总支", "2015/7/1", "民事审判第一庭"],
        ["苏0102", "审判党总支", "党总支", "玄武法院机关党委", "2015-07-01", ""],
        ["苏0102", "民一庭党支部", "branch", "玄武法院机关党委", "", ""],
        ["苏0102", "审判第二党小组", "党小组", "审判第二党支部", "", ""],
    ]
    batch = preview(client, "organisations", rows)
    assert batch.reject_list() == [], reasons(batch)
    assert (batch.created_count, batch.unchanged_count) == (3, 1)
    commit(client, batch)
    general = PartyOrganisation.objects.get(name_zh="审判党总支")
    branch = PartyOrganisation.objects.get(name_zh="审判第二党支部")
    cell = PartyOrganisation.objects.get(name_zh="审判第二党小组")
    assert general.parent == world.committee_org and general.founded_on == datetime.date(2015, 7, 1)
    assert branch.parent == general and list(branch.departments.all()) == [world.dept]
    assert cell.parent == branch and cell.path.startswith(general.path)
    audited = AuditEntry.objects.count()
    again = preview(client, "organisations", rows)
    assert (again.created_count, again.changed_count, again.unchanged_count) == (0, 0, 4)
    commit(client, again)
    assert AuditEntry.objects.count() == audited


def test_moving_an_organisation_is_a_change(world, client_for):
    client = client_for("party")
    general = PartyOrganisation(
        court=world.basic, parent=world.committee_org, kind="general_branch", name_zh="总支"
    )
    save_with_path(general)
    batch = preview(client, "organisations", [ORGS, ["苏0102", "民一庭党支部", "", "总支", "", ""]])
    assert batch.changed_count == 1 and batch.row_list()[0]["changed"] == ["上级党组织"]
    commit(client, batch)
    world.branch.refresh_from_db()
    world.cell.refresh_from_db()
    assert world.branch.parent == general
    assert world.cell.path.startswith(general.path)


def test_circular_organisation_parents_are_rejected(world, client_for):
    batch = preview(
        client_for("party"),
        "organisations",
        [
            ORGS,
            ["苏0102", "甲总支", "党总支", "乙总支", "", ""],
            ["苏0102", "乙总支", "党总支", "甲总支", "", ""],
            ["苏0102", "丙支部", "党支部", "甲总支", "", ""],
            ["苏0102", "玄武法院机关党委", "", "民一庭党支部", "", ""],
        ],
    )
    text = reasons(batch)
    assert batch.rejected_count == 4 and batch.created_count == 0
    assert "2: 上级党组织: “乙总支” makes a circle" in text
    assert (
        "4: 上级党组织: “甲总支” is not recorded yet, and row 2, which would create it, was rejected."
        in text
    )
    assert "5: 上级党组织: “民一庭党支部” makes a circle" in text


def test_existing_organisation_moved_below_its_own_child_is_a_circle(world, client_for):
    batch = preview(
        client_for("party"),
        "organisations",
        [ORGS, ["苏0102", "民一庭党支部", "党总支", "民一庭第一党小组", "", ""]],
    )
    assert "makes a circle" in reasons(batch)


def test_organisation_parents_of_the_wrong_kind_are_rejected(world, client_for):
    batch = preview(
        client_for("party"),
        "organisations",
        [
            ORGS,
            ["苏0102", "错挂支部", "党支部", "民一庭第一党小组", "", ""],
            ["苏0102", "孤立党小组", "党小组", "", "", ""],
            ["苏0102", "某支部", "党支部", "不存在的党委", "", ""],
            ["苏0102", "某支部二", "党支部", "", "", "不存在的庭"],
            ["苏0102", "某支部三", "支委会", "", "", ""],
        ],
    )
    text = reasons(batch)
    assert "上级党组织 “民一庭第一党小组”: A Branch cannot sit under a Party cell." in text
    assert "上级党组织: A Party cell needs a parent organisation." in text
    assert (
        "there is no organisation “不存在的党委” in 南京市玄武区人民法院 (or, for a "
        "people's tribunal, in its basic court)" in text
    )
    assert "覆盖部门: there is no department “不存在的庭”" in text
    assert "组织类型: unknown value “支委会”" in text
    assert batch.created_count == 0


def test_a_tribunal_branch_may_sit_under_its_basic_courts_committee(world, client_for):
    # A tribunal has no code of its own: the file names it after its basic court's code.
    CourtFactory(code=None, name_zh="某人民法庭", level="tribunal", parent=world.basic)
    batch = preview(
        client_for("party"),
        "organisations",
        [ORGS, ["苏0102/某人民法庭", "法庭党支部", "党支部", "玄武法院机关党委", "", ""]],
    )
    assert batch.reject_list() == [], reasons(batch)
    commit(client_for("party"), batch)
    branch = PartyOrganisation.objects.get(name_zh="法庭党支部")
    assert branch.court.name_zh == "某人民法庭" and branch.parent == world.committee_org


# People: memberships ---------------------------------------------------------------------


def test_people_import_moves_membership_with_the_given_date(world, client_for):
    client = client_for("party")
    other = PartyOrganisation(
        court=world.basic, parent=world.committee_org, kind="branch", name_zh="刑庭党支部"
    )
    save_with_path(other)
    member = world.members[6]
    batch = preview(
        client,
        "people",
        [
            ["法院代字", "人员编号", "姓名", "所在党组织", "入党支部日期"],
            ["苏0102", member.staff_number, member.name, "刑庭党支部", "2024年3月1日"],
            ["苏0102", world.members[7].staff_number, world.members[7].name, "民一庭党支部", ""],
        ],
    )
    assert (batch.changed_count, batch.unchanged_count) == (1, 1), reasons(batch)
    commit(client, batch)
    rows = list(Membership.objects.filter(person=member).order_by("starts_on"))
    assert [(m.organisation_id, m.ends_on) for m in rows] == [
        (world.branch.pk, datetime.date(2024, 3, 1)),
        (other.pk, None),
    ]
    # The party group was kept for the member whose organisation did not change.
    assert Membership.objects.get(person=world.members[7], ends_on=None).cell == world.cell


# Exports import back unchanged -----------------------------------------------------------


def _export(client, url):
    response = client.get(url + "?export=xlsx")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_people_export_imports_back_unchanged(world, client_for):
    client = client_for("party")
    content = _export(client, "/people/")
    response = upload(client, "people", SimpleUploadedFile("people.xlsx", content))
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    assert batch.reject_list() == [], reasons(batch)
    assert batch.created_count == batch.changed_count == 0
    assert batch.unchanged_count == 10


def test_organisation_export_imports_back_unchanged(world, client_for):
    client = client_for("party")
    content = _export(client, "/courts/organisations/")
    upload(client, "organisations", SimpleUploadedFile("orgs.xlsx", content))
    batch = ImportBatch.objects.latest("pk")
    assert batch.reject_list() == [], reasons(batch)
    assert batch.unchanged_count == 3 and batch.created_count == batch.changed_count == 0


def test_court_export_imports_back_unchanged(world, client_for):
    client = client_for("party")
    content = _export(client, "/courts/")
    upload(client, "courts", SimpleUploadedFile("courts.xlsx", content))
    batch = ImportBatch.objects.latest("pk")
    assert batch.reject_list() == [], reasons(batch)
    assert batch.unchanged_count == 3 and batch.created_count == batch.changed_count == 0
    assert "Parent court" in batch.ignored_columns


def test_tribunal_staff_join_their_basic_courts_branch(world, client_for):
    tribunal = CourtFactory(code=None, name_zh="某人民法庭", level="tribunal", parent=world.basic)
    client = client_for("party")
    batch = preview(
        client,
        "people",
        [
            ["法院代字", "人员编号", "姓名", "性别", "人员类别", "政治面貌", "所在党组织"],
            ["苏0102/某人民法庭", "T1", "庭长甲", "男", "法官", "正式党员", "民一庭党支部"],
        ],
    )
    assert batch.reject_list() == [], reasons(batch)
    commit(client, batch)
    membership = Membership.objects.get(person__staff_number="T1")
    assert membership.person.court == tribunal and membership.organisation == world.branch


def test_a_parent_in_a_court_above_is_refused_at_preview(world, client_for):
    """The preview follows organisation_save: a 苏0102 branch cannot sit under 苏01's committee
    (before, the preview accepted it and the commit then failed)."""
    from tests.factories import OrganisationFactory

    OrganisationFactory(court=world.inter, kind="organ_committee", name_zh="南京中院机关党委")
    header = ["法院代字", "党组织名称", "类型", "上级党组织"]
    batch = preview(
        client_for("party"),
        "organisations",
        [header, ["苏0102", "跨院支部", "党支部", "南京中院机关党委"]],
    )
    assert batch.row_list() == [] and "there is no organisation" in reasons(batch)
