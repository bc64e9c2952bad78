"""Import: the findings of the exploratory review — template words and examples, drop-down
lists, preview order, nothing to commit, parents whose own row failed, page details."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.factories import DepartmentFactory
from tests.transfer.test_transfer import START, commit, preview, reasons, upload
from tests.transfer.test_transfer_orgs import COURTS, ORGS
from tongxin.orgs.models import Court, PartyOrganisation
from tongxin.people.models import Person
from tongxin.transfer import registry
from tongxin.transfer.formats import BOOL, ENUM, accepted_values, choice_words, clean
from tongxin.transfer.models import ImportBatch
from tongxin.transfer.template_book import drop_down

# The kinds the apps register (tongxin/orgs/imports, tongxin/people/imports.py).
# The case import (a bulk kind with its own permission, trial.import) is tested in tests/trial.
KINDS = {kind.name: kind for kind in registry.kinds() if kind.name != "cases"}

ENUMERATED = [
    (kind, item) for kind, fmt in KINDS.items() for item in fmt.fields if item.type in (ENUM, BOOL)
]


def template(client, kind):
    response = client.get(f"/transfer/import/templates/{kind}.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def field(kind, name):
    return next(item for item in KINDS[kind].fields if item.name == name)


# Words and examples ------------------------------------------------------------------------


def test_the_people_template_says_gonghao_and_still_accepts_renyuan_bianhao(world, client_for):
    assert field("people", "staff_number").zh == "工号"
    client = client_for("party")
    headers = [cell.value for cell in template(client, "people").worksheets[0][1]]
    assert "工号" in headers and "人员编号" not in headers
    batch = preview(
        client,
        "people",
        [["法院代字", "人员编号", "姓名", "性别", "人员类别"]]
        + [["苏0102", "N001", "李四", "男", "法官"]],
    )
    assert batch.rejected_count == 0 and batch.created_count == 1


@pytest.mark.parametrize(
    "words, code",
    [
        (("厅局级", "厅级"), "department"),
        (("县处级", "处级"), "division"),
        (("乡科级", "科级"), "section"),
        (("正式党员", "中共党员", "党员"), "full"),
        (("预备党员", "中共预备党员"), "probationary"),
        (("非党员", "群众"), "none"),
    ],
)
def test_the_products_labels_and_their_short_forms_are_both_accepted(words, code):
    name = "cadre_level" if code in ("department", "division", "section") else "political_status"
    item = field("people", name)
    for word in words:
        assert clean(item, word) == code
    # The template lists the product's own label (the form's) first.
    assert f"{words[0]} ({code})" in accepted_values(item)


@pytest.mark.parametrize("kind, item", ENUMERATED, ids=lambda v: getattr(v, "name", v))
def test_every_enumerated_example_is_in_its_own_list_of_accepted_values(kind, item):
    if not item.example:
        return
    assert item.example in drop_down(item)
    if item.type == ENUM:
        assert re.search(rf"(^|、){re.escape(item.example)} \(", accepted_values(item))


def test_the_instructions_list_the_aliases_too(client_for):
    notes = template(client_for("party"), "people").worksheets[1]
    rows = {row[0]: row for row in notes.iter_rows(min_row=2, values_only=True)}
    assert "正式党员/中共党员/党员 (full)" in rows["政治面貌"][3]
    assert "县处级/处级 (division)" in rows["领导职务层级"][3]


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_template_filled_with_its_examples_previews_without_rejects(world, client_for, kind):
    # The examples refer to the world's court 苏0102, its department, branch and party group;
    # only the organisation example's second department is missing there.
    DepartmentFactory(court=world.basic, name_zh="立案庭")
    client = client_for("party")
    book = template(client, kind)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    by_header = {item.zh: item for item in KINDS[kind].fields}
    sheet.append([by_header[header].example for header in headers])
    handle = io.BytesIO()
    book.save(handle)
    response = upload(client, kind, SimpleUploadedFile("examples.xlsx", handle.getvalue()))
    assert response.status_code == 302, response.content.decode()[-1500:]
    batch = ImportBatch.objects.latest("pk")
    assert batch.reject_list() == [], reasons(batch)
    assert len(batch.row_list()) == 1
    values = batch.row_list()[0]["values"]
    for item in KINDS[kind].fields:
        if item.type == ENUM and item.example:
            assert values[item.name] == choice_words(item)[item.example.casefold()]


# Drop-down lists ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_template_offers_drop_down_lists_for_choices_and_yes_no(client_for, kind):
    sheet = template(client_for("party"), kind).worksheets[0]
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list" and len(validation.formula1) <= 255
        for cell_range in validation.sqref.ranges:
            lists[cell_range.coord.split(":")[0]] = validation.formula1.strip('"').split(",")
    expected = {}
    for index, item in enumerate(KINDS[kind].fields):
        if item.type in (ENUM, BOOL):
            expected[f"{chr(ord('A') + index)}2"] = drop_down(item)
    assert lists == expected
    assert expected, "every kind has at least one enumerated column"
    for _kind, item in ENUMERATED:
        if _kind == kind:
            for word in drop_down(item):
                clean(item, word)  # every word offered is accepted (CellError otherwise)


def test_the_drop_down_offers_the_products_labels(client_for):
    assert drop_down(field("people", "cadre_level")) == ["无", "厅局级", "县处级", "乡科级"]
    assert drop_down(field("people", "political_status"))[:2] == ["正式党员", "预备党员"]
    assert drop_down(field("people", "gender")) == ["男", "女"]
    assert drop_down(field("people", "is_retired")) == ["是", "否"]


# Preview order and nothing to commit -----------------------------------------------------


def test_the_preview_lists_accepted_rows_in_file_order(world, client_for):
    client = client_for("admin")
    batch = preview(
        client,
        "courts",
        [
            COURTS,
            ["苏0105", "甲基层法院", "", "基层法院", "", "", "苏01"],
            ["", "乙人民法庭", "", "人民法庭", "", "", "苏0106"],  # its court is the next row
            ["苏0106", "丙基层法院", "", "基层法院", "", "", "苏01"],
            ["", "丁人民法庭", "", "人民法庭", "", "", "苏0105"],
        ],
    )
    assert [row["row"] for row in batch.row_list()] == [2, 3, 4, 5]
    body = client.get(f"{START}{batch.pk}/").content.decode()
    shown = re.findall(r'<td class="text-nowrap">(\d+)</td><td>', body)
    assert shown == ["2", "3", "4", "5"]
    commit(client, batch)  # the commit still writes parents first
    tribunal = Court.objects.get(name_zh="乙人民法庭")
    assert tribunal.parent.code == "苏0106"


def test_an_unchanged_file_offers_no_commit_but_a_close(world, client_for):
    client = client_for("party")
    rows = [["法院代字", "部门名称", "部门类型"], ["苏0102", "民事审判第一庭", "审判部门"]]
    batch = preview(client, "departments", rows)
    assert (batch.unchanged_count, batch.rows_to_write) == (1, 0)
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert 'data-testid="commit"' not in body and "Commit 0" not in body
    assert "Nothing to commit: every row matches what is recorded." in body
    assert 'data-testid="close"' in body
    response = client.post(f"{START}{batch.pk}/cancel/", follow=True)
    assert "Import closed; there was nothing to write." in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED


def test_a_file_of_only_rejected_rows_offers_no_commit(world, client_for):
    client = client_for("party")
    batch = preview(
        client,
        "departments",
        [["法院代字", "部门名称", "部门类型"], ["苏9999", "某庭", "审判部门"]],
    )
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert 'data-testid="commit"' not in body
    assert "Nothing to commit: no accepted row would create or change a record." in body


def test_a_file_with_changes_still_offers_commit_and_cancel(world, client_for):
    client = client_for("party")
    batch = preview(
        client,
        "departments",
        [["法院代字", "部门名称", "部门类型"], ["苏0102", "立案庭", "审判部门"]],
    )
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert 'data-testid="commit"' in body and "Commit 1 change" in body
    assert 'data-testid="cancel"' in body and 'data-testid="close"' not in body


# Parents whose own row failed ------------------------------------------------------------


def test_a_failed_row_for_an_existing_court_does_not_reject_its_children(world, client_for):
    client = client_for("admin")
    batch = preview(
        client,
        "courts",
        [
            COURTS,
            ["苏01", "江苏省南京市中级人民法院", "", "高级法院", "", "", "苏"],  # high under high
            ["苏0109", "新基层法院", "", "基层法院", "", "", "苏01"],
            ["苏0110", "另一基层法院", "", "基层法院", "", "", "苏01X"],
            ["苏01X", "不知上级", "", "中级法院", "", "", "苏99"],  # rejected before planning
        ],
    )
    text = reasons(batch)
    assert "2: 上级法院代字 “苏”: A High court cannot sit under a High court." in text
    assert "5: 上级法院代字: there is no court with code “苏99”." in text
    # 苏01 is recorded: row 3 is checked against it as it stands, and accepted.
    assert "3:" not in text
    # 苏01X exists only in row 5, which failed.
    assert (
        "4: 上级法院代字: “苏01X” is not recorded yet, and row 5, which would create it, "
        "was rejected." in text
    )
    assert [row["row"] for row in batch.row_list()] == [3]
    commit(client, batch)
    assert Court.objects.get(code="苏0109").parent == world.inter
    world.inter.refresh_from_db()
    assert world.inter.level == "intermediate"


def test_a_tribunal_under_a_new_court_whose_row_failed_is_rejected_not_a_500(world, client_for):
    batch = preview(
        client_for("admin"),
        "courts",
        [
            COURTS,
            ["苏0109", "", "", "", "", "", "苏01"],  # no name, no level
            ["", "某人民法庭", "", "人民法庭", "", "", "苏0109"],
        ],
    )
    assert batch.rejected_count == 2
    assert "3: 上级法院代字: “苏0109” is not recorded yet, and row 2" in reasons(batch)


def test_a_failed_row_for_an_existing_organisation_does_not_reject_its_children(world, client_for):
    client = client_for("party")
    batch = preview(
        client,
        "organisations",
        [
            ORGS,
            ["苏0102", "民一庭党支部", "党支部", "不存在的党委", "", ""],
            ["苏0102", "民一庭第二党小组", "党小组", "民一庭党支部", "", ""],
        ],
    )
    text = reasons(batch)
    assert "2: 上级党组织: there is no organisation “不存在的党委”" in text
    assert "3:" not in text and batch.created_count == 1
    commit(client, batch)
    cell = PartyOrganisation.objects.get(name_zh="民一庭第二党小组")
    assert cell.parent == world.branch and cell.path.startswith(world.branch.path)


def test_a_fallback_to_the_recorded_parent_still_refuses_a_circle(world, client_for):
    # The branch's row fails; the committee row then hangs under the recorded branch, which
    # sits below the committee: a circle, even though no accepted row makes it in the file.
    batch = preview(
        client_for("party"),
        "organisations",
        [
            ORGS,
            ["苏0102", "民一庭党支部", "党支部", "不存在的党委", "", ""],
            ["苏0102", "玄武法院机关党委", "", "民一庭党支部", "", ""],
        ],
    )
    assert "3: 上级党组织: “民一庭党支部” makes a circle" in reasons(batch)
    assert batch.rows_to_write == 0


# Page details --------------------------------------------------------------------------------


def test_row_numbers_do_not_wrap_and_the_columns_label_keeps_its_colon(world, client_for):
    client = client_for("party")
    batch = preview(
        client,
        "departments",
        [
            ["法院代字", "部门名称", "部门类型"],
            ["苏9999", "某庭", "审判部门"],
            ["苏0102", "立案庭", "审判部门"],
        ],
    )
    body = client.get(f"{START}{batch.pk}/").content.decode()
    assert body.count('<th class="text-nowrap">Row</th>') == 2
    assert '<td class="text-nowrap">2</td>' in body and '<td class="text-nowrap">3</td>' in body
    assert " style=" not in body.split("<main", 1)[-1]
    start = client.get(START).content.decode()
    assert "Columns: <strong>" in start


def test_people_rows_keep_the_person_model_choices(world, client_for):
    client = client_for("party")
    headers = ["法院代字", "工号", "姓名", "性别", "人员类别", "领导职务层级", "政治面貌"]
    batch = preview(
        client,
        "people",
        [
            headers,
            ["苏0102", "N1", "甲", "男", "法官", "处级", "中共党员"],
            ["苏0102", "N2", "乙", "女", "书记员", "乡科级", "正式党员"],
        ],
    )
    assert batch.reject_list() == []
    commit(client, batch)
    assert Person.objects.get(staff_number="N1").cadre_level == "division"
    assert Person.objects.get(staff_number="N2").political_status == "full"
